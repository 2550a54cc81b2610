// Outgoing comment filters (exalate.md §5.3): only public notes, only local ones, by author.
replica.comments = entity.comments.findAll { !it.internal }
replica.comments = commentHelper.filterLocal(entity.comments)
replica.comments = issue.comments.findAll { comment -> comment.author?.displayName != "Automation" }
replica.comments = nodeHelper.stripHtmlFromComments(replica.comments)
def publicCount = entity.comments.count { !it.internal }
replica.customKeys.publicComments = publicCount
