// Statements after `return`, `throw` and `debug.error` can never run.
// expect: W0004, W0004, W0004
if (replica.summary == null) {
    debug.error("no summary for ${replica.key}")
    entity.summary = "(none)"
}
if (replica.status?.name == "Deleted") {
    throw new com.exalate.api.exception.IssueTrackerException("remote ticket deleted")
    entity.status = "Closed"
}
entity.summary = replica.summary
return
entity.description = replica.description
