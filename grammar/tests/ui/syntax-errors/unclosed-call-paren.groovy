// A call whose `(` is never closed. The indentation of the next line shows where the `)`
// belongs, and the statements after it still parse.
// expect: E0012
entity.summary = nodeHelper.stripHtml(replica.summary
entity.description = replica.description
