// A SETTINGS map mixing statuses, types and emails read by literal keys, a script variable
// without `def` (Groovy's binding) used inside a function, and null checks that guard
// the right side of `&&`, `||`, `?:` and the `else` branch.
// SETTINGS
def settings = [
    defaultStatus : "Open",
    closedStatus  : "Closed",
    defaultType   : "Incident",
    fallbackEmail : "service-desk@example.com",
]
// END SETTINGS
defaultAgent = nodeHelper.getUserByEmail(settings.fallbackEmail)

entity.status = nodeHelper.getStatus(settings["defaultStatus"])
if (replica.status?.name == "Done") {
    entity.status = nodeHelper.getStatus(settings.closedStatus)
}
if (firstSync) {
    entity.type = settings.get("defaultType")
}
entity.assignee = agentFor(replica.assignee?.email)

def agent = nodeHelper.getUserByEmail(replica.assignee?.email)
if (agent && agent.active) {
    entity.responder_id = agent.id
}
def agentName = agent == null || agent.displayName == null ? "nobody" : agent.displayName
def label = agent != null ? agent.displayName : "unassigned"
if (agent == null) {
    log.warn("no agent for ${replica.assignee?.email}")
} else {
    log.info("agent ${agent.email}")
}
entity.custom_fields.cf_agent = "${agentName} (${label})"

if (previous != null && previous.summary != replica.summary) {
    log.info("summary changed from ${previous.summary}")
}
if (!previous) {
    return
}
entity.custom_fields.cf_previous_status = previous.status?.name

def agentFor(String email) {
    nodeHelper.getUserByEmail(email) ?: defaultAgent
}
