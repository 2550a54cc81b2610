//! One module per command. Each `run` returns an [`Outcome`](crate::Outcome) or an error
//! that means the tool could not run (exit 2).

pub mod check;
pub mod compile;
pub mod daemon;
pub mod demo;
pub mod explain;
pub mod parse;
pub mod run;
pub mod schema;
pub mod sim;

use std::path::Path;

use replica_grammar::Mode;

/// How a file is read: a bare script when asked (`--script`) or when it ends in `.groovy`
/// (as pasted from Exalate), otherwise a `.sync` rules file.
pub fn mode_for(path: &Path, script: bool) -> Mode {
    let groovy = path.extension().is_some_and(|ext| ext.eq_ignore_ascii_case("groovy"));
    if script || groovy {
        Mode::Script
    } else {
        Mode::Rules
    }
}
