//! The language server: a thin adapter from the protocol to the compiler's analysis
//! (`replica_compiler::ide`). It keeps the open documents in step with the editor, checks
//! them off the async threads, and answers requests from the analysis of the current text.
//!
//! Checking a large file takes a while, and an editor sends a change per keystroke. Each
//! document has at most one check running; changes that arrive meanwhile are coalesced, and
//! the running check starts over on the newest text when it ends. A result for a version
//! that is no longer current is dropped rather than published.

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};

use replica_compiler::ide::{Analysis, FileInput};
use tower_lsp_server::jsonrpc::{Error, Result};
use tower_lsp_server::ls_types::*;
use tower_lsp_server::{Client, LanguageServer};

use crate::convert;
use crate::document::Document;
use crate::locks::Locks;

pub struct Server {
    client: Client,
    state: Arc<State>,
}

struct State {
    documents: Mutex<HashMap<Uri, Open>>,
    locks: Locks,
    /// Set by `shutdown`: the process then exits with status 0 on `exit`.
    shut_down: Arc<AtomicBool>,
}

/// An open document and what is known about its text.
struct Open {
    /// Shared with the checks and requests that read it; a change copies it only while one
    /// of them still holds the old version.
    document: Arc<Document>,
    /// The analysis of `document`, once computed (cleared when the text changes).
    analysis: Option<Checked>,
    /// A check is running; it starts over if the text changed when it ends.
    checking: bool,
}

#[derive(Clone)]
struct Checked {
    analysis: Arc<Analysis>,
    /// Why the schema lock next to the file was not used, when it was not.
    lock_problem: Option<String>,
}

impl Server {
    pub fn new(client: Client, shut_down: Arc<AtomicBool>) -> Server {
        let state = State { documents: Mutex::new(HashMap::new()), locks: Locks::default(), shut_down };
        Server { client, state: Arc::new(state) }
    }

    /// Starts a check of `uri`, unless one is running (that one will see the new text).
    fn schedule_check(&self, uri: Uri) {
        {
            let mut documents = self.state.documents();
            let Some(open) = documents.get_mut(&uri) else { return };
            if open.checking {
                return;
            }
            open.checking = true;
        }
        tokio::spawn(check_until_current(Arc::clone(&self.state), self.client.clone(), uri));
    }

    /// Runs `query` on the analysis of the current text of `uri`, off the async threads.
    async fn query<T: Send + 'static>(
        &self,
        uri: &Uri,
        query: impl FnOnce(&Document, &Analysis) -> T + Send + 'static,
    ) -> Result<Option<T>> {
        let Some((document, known)) = self.state.current(uri) else { return Ok(None) };
        let state = Arc::clone(&self.state);
        let uri = uri.clone();
        let answer = tokio::task::spawn_blocking(move || {
            let checked = known.unwrap_or_else(|| {
                let checked = state.analyze(&document);
                state.remember(&uri, &document, checked.clone());
                checked
            });
            query(&document, &checked.analysis)
        })
        .await;
        // A panic in the analysis fails this request, never the server.
        answer.map(Some).map_err(|_| Error::internal_error())
    }
}

impl State {
    fn documents(&self) -> MutexGuard<'_, HashMap<Uri, Open>> {
        self.documents.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// The current text of `uri`, and its analysis if it has been computed.
    fn current(&self, uri: &Uri) -> Option<(Arc<Document>, Option<Checked>)> {
        let documents = self.documents();
        let open = documents.get(uri)?;
        let known = open.analysis.clone();
        Some((Arc::clone(&open.document), known))
    }

    /// Whether `document` is still the current text of `uri`. (While the caller holds it, a
    /// change cannot edit it in place: `Arc::make_mut` copies it, so identity tells.)
    fn is_current(&self, uri: &Uri, document: &Arc<Document>) -> bool {
        self.documents().get(uri).is_some_and(|open| Arc::ptr_eq(&open.document, document))
    }

