// One `}` too many after a block: it closes nothing and is dropped; the rest still parses.
// expect: E0013
if (firstSync) {
    entity.type = "Incident"
}
}
entity.summary = replica.summary
