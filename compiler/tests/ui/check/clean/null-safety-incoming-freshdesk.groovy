// Null-safe chains, Elvis defaults, narrowing after checks, and `previous` used safely.
def user = nodeHelper.getUserByEmail(replica.assignee?.email)
if (user) {
    entity.responder_id = user.id
}
def reporter = nodeHelper.getUserByEmail(replica.reporter?.email)
if (reporter == null) {
    log.warn("no local user for ${replica.reporter?.email}")
    return
}
entity.custom_fields.cf_reporter = reporter.displayName
def name = nodeHelper.getUserByEmail("ops@example.com")?.displayName ?: "Operations"
entity.custom_fields.cf_team = name
if (previous != null && previous.summary != replica.summary) {
    log.info("summary changed from ${previous.summary}")
}
def oldStatus = previous?.status?.name
entity.custom_fields.cf_previous_status = oldStatus ?: "none"
def status = nodeHelper.getStatus("Pending")
entity.status = status ?: nodeHelper.getStatus("Open")
