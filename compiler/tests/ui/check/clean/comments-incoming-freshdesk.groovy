// Comments (exalate.md §5.3): every documented form of mergeComments, with `issue` as the
// alias of the ticket, closures with `it`, a named parameter and a trailing closure.
entity.comments = commentHelper.mergeComments(issue, replica)
entity.comments = commentHelper.mergeComments(issue, replica, {it})
issue.comments = commentHelper.mergeComments(issue, replica, {it.internal = true})
entity.comments = commentHelper.mergeComments(issue, replica, { comment ->
    comment.body = "[" + comment.author?.displayName + " | email: " + comment.author?.email + "]" +
        " commented: \n" + comment.body
})
entity.comments = commentHelper.mergeComments(entity, replica) {
    it.body = "<b>${it.author?.displayName ?: 'Someone'}</b> wrote:<br>" + it.body
    it.internal = !replica.customKeys.publicReplies
}
if (replica.comments.isEmpty()) {
    entity.comments = commentHelper.addComment("Synced from ${replica.key} (no comments yet)", entity.comments)
}
