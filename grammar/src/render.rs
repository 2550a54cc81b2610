//! Rendering diagnostics for people, the way rustc does, with codespan-reporting:
//!
//! ```text
//! error[E0012]: an opening bracket is never closed
//!   --> rules.sync:3:10
//!   |
//! 3 | incoming {
//!   |          ^ this `{` is never closed
//!   |
//!   = help: add `}` after line 7
//! ```
//!
//! Also here: [`LineIndex`], the one place that turns byte offsets into line/column
//! positions for people and machine-readable output. (The language server counts as its
//! protocol does — UTF-16 columns, lines also ending at a lone `\r` — with its own index in
//! `replica-lsp`.)

use codespan_reporting::diagnostic as cs;
use codespan_reporting::files::SimpleFile;
use codespan_reporting::term::{self, termcolor};

use crate::diagnostic::{Diagnostic, Severity};
use crate::span::Span;

/// Renders `diagnostics` against the text of one file, named `path` in the output.
///
/// `source` must be the text the spans point into (for input that was not valid UTF-8, the
/// sanitized text from `parse_bytes`). With `color`, the output contains ANSI colour codes.
/// Spans that reach past the end of `source`, are reversed or split a character are clamped,
/// so rendering never panics.
pub fn render(diagnostics: &[Diagnostic], path: &str, source: &str, color: bool) -> String {
    let file = SimpleFile::new(path, source);
    // rustc's look: ` --> path:line:col` and `|` borders, which also survive any terminal font.
    let config = term::Config { chars: term::Chars::ascii(), ..term::Config::default() };
    let mut out = String::new();
    for diagnostic in diagnostics {
        let converted = convert(diagnostic, source);
        let rendered = if color {
            let mut writer = termcolor::Ansi::new(Vec::new());
            term::emit_to_write_style(&mut writer, &config, &file, &converted)
                .ok()
                .map(|()| String::from_utf8_lossy(&writer.into_inner()).into_owned())
        } else {
            term::emit_into_string(&config, &file, &converted).ok()
        };
        // Clamping makes every span valid, so codespan cannot fail; if it ever does, fall back
        // to a plain header rather than losing the diagnostic.
        out.push_str(&rendered.unwrap_or_else(|| fallback(diagnostic, path, source)));
    }
    out
}

/// The codespan form of one diagnostic.
fn convert(diagnostic: &Diagnostic, source: &str) -> cs::Diagnostic<()> {
    let severity = match diagnostic.severity {
        Severity::Error => cs::Severity::Error,
        Severity::Warning => cs::Severity::Warning,
    };
    let labels = diagnostic
        .labels
        .iter()
        .map(|label| {
            let style = if label.primary { cs::LabelStyle::Primary } else { cs::LabelStyle::Secondary };
            cs::Label::new(style, (), clamp_span(label.span, source)).with_message(label.message.clone())
        })
        .collect();
    let mut notes: Vec<String> = diagnostic.notes.iter().map(|note| format!("note: {note}")).collect();
    if let Some(help) = &diagnostic.help {
        notes.push(format!("help: {help}"));
    }
    cs::Diagnostic::new(severity)
        .with_code(diagnostic.code.as_str())
        .with_message(diagnostic.message.clone())
        .with_labels(labels)
        .with_notes(notes)
}

/// A byte range that is safe to slice `source` with: inside the text, not reversed, and on
/// character boundaries (the start moves back, the end forward, to cover whole characters).
fn clamp_span(span: Span, source: &str) -> std::ops::Range<usize> {
    let len = source.len();
    let (a, b) = (span.start as usize, span.end as usize);
    let (start, end) = if a <= b { (a, b) } else { (b, a) };
    let mut start = start.min(len);
    let mut end = end.min(len);
    while !source.is_char_boundary(start) {
        start -= 1;
    }
    while !source.is_char_boundary(end) {
        end += 1;
    }
    start..end
}

fn fallback(diagnostic: &Diagnostic, path: &str, source: &str) -> String {
    let severity = match diagnostic.severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
    };
    let position = diagnostic
        .primary_span()
        .map(|span| {
            let (line, column) = LineIndex::new(source).line_col(span.start as usize);
            format!("{path}:{line}:{column}")
        })
        .unwrap_or_else(|| path.to_string());
    format!("{severity}[{}]: {}\n --> {position}\n\n", diagnostic.code, diagnostic.message)
}

/// Maps byte offsets of one text to 1-based line and column numbers.
///
/// Lines end after each `\n` (a `\r` before it belongs to the line). Columns are counted in
/// Unicode scalar values (`char`s), 1-based, as rustc and most editors' status bars show them.
#[derive(Clone, Debug)]
pub struct LineIndex {
    text: Box<str>,
    /// Byte offset at which each line starts; the first entry is 0.
    line_starts: Vec<usize>,
}

impl LineIndex {
    pub fn new(text: &str) -> LineIndex {
        let line_starts = std::iter::once(0).chain(text.match_indices('\n').map(|(at, _)| at + 1)).collect();
        LineIndex { text: text.into(), line_starts }
    }

    /// The 1-based `(line, column)` of a byte offset, the column counted in `char`s.
    ///
    /// Offsets past the end are clamped to the end of the text, and an offset inside a
    /// multibyte character is moved back to that character's start, so this never panics.
    pub fn line_col(&self, offset: usize) -> (usize, usize) {
        let offset = self.clamp(offset);
        // `line_starts[0] == 0 <= offset`, so the partition point is at least 1.
        let line = self.line_starts.partition_point(|&start| start <= offset) - 1;
        let line_start = self.line_starts[line];
        let column = self.text[line_start..offset].chars().count();
        (line + 1, column + 1)
    }

