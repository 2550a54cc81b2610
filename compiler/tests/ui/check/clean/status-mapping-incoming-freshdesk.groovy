// Status mapping (exalate.md §5.1): a map with a fallback to the remote name, and the
// guarded look-up that assigns only when the status exists.
def statusMap = [
    "To Do"       : "Open",
    "In Progress" : "Pending",
    "Waiting"     : "Waiting on Customer",
    "Blocked"     : "Waiting on Third Party",
    "Done"        : "Resolved",
]
def remoteStatus = replica.status?.name
entity.status = nodeHelper.getStatus(statusMap[remoteStatus] ?: "Open")

def desiredStatus = null
if (replica.status?.name == "Done" && replica.customKeys.resolution == "Fixed") {
    desiredStatus = nodeHelper.getStatus("Closed")
}
if (desiredStatus) {
    entity.status = desiredStatus
}
if (entity.status?.name == "Closed") {
    syncHelper.unExalateAfterProcessing()
}
