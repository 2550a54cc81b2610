//! `replica explain CODE`: the documentation page of a diagnostic code.

use clap::Args;
use replica_compiler::codes::{self, CodeDoc};

use crate::output::{print_stdout, Output};
use crate::Outcome;

#[derive(Debug, Args)]
pub struct ExplainArgs {
    /// A code such as `E0003`, as printed in `error[E0003]`.
    #[arg(value_name = "CODE", required_unless_present = "list", conflicts_with = "list")]
    pub code: Option<String>,

    /// List every code with its title.
    #[arg(long)]
    pub list: bool,
}

/// Every documented code: syntax, checks and trigger queries.
fn all_codes() -> impl Iterator<Item = &'static CodeDoc> {
    codes::all()
}

fn lookup(code: &str) -> Option<&'static CodeDoc> {
    all_codes().find(|doc| doc.code.as_str().eq_ignore_ascii_case(code.trim()))
}

pub fn run(args: &ExplainArgs, out: &Output) -> anyhow::Result<Outcome> {
    if args.list {
        let lines: Vec<String> = all_codes().map(|doc| format!("{}  {}", doc.code, doc.title)).collect();
        print_stdout(&lines.join("\n"));
        return Ok(Outcome::Clean);
    }
    let code = args.code.as_deref().unwrap_or_default();
    match lookup(code) {
        Some(doc) => {
            print_stdout(&page(doc));
            Ok(Outcome::Clean)
        }
        None => {
            out.error(&format!("unknown diagnostic code `{code}`"));
            out.note(
                "codes look like `E0003` (an error) or `W0001` (a warning), as printed in `error[E0003]`",
            );
            out.note("`replica explain --list` lists every code");
            Ok(Outcome::Failed)
        }
    }
}

/// The page: title, explanation wrapped for reading, and the two examples indented.
fn page(doc: &CodeDoc) -> String {
    let mut text = format!("{}: {}\n\n", doc.code, doc.title);
    for paragraph in doc.explanation.split("\n\n") {
        text.push_str(&wrap(paragraph, 80));
        text.push_str("\n\n");
    }
    text.push_str("Wrong:\n\n");
    text.push_str(&indent(doc.wrong));
    text.push_str("\nFixed:\n\n");
    text.push_str(&indent(doc.fixed));
    text
}

fn indent(code: &str) -> String {
    code.lines().map(|line| format!("    {line}\n")).collect()
}

/// Greedy word wrap at `width` characters (words longer than that stay whole).
fn wrap(text: &str, width: usize) -> String {
    let mut lines = Vec::new();
    let mut line = String::new();
    for word in text.split_whitespace() {
        if !line.is_empty() && line.chars().count() + 1 + word.chars().count() > width {
            lines.push(std::mem::take(&mut line));
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(word);
    }
    if !line.is_empty() {
        lines.push(line);
    }
    lines.join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wrap_keeps_words_and_width() {
        let text = "a bb ccc dddd eeeee ffffff";
        assert_eq!(wrap(text, 8), "a bb ccc\ndddd\neeeee\nffffff");
        assert_eq!(wrap("", 8), "");
        assert_eq!(wrap("averyveryverylongword x", 5), "averyveryverylongword\nx");
    }

    #[test]
    fn every_code_has_a_page() {
        for doc in all_codes() {
            let page = page(doc);
            assert!(page.contains("Wrong:") && page.contains("Fixed:"), "{page}");
            assert!(lookup(&doc.code.as_str().to_lowercase()).is_some());
        }
        assert!(lookup("E9999").is_none());
    }
}
