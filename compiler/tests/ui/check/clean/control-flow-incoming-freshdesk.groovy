// Control flow (exalate.md §5.8): switch with strings, lists and regexes, for loops,
// while, try/catch/finally, early return, stopping and sending back.
switch (replica.type) {
    case "Bug":
        entity.type = "Problem"
        break
    case ["Story", "Task"]:
        entity.type = "Feature Request"
        break
    case ~/(?i)incident.*/:
        entity.type = "Incident"
        break
    default:
        entity.type = "Question"
}

int attempts = 0
while (attempts < 3) {
    attempts++
}
for (int i = 0; i < replica.labels.size(); i++) {
    log.debug("label ${i}: ${replica.labels[i].label}")
}
for (label in replica.labels) {
    if (label.label == "skip") continue
    log.info(label.label)
}

try {
    entity.custom_fields.cf_remote_number = replica.key.split("-")[1].toInteger()
} catch (NumberFormatException e) {
    log.warn("no number in ${replica.key}: ${e.message}")
} finally {
    log.debug("done with the key")
}

if (firstSync) {
    syncHelper.syncBackAfterProcessing()
}
def localKey = syncHelper.getLocalIssueKeyFromRemoteId(replica.customKeys.parentId)
if (localKey) {
    entity.custom_fields.cf_parent = localKey
}
if (replica.status?.name == "Deleted") {
    syncHelper.unExalateAfterProcessing()
    return
}
entity.summary = replica.summary