    /// Keeps the analysis of `document` if that is still the current text.
    fn remember(&self, uri: &Uri, document: &Arc<Document>, checked: Checked) {
        if let Some(open) = self.documents().get_mut(uri) {
            if Arc::ptr_eq(&open.document, document) {
                open.analysis = Some(checked);
            }
        }
    }

    /// Analyses one version of a document, with the schema lock next to it.
    fn analyze(&self, document: &Document) -> Checked {
        let (lock, lock_problem) = match self.locks.next_to(&document.path) {
            Some(Ok(lock)) => (Some(lock), None),
            Some(Err(problem)) => (None, Some(problem)),
            None => (None, None),
        };
        let input = FileInput { path: document.path.clone(), text: document.text.clone(), lock };
        Checked { analysis: Arc::new(Analysis::new(input)), lock_problem }
    }
}

/// Checks `uri` until the published diagnostics are those of its current text. While it
/// runs, `checking` stays set, so this is the only task publishing for `uri` and its
/// publications arrive in order.
async fn check_until_current(state: Arc<State>, client: Client, uri: Uri) {
    loop {
        let Some((document, _)) = state.current(&uri) else { return };
        let worker = Arc::clone(&state);
        let snapshot = Arc::clone(&document);
        let checked = tokio::task::spawn_blocking(move || worker.analyze(&snapshot)).await;
        match checked {
            Ok(checked) => {
                if state.is_current(&uri, &document) {
                    let list = diagnostics(&uri, &document, &checked);
                    state.remember(&uri, &document, checked);
                    client.publish_diagnostics(uri.clone(), list, Some(document.version)).await;
                }
            }
            // A panic in the analysis: this text is not checked, the server goes on.
            Err(_) => {
                client.log_message(MessageType::ERROR, format!("checking {} failed", uri.as_str())).await
            }
        }
        let mut documents = state.documents();
        let Some(open) = documents.get_mut(&uri) else { return };
        if Arc::ptr_eq(&open.document, &document) {
            open.checking = false;
            return;
        }
    }
}

/// What to publish for one analysis: `check`'s diagnostics and the notices about the file.
fn diagnostics(uri: &Uri, document: &Document, checked: &Checked) -> Vec<Diagnostic> {
    let mut list: Vec<Diagnostic> =
        checked.analysis.diagnostics().iter().map(|d| convert::diagnostic(uri, document, d)).collect();
    if let Some(problem) = &checked.lock_problem {
        list.push(convert::notice(format!("{problem} (checked without it)"), DiagnosticSeverity::WARNING));
    }
    if let Some(notice) = checked.analysis.notice() {
        list.push(convert::notice(notice, DiagnosticSeverity::INFORMATION));
    }
    list
}

impl LanguageServer for Server {
    async fn initialize(&self, _: InitializeParams) -> Result<InitializeResult> {
        Ok(InitializeResult {
            capabilities: capabilities(),
            server_info: Some(ServerInfo {
                name: "replica".to_string(),
                version: Some(env!("CARGO_PKG_VERSION").to_string()),
            }),
            offset_encoding: None,
        })
    }

    async fn shutdown(&self) -> Result<()> {
        self.state.shut_down.store(true, Ordering::SeqCst);
        Ok(())
    }

    async fn did_open(&self, params: DidOpenTextDocumentParams) {
        let item = params.text_document;
        let document = Document::new(&item.uri, item.text, item.version);
        let open = Open { document: Arc::new(document), analysis: None, checking: false };
        self.state.documents().insert(item.uri.clone(), open);
        self.schedule_check(item.uri);
    }

    async fn did_change(&self, params: DidChangeTextDocumentParams) {
        let uri = params.text_document.uri;
        {
            // Applied before anything awaits, so changes apply in the order they came.
            let mut documents = self.state.documents();
            let Some(open) = documents.get_mut(&uri) else { return };
            Arc::make_mut(&mut open.document).apply(params.content_changes, params.text_document.version);
            open.analysis = None;
        }
        self.schedule_check(uri);
    }