    /// The number of lines (a text ending in `\n` has an empty last line).
    pub fn line_count(&self) -> usize {
        self.line_starts.len()
    }

    fn clamp(&self, offset: usize) -> usize {
        let mut offset = offset.min(self.text.len());
        while !self.text.is_char_boundary(offset) {
            offset -= 1;
        }
        offset
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::codes;

    const SOURCE: &str = "platform freshdesk\n\nincoming {\n    entity.summary = \"open\n}\n";

    fn offset_of(needle: &str) -> usize {
        SOURCE.find(needle).expect("needle in source")
    }

    #[test]
    fn primary_secondary_note_and_help() {
        let at = offset_of("\"open");
        let brace = offset_of("{");
        let diagnostic = Diagnostic::error(codes::UNTERMINATED_STRING, "unterminated string")
            .with_primary(Span::new(at, at + 5), "this string is never closed")
            .with_secondary(Span::new(brace, brace + 1), "inside this block")
            .with_note("strings in `\"…\"` end on the line they start")
            .with_help("add a closing `\"` at the end of the line");
        let out = render(&[diagnostic], "acme.sync", SOURCE, false);
        insta::assert_snapshot!(out, @r#"
        error[E0003]: unterminated string
          --> acme.sync:4:22
          |
        3 | incoming {
          |          - inside this block
        4 |     entity.summary = "open
          |                      ^^^^^ this string is never closed
          |
          = note: strings in `"…"` end on the line they start
          = help: add a closing `"` at the end of the line
        "#);
    }

    #[test]
    fn zero_width_span_at_end_of_file() {
        let end = SOURCE.len();
        let diagnostic = Diagnostic::error(codes::UNEXPECTED_EOF, "unexpected end of file")
            .with_primary(Span::point(end), "expected `}` here");
        let out = render(&[diagnostic], "eof.sync", SOURCE, false);
        // The empty last line is rendered as `6 | ` (with a trailing space): trim it here.
        let out: String = out.lines().map(|line| format!("{}\n", line.trim_end())).collect();
        insta::assert_snapshot!(out, @r#"
        error[E0011]: unexpected end of file
          --> eof.sync:6:1
          |
        6 |
          | ^ expected `}` here
        "#);
    }

    #[test]
    fn zero_width_span_mid_line_has_a_caret() {
        let at = offset_of("= \"open");
        let diagnostic =
            Diagnostic::error(codes::UNEXPECTED_TOKEN, "missing value").with_primary(Span::point(at), "here");
        let out = render(&[diagnostic], "mid.sync", SOURCE, false);
        assert!(out.contains('^'), "{out}");
        assert!(out.contains("mid.sync:4:20"), "{out}");
    }

    #[test]
    fn out_of_range_and_odd_spans_do_not_panic() {
        let text = "é€x";
        let spans = [
            Span { start: 1000, end: 2000 },
            Span { start: 1, end: 2 }, // inside `é`
            Span { start: 3, end: 4 }, // inside `€`
            Span { start: 5, end: 1 }, // reversed
            Span { start: 0, end: u32::MAX },
        ];
        for span in spans {
            let diagnostic = Diagnostic::error(codes::UNEXPECTED_CHARACTER, "odd span")
                .with_primary(span, "here")
                .with_secondary(span, "and here");
            for color in [false, true] {
                let out = render(std::slice::from_ref(&diagnostic), "odd.sync", text, color);
                assert!(out.contains("E0002"), "{out}");
            }
            render(&[diagnostic], "empty.sync", "", false);
        }
    }

    #[test]
    fn several_diagnostics_are_separated_by_a_blank_line() {
        let first = Diagnostic::error(codes::UNEXPECTED_TOKEN, "one").with_primary(Span::new(0, 8), "here");
        let second =
            Diagnostic::warning(codes::UNEXPECTED_TOKEN, "two").with_primary(Span::new(9, 18), "there");
        let out = render(&[first, second], "two.sync", SOURCE, false);
        assert!(out.contains("here\n\nwarning[E0010]: two"), "{out:?}");
        assert!(out.ends_with("\n\n"), "{out:?}");
    }

    #[test]
    fn diagnostic_without_labels() {
        let diagnostic = Diagnostic::warning(codes::UNEXPECTED_TOKEN, "no position");
        let out = render(&[diagnostic], "x.sync", "", false);
        assert!(out.starts_with("warning[E0010]: no position"), "{out}");
    }

    #[test]
    fn colour_adds_escape_codes() {
        let diagnostic =
            Diagnostic::error(codes::UNEXPECTED_TOKEN, "boom").with_primary(Span::new(0, 8), "here");
        let plain = render(std::slice::from_ref(&diagnostic), "c.sync", SOURCE, false);
        let coloured = render(&[diagnostic], "c.sync", SOURCE, true);
        assert!(!plain.contains('\u{1b}'));
        assert!(coloured.contains('\u{1b}'));
    }

    #[test]
    fn line_col_counts_chars_from_one() {
        let index = LineIndex::new("ab\ncafé = \"€\"\n");
        assert_eq!(index.line_col(0), (1, 1));
        assert_eq!(index.line_col(2), (1, 3)); // the `\n`
        assert_eq!(index.line_col(3), (2, 1));
        let text = "ab\ncafé = \"€\"\n";
        let euro = text.find('€').unwrap();
        assert_eq!(index.line_col(euro), (2, 9)); // `é` is one column
        assert_eq!(index.line_col(euro + 1), (2, 9)); // inside `€`: its start
        assert_eq!(index.line_col(euro + 3), (2, 10));
        assert_eq!(index.line_col(text.len()), (3, 1));
        assert_eq!(index.line_col(usize::MAX), (3, 1));
        assert_eq!(index.line_count(), 3);
        assert_eq!(LineIndex::new("").line_col(5), (1, 1));
    }
}
