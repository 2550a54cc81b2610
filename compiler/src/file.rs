//! One rule file: how it is read (a `.sync` rules file or a bare Exalate script, told by its
//! name or by flags) and what `replica check` reports for it. The command line and the
//! language server both go through [`check_parsed`], so the editor shows exactly what
//! `check` prints.

use std::borrow::Cow;
use std::fmt;
use std::path::{Path, PathBuf};

use replica_grammar::ast::Direction;
use replica_grammar::{Diagnostic, Mode, Parsed};

use crate::check::{check, CheckOptions, SourceKind};
use crate::lock::SchemaLock;

/// How a file is parsed: a bare script when asked (`--script`) or when it ends in `.groovy`
/// (as pasted from Exalate), otherwise a `.sync` rules file.
pub fn mode_for(path: &Path, script: bool) -> Mode {
    let groovy = path.extension().is_some_and(|ext| ext.eq_ignore_ascii_case("groovy"));
    if script || groovy {
        Mode::Script
    } else {
        Mode::Rules
    }
}

/// A bare script whose direction or platform is unknown.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UnknownScript {
    pub path: PathBuf,
}

impl fmt::Display for UnknownScript {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "`{}` is a bare script: say which script it is and where it runs with `--script outgoing|incoming --platform freshdesk|freshservice`",
            self.path.display()
        )
    }
}

impl std::error::Error for UnknownScript {}

/// A bare script's direction and platform: as given (flags), else from a file name that says
/// both, as Exalate exports do (`exalate-incoming-freshdesk.groovy`).
pub fn script_source(
    path: &Path,
    direction: Option<Direction>,
    platform: Option<&str>,
) -> Result<SourceKind, UnknownScript> {
    let (named_direction, named_platform) = named_script(path);
    match (direction.or(named_direction), platform.or(named_platform)) {
        (Some(direction), Some(platform)) => {
            Ok(SourceKind::Script { direction, platform: platform.to_string() })
        }
        _ => Err(UnknownScript { path: path.to_path_buf() }),
    }
}

/// What a bare script's file name says about it: its direction and its platform, each if
/// the name has it.
pub fn named_script(path: &Path) -> (Option<Direction>, Option<&'static str>) {
    let name = path.file_name().map(|n| n.to_string_lossy().to_lowercase()).unwrap_or_default();
    let direction = if name.contains("outgoing") {
        Some(Direction::Outgoing)
    } else if name.contains("incoming") {
        Some(Direction::Incoming)
    } else {
        None
    };
    let platform = if name.contains("freshservice") {
        Some("freshservice")
    } else if name.contains("freshdesk") {
        Some("freshdesk")
    } else {
        None
    };
    (direction, platform)
}

/// What `check` found in one file.
#[derive(Debug)]
pub struct CheckedFile {
    /// How the file was read (`None` when syntax errors stopped the check).
    pub kind: Option<SourceKind>,
    /// Syntax and checker diagnostics, sorted by position (syntax first at one position).
    pub diagnostics: Vec<Diagnostic>,
}

/// The check of a parsed file. The checker runs only on a file without syntax errors (on a
/// broken tree it would mostly report the damage); only then is `resolve` asked how to read
/// the file and for its schema lock, so that a broken lock or an unnamed bare script does
/// not hide the syntax errors.
pub fn check_parsed<'l, E>(
    parsed: &Parsed,
    resolve: impl FnOnce() -> Result<(SourceKind, Option<Cow<'l, SchemaLock>>), E>,
) -> Result<CheckedFile, E> {
    let mut diagnostics = parsed.diagnostics.clone();
    if parsed.has_errors() {
        return Ok(CheckedFile { kind: None, diagnostics });
    }
    let (kind, lock) = resolve()?;
    diagnostics.extend(check(&parsed.file, &CheckOptions { source: kind.clone(), lock: lock.as_deref() }));
    // Stable: at one position, syntax diagnostics come before the checker's.
    diagnostics.sort_by_key(|d| d.primary_span().map(|span| span.start));
    Ok(CheckedFile { kind: Some(kind), diagnostics })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_say_how_a_file_is_read() {
        assert_eq!(mode_for(Path::new("a/b.sync"), false), Mode::Rules);
        assert_eq!(mode_for(Path::new("b.sync"), true), Mode::Script);
        assert_eq!(mode_for(Path::new("x.GROOVY"), false), Mode::Script);
        let kind = script_source(Path::new("exalate-incoming-freshdesk.groovy"), None, None).unwrap();
        assert!(
            matches!(kind, SourceKind::Script { direction: Direction::Incoming, ref platform } if platform == "freshdesk")
        );
        let flagged =
            script_source(Path::new("x.groovy"), Some(Direction::Outgoing), Some("freshservice")).unwrap();
        assert!(matches!(flagged, SourceKind::Script { direction: Direction::Outgoing, .. }));
        let unknown = script_source(Path::new("pasted.groovy"), None, Some("freshdesk")).unwrap_err();
        assert!(unknown.to_string().starts_with("`pasted.groovy` is a bare script"));
    }

    #[test]
    fn syntax_errors_stop_the_check_before_anything_is_resolved() {
        let parsed =
            replica_grammar::parse("platform freshdesk\noutgoing {\n  replica.summary = (\n}\n", Mode::Rules);
        let checked =
            check_parsed(&parsed, || -> Result<_, &str> { Err("must not be asked") }).expect("not resolved");
        assert!(checked.kind.is_none());
        assert!(checked.diagnostics.iter().all(|d| d.code.as_str().starts_with("E00")));
    }
}