    async fn did_close(&self, params: DidCloseTextDocumentParams) {
        let uri = params.text_document.uri;
        self.state.documents().remove(&uri);
        self.client.publish_diagnostics(uri, Vec::new(), None).await;
    }

    async fn did_change_watched_files(&self, _: DidChangeWatchedFilesParams) {
        // A schema lock changed: check every open file again with it.
        self.state.locks.forget();
        let uris: Vec<Uri> = self.state.documents().keys().cloned().collect();
        for uri in uris {
            self.schedule_check(uri);
        }
    }

    async fn hover(&self, params: HoverParams) -> Result<Option<Hover>> {
        let at = params.text_document_position_params;
        let answer = self
            .query(&at.text_document.uri, move |document, analysis| {
                let offset = document.index.offset(&document.text, at.position);
                analysis.hover(offset).map(|hover| convert::hover(document, hover))
            })
            .await?;
        Ok(answer.flatten())
    }

    async fn completion(&self, params: CompletionParams) -> Result<Option<CompletionResponse>> {
        let at = params.text_document_position;
        let answer = self
            .query(&at.text_document.uri, move |document, analysis| {
                let offset = document.index.offset(&document.text, at.position);
                convert::completions(document, analysis.completions(offset))
            })
            .await?;
        Ok(answer.map(CompletionResponse::Array))
    }

    async fn goto_definition(&self, params: GotoDefinitionParams) -> Result<Option<GotoDefinitionResponse>> {
        let at = params.text_document_position_params;
        let uri = at.text_document.uri.clone();
        let answer = self
            .query(&at.text_document.uri, move |document, analysis| {
                let offset = document.index.offset(&document.text, at.position);
                let declared = analysis.definition(offset)?;
                Some(GotoDefinitionResponse::Scalar(Location::new(uri, convert::range(document, declared))))
            })
            .await?;
        Ok(answer.flatten())
    }

    async fn document_symbol(&self, params: DocumentSymbolParams) -> Result<Option<DocumentSymbolResponse>> {
        let answer = self
            .query(&params.text_document.uri, |document, analysis| {
                DocumentSymbolResponse::Nested(convert::symbols(document, analysis.symbols()))
            })
            .await?;
        Ok(answer)
    }

    async fn code_action(&self, params: CodeActionParams) -> Result<Option<CodeActionResponse>> {
        let uri = params.text_document.uri.clone();
        let answer = self
            .query(&params.text_document.uri, move |document, analysis| {
                let span = document.index.span(&document.text, params.range);
                let actions: Vec<CodeActionOrCommand> = analysis
                    .fixes(span)
                    .into_iter()
                    .map(|fix| {
                        let fixed = &analysis.diagnostics()[fix.diagnostic];
                        convert::fix(&uri, document, fix, fixed)
                    })
                    .collect();
                actions
            })
            .await?;
        Ok(answer.filter(|actions| !actions.is_empty()))
    }
}

/// What the server offers. There is no formatter yet (`replica fmt` does not exist), so
/// formatting is not advertised.
pub fn capabilities() -> ServerCapabilities {
    ServerCapabilities {
        position_encoding: Some(PositionEncodingKind::UTF16),
        text_document_sync: Some(TextDocumentSyncCapability::Options(TextDocumentSyncOptions {
            open_close: Some(true),
            change: Some(TextDocumentSyncKind::INCREMENTAL),
            ..TextDocumentSyncOptions::default()
        })),
        hover_provider: Some(HoverProviderCapability::Simple(true)),
        completion_provider: Some(CompletionOptions {
            trigger_characters: Some([".", "\"", "'", ":"].map(String::from).to_vec()),
            ..CompletionOptions::default()
        }),
        definition_provider: Some(OneOf::Left(true)),
        document_symbol_provider: Some(OneOf::Left(true)),
        code_action_provider: Some(CodeActionProviderCapability::Options(CodeActionOptions {
            code_action_kinds: Some(vec![CodeActionKind::QUICKFIX]),
            ..CodeActionOptions::default()
        })),
        ..ServerCapabilities::default()
    }
}
