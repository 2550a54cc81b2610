//! "Did you mean …?": the closest known name to a misspelt one.

/// The candidate closest to `name`, if it is close enough to be a likely typo: within a
/// third of the name's length in edit distance (at least one edit), ignoring case.
pub fn did_you_mean<'a>(name: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let lower = name.to_lowercase();
    let limit = (name.chars().count() / 3).max(1);
    candidates
        .into_iter()
        .map(|candidate| (strsim::damerau_levenshtein(&lower, &candidate.to_lowercase()), candidate))
        .filter(|(distance, _)| *distance <= limit)
        .min_by_key(|(distance, candidate)| (*distance, candidate.len()))
        .map(|(_, candidate)| candidate)
}

/// "`a`, `b` and `c`" (at most `max` names, then "and N more").
pub fn list(names: &[&str], max: usize) -> String {
    let quoted: Vec<String> = names.iter().take(max).map(|n| format!("`{n}`")).collect();
    let more = names.len().saturating_sub(max);
    match (quoted.len(), more) {
        (0, _) => String::new(),
        (1, 0) => quoted[0].clone(),
        (_, 0) => {
            let (last, rest) = quoted.split_last().expect("at least two");
            format!("{} and {last}", rest.join(", "))
        }
        _ => format!("{} and {more} more", quoted.join(", ")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_close_names_only() {
        let fields = ["summary", "status", "priority", "description"];
        assert_eq!(did_you_mean("sumary", fields), Some("summary"));
        assert_eq!(did_you_mean("Opne", ["Open", "Pending", "Closed"]), Some("Open"));
        assert_eq!(did_you_mean("priorty", fields), Some("priority"));
        assert_eq!(did_you_mean("xyz", fields), None);
    }

    #[test]
    fn lists_names_readably() {
        assert_eq!(list(&["a"], 5), "`a`");
        assert_eq!(list(&["a", "b", "c"], 5), "`a`, `b` and `c`");
        assert_eq!(list(&["a", "b", "c"], 2), "`a`, `b` and 1 more");
    }
}
