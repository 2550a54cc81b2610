//! Every line of the corpus's `groovy/expected.tsv` (what real Groovy 2.4 prints for a
//! snippet) printed by `replica eval`'s engine: a mismatch is a bug.

use replica_runtime::engine::eval;

#[test]
fn every_expected_tsv_line_prints_what_groovy_prints() {
    let Some(corpus) = replica_testkit::corpus("every_expected_tsv_line_prints_what_groovy_prints") else {
        return;
    };
    let text = replica_testkit::read(&corpus.join("groovy/expected.tsv"));
    let mut failures = Vec::new();
    let mut count = 0;
    for (number, line) in text.lines().enumerate().filter(|(_, l)| !l.trim().is_empty()) {
        let (snippet, expected) = line.split_once('\t').expect("snippet<TAB>expected");
        count += 1;
        match eval(snippet) {
            // The file writes newlines in Groovy's output as `\n`.
            Ok(value) if value.to_string().replace('\n', "\\n") == expected => {}
            Ok(value) => failures
                .push(format!("line {}: {snippet}\n  Replica: {value}\n  Groovy:  {expected}", number + 1)),
            Err(error) => failures.push(format!("line {}: {snippet}\n  Replica failed: {error}", number + 1)),
        }
    }
    assert!(count >= 100, "only {count} lines");
    assert!(failures.is_empty(), "{} of {count} lines differ:\n{}", failures.len(), failures.join("\n"));
}
