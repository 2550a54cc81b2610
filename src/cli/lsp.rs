//! `replica lsp`: the language server over stdin and stdout, for editors (the VS Code
//! extension in `lsp/editors/vscode` starts it).

use clap::Args;
use replica_lsp::Ending;

use crate::output::Output;
use crate::Outcome;

#[derive(Debug, Args)]
pub struct LspArgs {
    /// Accepted for editors that pass it by habit; stdio is the only transport.
    #[arg(long)]
    pub stdio: bool,
}

pub fn run(_: &LspArgs, _: &Output) -> anyhow::Result<Outcome> {
    match replica_lsp::serve_stdio()? {
        Ending::Clean => Ok(Outcome::Clean),
        // The client left without `shutdown`: the protocol asks for exit status 1.
        Ending::Abrupt => Ok(Outcome::Errors),
    }
}
