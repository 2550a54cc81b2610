// The default outgoing script of a Freshdesk connection (exalate.md §4.2): send what the
// remote side needs, with HTML stripped from the description and the comments.
replica.key         = entity.key
replica.summary     = entity.summary
replica.description = nodeHelper.stripHtml(entity.description)
replica.type        = entity.type
replica.status      = entity.status
replica.priority    = entity.priority
replica.labels      = entity.labels
replica.reporter    = entity.reporter
replica.assignee    = entity.assignee
replica.comments    = nodeHelper.stripHtmlFromComments(entity.comments)
replica.attachments = entity.attachments
replica.customFields."cf_customer_id" = entity.customFields."cf_customer_id"
