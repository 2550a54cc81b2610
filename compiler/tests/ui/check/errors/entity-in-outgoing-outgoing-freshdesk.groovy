// Writing the local ticket in an outgoing script has no effect (also through the `issue` alias).
// expect: E0107, E0107
replica.summary = entity.summary
entity.summary = "sent"
issue.labels += nodeHelper.getLabel("synced")
