//! Helpers shared by the test suites of several crates: where the shared corpus is, listing
//! and reading case files, and naming them in messages and snapshots without
//! machine-specific paths. Standard library only, so any crate can use it.

use std::path::{Path, PathBuf};

/// `../shared/corpus` beside the repository, or `None` (after printing that the test is
/// skipped) when this checkout lacks it — a newcomer's clone does.
pub fn corpus(test: &str) -> Option<PathBuf> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/corpus");
    if path.is_dir() {
        Some(path)
    } else {
        println!("skipped {test}: the shared corpus is not at {}", path.display());
        None
    }
}

/// The files of `dir` whose names end in `.{ext}`, sorted by name; at least one.
pub fn files(dir: &Path, ext: &str) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", dir.display()))
        .map(|entry| entry.expect("directory entry").path())
        .filter(|path| path.extension().is_some_and(|e| e == ext))
        .collect();
    files.sort();
    assert!(!files.is_empty(), "no .{ext} files in {}", dir.display());
    files
}

pub fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()))
}

pub fn stem(path: &Path) -> String {
    path.file_stem().expect("file name").to_string_lossy().into_owned()
}

/// `folder/name` for messages and rendered diagnostics.
pub fn display_name(path: &Path) -> String {
    let dir = path.parent().and_then(Path::file_name).map(|d| d.to_string_lossy().into_owned());
    let name = path.file_name().expect("file name").to_string_lossy().into_owned();
    match dir {
        Some(dir) => format!("{dir}/{name}"),
        None => name,
    }
}

/// Reads a UI case and checks that it opens with a `//` comment saying what it tests.
pub fn read_case(path: &Path) -> String {
    let source = read(path);
    assert!(
        source.starts_with("// "),
        "{} must start with a `//` comment saying what it tests",
        display_name(path)
    );
    source
}
