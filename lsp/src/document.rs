//! An open document: its text, version and line index, kept in step with the editor by
//! incremental changes (`textDocument/didChange` with ranges).

use std::path::PathBuf;

use tower_lsp_server::ls_types::{TextDocumentContentChangeEvent, Uri};

use crate::line_index::LineIndex;

#[derive(Clone, Debug)]
pub struct Document {
    pub text: String,
    pub version: i32,
    pub index: LineIndex,
    /// Where the file is (its name says how it is read; its folder may hold a schema lock).
    pub path: PathBuf,
}

impl Document {
    pub fn new(uri: &Uri, text: String, version: i32) -> Document {
        let index = LineIndex::new(&text);
        Document { text, version, index, path: path_of(uri) }
    }

    /// Applies the changes of one `didChange`, in order: each range is in the text as the
    /// changes before it left it.
    pub fn apply(&mut self, changes: Vec<TextDocumentContentChangeEvent>, version: i32) {
        for change in changes {
            match change.range {
                Some(range) => {
                    let span = self.index.span(&self.text, range);
                    self.text.replace_range(span.range(), &change.text);
                }
                None => self.text = change.text,
            }
            self.index = LineIndex::new(&self.text);
        }
        self.version = version;
    }
}

/// The file a URI names; for a document not on disk (`untitled:Untitled-1`), the last
/// segment of its path, which still tells a `.groovy` script from rules.
pub fn path_of(uri: &Uri) -> PathBuf {
    if let Some(path) = uri.to_file_path() {
        return path.into_owned();
    }
    let path = uri.path().as_str();
    PathBuf::from(path.rsplit('/').next().unwrap_or(path))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;
    use tower_lsp_server::ls_types::{Position, Range};

    fn change(start: (u32, u32), end: (u32, u32), text: &str) -> TextDocumentContentChangeEvent {
        TextDocumentContentChangeEvent {
            range: Some(Range::new(Position::new(start.0, start.1), Position::new(end.0, end.1))),
            range_length: None,
            text: text.to_string(),
        }
    }

    #[test]
    fn applies_ranged_changes_in_order() {
        let uri = Uri::from_str("file:///rules/acme.sync").unwrap();
        let mut document = Document::new(&uri, "platform freshdesk\r\nincoming {\r\n}\r\n".to_string(), 1);
        document.apply(
            vec![
                change((1, 10), (1, 10), "\r\n    entity.summary = \"😀\""),
                // Typed after the emoji, which counts two units.
                change((2, 24), (2, 24), "!"),
                change((0, 9), (0, 18), "freshservice"),
            ],
            2,
        );
        assert_eq!(
            document.text,
            "platform freshservice\r\nincoming {\r\n    entity.summary = \"😀!\"\r\n}\r\n"
        );
        assert_eq!(document.version, 2);
        assert_eq!(document.index.line_count(), 5);
        document.apply(
            vec![TextDocumentContentChangeEvent { range: None, range_length: None, text: "x".into() }],
            3,
        );
        assert_eq!(document.text, "x");
    }

    #[test]
    fn ranges_past_the_end_are_clamped() {
        let uri = Uri::from_str("untitled:Untitled-1").unwrap();
        let mut document = Document::new(&uri, "ab".to_string(), 1);
        // A reversed range is read as the text between its ends.
        document.apply(vec![change((5, 0), (9, 9), "c"), change((0, 1), (0, 0), "-")], 2);
        assert_eq!(document.text, "-bc");
        assert_eq!(document.path, PathBuf::from("Untitled-1"));
    }
}
