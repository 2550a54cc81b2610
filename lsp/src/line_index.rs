//! Positions as the protocol counts them: a line and a column in UTF-16 code units, lines
//! ending at `\n`, `\r\n` or `\r` (LSP 3.17, "Text Documents"). The analysis counts UTF-8
//! bytes; this index converts between the two for one version of a document.
//!
//! Out-of-range positions are clamped rather than refused, as editors expect: a line past
//! the end means the end of the text, a column past the end of its line means the end of
//! that line, and a column inside a character (between the two halves of a surrogate pair)
//! means the start of that character.

use tower_lsp_server::ls_types::{Position, Range};

use replica_grammar::Span;

#[derive(Clone, Debug)]
pub struct LineIndex {
    /// Byte offset at which each line starts; the first is 0.
    starts: Vec<usize>,
    /// The length of the text, in bytes.
    len: usize,
}

impl LineIndex {
    pub fn new(text: &str) -> LineIndex {
        let bytes = text.as_bytes();
        let mut starts = vec![0];
        let mut at = 0;
        while at < bytes.len() {
            match bytes[at] {
                b'\n' => starts.push(at + 1),
                b'\r' if bytes.get(at + 1) == Some(&b'\n') => {
                    starts.push(at + 2);
                    at += 1;
                }
                b'\r' => starts.push(at + 1),
                _ => {}
            }
            at += 1;
        }
        LineIndex { starts, len: text.len() }
    }

    pub fn line_count(&self) -> usize {
        self.starts.len()
    }

    /// The byte offset of a position in `text` (the text this index was built from).
    pub fn offset(&self, text: &str, position: Position) -> usize {
        let line = position.line as usize;
        if line >= self.starts.len() {
            return self.len;
        }
        let content = &text[self.starts[line]..self.content_end(text, line)];
        let mut units = 0u32;
        for (at, ch) in content.char_indices() {
            let width = ch.len_utf16() as u32;
            if units + width > position.character {
                return self.starts[line] + at;
            }
            units += width;
        }
        self.starts[line] + content.len()
    }

    /// The position of a byte offset in `text`; offsets past the end or inside a character
    /// are moved back to the nearest character start.
    pub fn position(&self, text: &str, offset: usize) -> Position {
        let mut offset = offset.min(self.len);
        while !text.is_char_boundary(offset) {
            offset -= 1;
        }
        let line = self.starts.partition_point(|&start| start <= offset) - 1;
        // An offset between `\r` and `\n` belongs to the end of its line.
        let offset = offset.min(self.content_end(text, line));
        let character: usize = text[self.starts[line]..offset].chars().map(char::len_utf16).sum();
        Position::new(line as u32, u32::try_from(character).unwrap_or(u32::MAX))
    }

    pub fn range(&self, text: &str, span: Span) -> Range {
        Range::new(self.position(text, span.start as usize), self.position(text, span.end as usize))
    }

    pub fn span(&self, text: &str, range: Range) -> Span {
        let (start, end) = (self.offset(text, range.start), self.offset(text, range.end));
        Span::new(start.min(end), end.max(start))
    }

    /// Where line `line`'s text ends, before its line break.
    fn content_end(&self, text: &str, line: usize) -> usize {
        let next = self.starts.get(line + 1).copied().unwrap_or(self.len);
        let line_text = &text.as_bytes()[self.starts[line]..next];
        let break_len = if line_text.ends_with(b"\r\n") {
            2
        } else if line_text.ends_with(b"\n") || line_text.ends_with(b"\r") {
            1
        } else {
            0
        };
        next - break_len
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pos(line: u32, character: u32) -> Position {
        Position::new(line, character)
    }

    #[test]
    fn ascii_lines() {
        let text = "ab\ncd\n";
        let index = LineIndex::new(text);
        assert_eq!(index.line_count(), 3);
        assert_eq!(index.offset(text, pos(1, 1)), 4);
        assert_eq!(index.position(text, 4), pos(1, 1));
        assert_eq!(index.position(text, 6), pos(2, 0));
        assert_eq!(index.offset(text, pos(2, 0)), 6);
    }

    #[test]
    fn astral_characters_count_two_units() {
        // "😀" is 4 bytes in UTF-8 and 2 units in UTF-16; "é" is 2 bytes and 1 unit.
        let text = "a😀é = \"x\"\n";
        let index = LineIndex::new(text);
        assert_eq!(index.position(text, 1), pos(0, 1));
        assert_eq!(index.position(text, 5), pos(0, 3));
        assert_eq!(index.position(text, 7), pos(0, 4));
        assert_eq!(index.offset(text, pos(0, 3)), 5);
        assert_eq!(index.offset(text, pos(0, 4)), 7);
        // Between the two halves of the surrogate pair: the start of the emoji.
        assert_eq!(index.offset(text, pos(0, 2)), 1);
        // An offset inside a multibyte character: that character's start.
        assert_eq!(index.position(text, 3), pos(0, 1));
    }

    #[test]
    fn crlf_and_lone_cr_end_lines() {
        let text = "ab\r\ncd\ref\n";
        let index = LineIndex::new(text);
        assert_eq!(index.line_count(), 4);
        assert_eq!(index.offset(text, pos(1, 0)), 4);
        assert_eq!(index.offset(text, pos(2, 1)), 8);
        // A column past the end of a line stops before its line break.
        assert_eq!(index.offset(text, pos(0, 99)), 2);
        assert_eq!(index.position(text, 3), pos(0, 2)); // between \r and \n
        assert_eq!(index.position(text, 2), pos(0, 2));
        assert_eq!(index.position(text, 7), pos(2, 0));
    }

    #[test]
    fn positions_past_the_end_are_clamped() {
        let text = "ab\ncd";
        let index = LineIndex::new(text);
        assert_eq!(index.offset(text, pos(7, 3)), 5);
        assert_eq!(index.offset(text, pos(1, 99)), 5);
        assert_eq!(index.position(text, 99), pos(1, 2));
        let empty = LineIndex::new("");
        assert_eq!(empty.offset("", pos(3, 3)), 0);
        assert_eq!(empty.position("", 3), pos(0, 0));
    }

    #[test]
    fn round_trips_every_offset() {
        let text = "x😀\r\n\ré\n\u{10FFFF}z\r";
        let index = LineIndex::new(text);
        for (offset, _) in text.char_indices() {
            let position = index.position(text, offset);
            let back = index.offset(text, position);
            // Line breaks collapse to the end of their line; everything else comes back.
            let at_break = matches!(text.as_bytes()[offset], b'\r' | b'\n');
            assert!(back == offset || at_break, "{offset} -> {position:?} -> {back}");
        }
    }
}
