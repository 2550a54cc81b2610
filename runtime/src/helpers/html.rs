//! HTML to plain text (`nodeHelper.stripHtml`) and to Markdown
//! (`nodeHelper.toMarkDownFromHtml`). Freshdesk and Freshservice keep descriptions and notes
//! as HTML; the other side often wants text.
//!
//! Tokenizing (tags, attributes, entities such as `&amp;` `&nbsp;` `&#8217;`, raw text in
//! `<script>`/`<style>`) follows the WHATWG rules through `html5gum`; what is done with the
//! tokens is here:
//! * text: runs of whitespace become one space (inside `<pre>` it is kept), a non-breaking
//!   space becomes a space; `<script>`, `<style>`, `<head>`, `<title>` and `<template>` are
//!   dropped with their content, comments too;
//! * block elements (`p`, `div`, `li`, `h1`…, `tr`, …) start and end lines, `<br>` ends a
//!   line; lines are trimmed, at most one blank line is kept, and the result is trimmed;
//! * Markdown adds `**bold**`, `*italic*`, `~~struck~~`, `` `code` ``, fenced `<pre>` blocks,
//!   `[text](href)`, `![alt](src)`, `# headings`, `- ` and `1. ` list items (nested lists
//!   indented), `---` for `<hr>`, and a blank line between paragraphs. Text is not escaped.

use html5gum::{DefaultEmitter, Token, Tokenizer};

/// The text of an HTML fragment.
pub fn strip_html(html: &str) -> String {
    render(html, false)
}

/// An HTML fragment as Markdown.
pub fn to_markdown(html: &str) -> String {
    render(html, true)
}

/// Elements dropped with everything inside them.
const HIDDEN: &[&str] = &["script", "style", "head", "title", "template"];

/// Elements that start and end a line.
const BLOCKS: &[&str] = &[
    "address",
    "article",
    "aside",
    "blockquote",
    "dd",
    "div",
    "dl",
    "dt",
    "fieldset",
    "figcaption",
    "figure",
    "footer",
    "form",
    "header",
    "li",
    "main",
    "nav",
    "ol",
    "p",
    "section",
    "table",
    "tbody",
    "thead",
    "tfoot",
    "tr",
    "ul",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "pre",
    "hr",
];

fn render(html: &str, markdown: bool) -> String {
    let mut emitter = DefaultEmitter::default();
    // `<script>`, `<style>`, `<textarea>`… hold raw text, not tags.
    emitter.naively_switch_states(true);
    let mut state = State { markdown, ..State::default() };
    for token in Tokenizer::new_with_emitter(html, emitter).flatten() {
        match token {
            Token::StartTag(tag) => {
                let name = String::from_utf8_lossy(&tag.name).to_ascii_lowercase();
                let attr = |key: &str| {
                    tag.attributes.get(key.as_bytes()).map(|v| String::from_utf8_lossy(&v.value).into_owned())
                };
                let (href, src, alt) = (attr("href"), attr("src"), attr("alt"));
                state.start(&name, href, src, alt, tag.self_closing);
            }
            Token::EndTag(tag) => state.end(&String::from_utf8_lossy(&tag.name).to_ascii_lowercase()),
            Token::String(text) => state.text(&String::from_utf8_lossy(&text.value)),
            Token::Comment(_) | Token::Doctype(_) | Token::Error(_) => {}
        }
    }
    tidy(&state.out, markdown)
}

#[derive(Default)]
struct State {
    markdown: bool,
    out: String,
    /// Line breaks owed before the next text (1: a new line, 2: a blank line).
    pending_break: usize,
    pending_space: bool,
    /// Inside how many hidden elements (`<script>`…).
    hidden: usize,
    /// Inside how many `<pre>`.
    pre: usize,
    /// Open lists: `Some(next number)` for `<ol>`, `None` for `<ul>`.
    lists: Vec<Option<u32>>,
    /// Open links' targets.
    links: Vec<Option<String>>,
}

