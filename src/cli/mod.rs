//! One module per command. Each `run` returns an [`Outcome`](crate::Outcome) or an error
//! that means the tool could not run (exit 2).

pub mod admin;
pub mod check;
pub mod compile;
pub mod daemon;
pub mod demo;
pub mod explain;
pub mod lsp;
pub mod parse;
pub mod run;
pub mod schema;
pub mod sim;
