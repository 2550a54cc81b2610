//! replica-lsp: Replica's language server. It speaks the Language Server Protocol over
//! stdio (`replica lsp`) and answers from the compiler's analysis (`replica_compiler::ide`),
//! so the editor shows exactly what `replica check` reports, while the administrator types.
//!
//! - `server.rs`: the protocol handlers, and the checks run off the async threads;
//! - `document.rs`: open documents kept in step by incremental changes;
//! - `line_index.rs`: UTF-8 offsets ↔ the protocol's UTF-16 positions;
//! - `convert.rs`: the analysis's answers as protocol types;
//! - `locks.rs`: the schema locks next to the open files;
//! - `client.rs`: a minimal client, for the tests and the benchmark.

pub mod client;
mod convert;
mod document;
mod line_index;
mod locks;
mod server;

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use tokio::io::{AsyncRead, AsyncWrite};
use tower_lsp_server::{LspService, Server as Transport};

pub use document::Document;
pub use line_index::LineIndex;
pub use server::capabilities;

/// How a session ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Ending {
    /// `shutdown` came before `exit` (or before the input closed): exit status 0.
    Clean,
    /// The client left without `shutdown`: exit status 1, as the protocol asks.
    Abrupt,
}

/// Serves one client over a pair of byte streams (stdio, or an in-process pipe in tests)
/// until it sends `exit` or closes its end.
pub async fn serve<I, O>(input: I, output: O) -> Ending
where
    I: AsyncRead + Unpin,
    O: AsyncWrite,
{
    let shut_down = Arc::new(AtomicBool::new(false));
    let flag = Arc::clone(&shut_down);
    let (service, socket) = LspService::new(move |client| server::Server::new(client, flag));
    Transport::new(input, output, socket).serve(service).await;
    if shut_down.load(Ordering::SeqCst) {
        Ending::Clean
    } else {
        Ending::Abrupt
    }
}

/// Serves a client over stdin and stdout (`replica lsp`).
pub fn serve_stdio() -> std::io::Result<Ending> {
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build()?;
    Ok(runtime.block_on(serve(tokio::io::stdin(), tokio::io::stdout())))
}