impl State {
    fn start(
        &mut self,
        name: &str,
        href: Option<String>,
        src: Option<String>,
        alt: Option<String>,
        self_closing: bool,
    ) {
        if HIDDEN.contains(&name) {
            if !self_closing {
                self.hidden += 1;
            }
            return;
        }
        if self.hidden > 0 {
            return;
        }
        match name {
            "br" => self.line_break(),
            "hr" if self.markdown => {
                self.block(2);
                self.emit("---");
                self.block(2);
            }
            "p" if self.markdown => self.block(2),
            "h1" | "h2" | "h3" | "h4" | "h5" | "h6" if self.markdown => {
                self.block(2);
                let level = name[1..].parse::<usize>().unwrap_or(1);
                self.emit(&format!("{} ", "#".repeat(level)));
            }
            "ul" | "ol" => {
                self.block(if self.lists.is_empty() && self.markdown { 2 } else { 1 });
                self.lists.push((name == "ol").then_some(1));
            }
            "li" => {
                self.block(1);
                if self.markdown {
                    let indent = "  ".repeat(self.lists.len().saturating_sub(1));
                    let marker = match self.lists.last_mut() {
                        Some(Some(number)) => {
                            *number += 1;
                            format!("{}. ", *number - 1)
                        }
                        _ => "- ".to_string(),
                    };
                    self.emit(&format!("{indent}{marker}"));
                }
            }
            "pre" => {
                self.block(if self.markdown { 2 } else { 1 });
                if self.markdown {
                    self.emit("```");
                    self.out.push('\n');
                }
                self.pre += 1;
            }
            "td" | "th" => self.pending_space = true,
            _ if BLOCKS.contains(&name) => self.block(1),
            _ if !self.markdown => {}
            "b" | "strong" => self.emit("**"),
            "i" | "em" => self.emit("*"),
            "s" | "del" | "strike" => self.emit("~~"),
            "code" if self.pre == 0 => self.emit("`"),
            "a" => {
                if href.is_some() {
                    self.emit("[");
                }
                self.links.push(href);
            }
            "img" => {
                if let Some(src) = src {
                    self.emit(&format!("![{}]({src})", alt.unwrap_or_default()));
                }
            }
            _ => {}
        }
    }

    fn end(&mut self, name: &str) {
        if HIDDEN.contains(&name) {
            self.hidden = self.hidden.saturating_sub(1);
            return;
        }
        if self.hidden > 0 {
            return;
        }
        match name {
            "p" | "h1" | "h2" | "h3" | "h4" | "h5" | "h6" if self.markdown => self.block(2),
            "ul" | "ol" => {
                self.lists.pop();
                self.block(if self.lists.is_empty() && self.markdown { 2 } else { 1 });
            }
            "pre" => {
                self.pre = self.pre.saturating_sub(1);
                if self.markdown {
                    if !self.out.ends_with('\n') {
                        self.out.push('\n');
                    }
                    self.out.push_str("```");
                }
                self.block(if self.markdown { 2 } else { 1 });
            }
            _ if BLOCKS.contains(&name) => self.block(1),
            _ if !self.markdown => {}
            "b" | "strong" => self.emit_closing("**"),
            "i" | "em" => self.emit_closing("*"),
            "s" | "del" | "strike" => self.emit_closing("~~"),
            "code" if self.pre == 0 => self.emit_closing("`"),
            "a" => {
                if let Some(Some(href)) = self.links.pop() {
                    self.emit_closing(&format!("]({href})"));
                }
            }
            _ => {}
        }
    }

