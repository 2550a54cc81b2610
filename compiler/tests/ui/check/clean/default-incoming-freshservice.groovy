// The default incoming script of a Freshservice connection (exalate.md §4.2): creation-only
// settings under `firstSync`, then status and priority maps with fallbacks.
if (firstSync) {
    entity.source = 9
    entity.type = "Incident"
}
entity.summary     = replica.summary
entity.description = replica.description

def statusMap = [ "To Do": "Open", "In Progress": "Pending", "Done": "Resolved" ]
entity.status   = nodeHelper.getStatus(statusMap[replica.status?.name] ?: "Open")

def priorityMap = [ "Highest": "Urgent", "High": "High", "Medium": "Medium", "Low": "Low" ]
entity.priority = nodeHelper.getPriority(priorityMap[replica.priority?.name] ?: "Medium")

entity.labels      = replica.labels
entity.comments    = commentHelper.mergeComments(entity, replica)
entity.attachments = attachmentHelper.mergeAttachments(entity, replica)
