// Users (exalate.md §5.5): look-ups by email with a default user, a guarded assignment,
// `if (!x) return` narrowing, and raw REST ids for agents and groups.
def defaultUser = nodeHelper.getUserByEmail("service-desk@example.com")
entity.assignee = nodeHelper.getUserByEmail(replica.assignee?.email) ?: defaultUser
entity.reporter = nodeHelper.getUserByEmail(replica.reporter?.email) ?: defaultUser

def agent = nodeHelper.getUserByEmail(replica.assignee?.email)
if (agent != null) {
    entity.responder_id = agent.id
    log.info("assigned to ${agent.displayName}")
}
if (firstSync) {
    entity.group_id = 1070000240345
}

def requester = nodeHelper.getUserByEmail(replica.reporter?.email)
if (!requester) return
entity.custom_fields.cf_requester_name = requester.displayName