    fn text(&mut self, text: &str) {
        if self.hidden > 0 || text.is_empty() {
            return;
        }
        let text = text.replace('\u{a0}', " ");
        if self.pre > 0 {
            self.flush();
            self.out.push_str(&text);
            return;
        }
        if text.starts_with(char::is_whitespace) {
            self.pending_space = true;
        }
        let mut words = text.split_whitespace().peekable();
        while let Some(word) = words.next() {
            self.emit(word);
            if words.peek().is_some() {
                self.pending_space = true;
            }
        }
        if text.ends_with(char::is_whitespace) {
            self.pending_space = true;
        }
    }

    /// Writes `text` after the line breaks and space owed.
    fn emit(&mut self, text: &str) {
        self.flush();
        if self.pending_space && !self.out.is_empty() && !self.out.ends_with([' ', '\n']) {
            self.out.push(' ');
        }
        self.pending_space = false;
        self.out.push_str(text);
    }

    /// Closing markup sticks to the text before it (`**bold** next`, not `**bold **next`).
    fn emit_closing(&mut self, text: &str) {
        let space = std::mem::take(&mut self.pending_space);
        self.out.push_str(text);
        self.pending_space = space;
    }

    fn flush(&mut self) {
        if self.pending_break > 0 && !self.out.is_empty() {
            let have = self.out.len() - self.out.trim_end_matches('\n').len();
            for _ in have..self.pending_break {
                self.out.push('\n');
            }
            self.pending_space = false;
        }
        self.pending_break = 0;
    }

    fn block(&mut self, lines: usize) {
        self.pending_break = self.pending_break.max(lines);
    }

    /// `<br>`: always a new line, so two of them leave a blank line.
    fn line_break(&mut self) {
        self.flush();
        self.out.push('\n');
        self.pending_space = false;
    }
}

/// Trims every line (Markdown keeps the indentation it wrote: nested list items, code
/// blocks), keeps at most one blank line in a row, trims the whole.
fn tidy(text: &str, keep_indent: bool) -> String {
    let mut out = String::with_capacity(text.len());
    let mut blank = 0;
    for line in text.lines() {
        let line = if keep_indent { line.trim_end() } else { line.trim() };
        if line.is_empty() {
            blank += 1;
            continue;
        }
        if !out.is_empty() {
            out.push_str(if blank > 0 { "\n\n" } else { "\n" });
        }
        blank = 0;
        out.push_str(line);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strips_tags_and_decodes_entities() {
        assert_eq!(
            strip_html("<div>It started <b>smoking</b> &amp; beeping.</div>"),
            "It started smoking & beeping."
        );
        assert_eq!(strip_html("<p>one</p><p>two</p>"), "one\ntwo");
        assert_eq!(strip_html("a<br>b<br/><br>c"), "a\nb\n\nc");
        assert_eq!(strip_html("<script>alert(1)</script>x&nbsp;&nbsp;y &#8217;"), "x y \u{2019}");
        assert_eq!(strip_html("  <ul>\n <li>a</li>\n <li>b</li></ul>tail"), "a\nb\ntail");
        assert_eq!(strip_html("plain text"), "plain text");
        assert_eq!(strip_html("<unclosed"), "");
        assert_eq!(strip_html("a < b"), "a < b");
    }

    #[test]
    fn converts_to_markdown() {
        let html = "<h2>Steps</h2><p>Run <code>ls</code> then <strong>stop</strong>, see \
                    <a href=\"https://x.test/a\">the docs</a>.</p><ol><li>one</li><li>two<ul><li>inner</li></ul></li></ol>\
                    <pre>  keep\n  this</pre><p><em>done</em></p>";
        assert_eq!(
            to_markdown(html),
            "## Steps\n\nRun `ls` then **stop**, see [the docs](https://x.test/a).\n\n1. one\n2. two\n  - inner\n\n```\n  keep\n  this\n```\n\n*done*"
        );
        assert_eq!(to_markdown("a<br>b"), "a\nb");
        assert_eq!(to_markdown("<a>no link</a> <img src=\"i.png\" alt=\"pic\">"), "no link ![pic](i.png)");
    }
}
