//! Running many snippets through real Groovy in one JVM.
//!
//! One Groovy script reads the snippets (one a line) and runs each as its own script class
//! (`GroovyShell.parse`, a fresh `Binding`), so a snippet that does not compile or throws
//! fails alone. It prints `index TAB OK TAB text` with
//! `InvokerHelper.toString(value)` (what `println` prints) or `index TAB ERROR TAB message`,
//! escaping `\`, newline, carriage return and tab so every result stays on one line.

use std::fs::File;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// What a snippet gave: its printed value, or an error message.
#[derive(Clone, Debug, PartialEq)]
pub enum Outcome {
    Value(String),
    Error(String),
}

const RUNNER: &str = r#"
import org.codehaus.groovy.runtime.InvokerHelper

def esc = { String s -> s.replace('\\', '\\\\').replace('\n', '\\n').replace('\r', '\\r').replace('\t', '\\t') }
def shell = new GroovyShell()
def out = new PrintStream(new FileOutputStream(args[1]), true, 'UTF-8')
new File(args[0]).eachLine('UTF-8') { line, n ->
    String res
    try {
        def script = shell.parse(line)
        script.setBinding(new Binding())
        res = "OK\t" + esc(InvokerHelper.toString(script.run()))
    } catch (Throwable t) {
        res = "ERROR\t" + esc(t.getClass().name + ': ' + t.message)
    }
    out.println((n - 1) + "\t" + res)
}
out.close()
"#;

/// `\` → `\\`, newline → `\n`, CR → `\r`, tab → `\t`: the runner's escaping, for Replica's
/// output.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c => out.push(c),
        }
    }
    out
}

fn on_path(program: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path).map(|dir| dir.join(program)).find(|p| p.is_file())
}

/// The `groovy` launcher, or None when it is not installed.
pub fn find() -> Option<PathBuf> {
    on_path("groovy")
}

/// JAVA_HOME for the launcher: the environment's if it holds a `bin/java`, else the JDK the
/// `java` on PATH belongs to (Debian's `groovy` script refuses to start without it).
fn java_home() -> Option<PathBuf> {
    if let Some(home) = std::env::var_os("JAVA_HOME") {
        let home = PathBuf::from(home);
        if home.join("bin/java").is_file() {
            return Some(home);
        }
    }
    let java = std::fs::canonicalize(on_path("java")?).ok()?;
    Some(java.parent()?.parent()?.to_path_buf())
}

/// Runs every snippet (none may contain a line break) and returns their outcomes in order.
pub fn run(groovy: &Path, snippets: &[String], timeout: Duration) -> Result<Vec<Outcome>, String> {
    let dir = tempfile::tempdir().map_err(|e| format!("temporary directory: {e}"))?;
    let runner = dir.path().join("runner.groovy");
    let input = dir.path().join("snippets.txt");
    let output = dir.path().join("results.tsv");
    let mut text = String::new();
    for s in snippets {
        assert!(!s.contains('\n') && !s.contains('\r'), "a snippet spans lines: {s}");
        text.push_str(s);
        text.push('\n');
    }
    std::fs::write(&runner, RUNNER).map_err(|e| e.to_string())?;
    std::fs::write(&input, text).map_err(|e| e.to_string())?;
    let log = dir.path().join("groovy.log");

    let mut command = Command::new(groovy);
    command
        .arg("-Duser.timezone=UTC")
        .arg(&runner)
        .arg(&input)
        .arg(&output)
        .stdin(Stdio::null())
        .stdout(File::create(&log).map_err(|e| e.to_string())?)
        .stderr(File::create(dir.path().join("groovy.err")).map_err(|e| e.to_string())?);
    if let Some(home) = java_home() {
        command.env("JAVA_HOME", home);
    }
    let mut child = command.spawn().map_err(|e| format!("cannot start {}: {e}", groovy.display()))?;
    let deadline = Instant::now() + timeout;
    let status = loop {
        match child.try_wait().map_err(|e| e.to_string())? {
            Some(status) => break status,
            None if Instant::now() > deadline => {
                let _ = child.kill();
                let _ = child.wait();
                return Err(format!("groovy took more than {timeout:?}"));
            }
            None => std::thread::sleep(Duration::from_millis(50)),
        }
    };
    let results = std::fs::read_to_string(&output).unwrap_or_default();
    if !status.success() {
        let err = std::fs::read_to_string(dir.path().join("groovy.err")).unwrap_or_default();
        return Err(format!("groovy failed ({status}):\n{err}"));
    }

    let mut outcomes = vec![None; snippets.len()];
    for line in results.lines() {
        let mut parts = line.splitn(3, '\t');
        let (Some(index), Some(tag), Some(rest)) = (parts.next(), parts.next(), parts.next()) else {
            return Err(format!("unexpected groovy output line: {line}"));
        };
        let index: usize = index.parse().map_err(|_| format!("unexpected groovy output line: {line}"))?;
        let outcome = match tag {
            "OK" => Outcome::Value(rest.to_string()),
            "ERROR" => Outcome::Error(rest.to_string()),
            _ => return Err(format!("unexpected groovy output line: {line}")),
        };
        if index < outcomes.len() {
            outcomes[index] = Some(outcome);
        }
    }
    outcomes
        .into_iter()
        .enumerate()
        .map(|(i, o)| o.ok_or_else(|| format!("groovy gave no result for snippet {i}: {}", snippets[i])))
        .collect()
}
