// A line that starts with `&&` (or `||`): the previous line already ended the statement, so
// Groovy rejects this, and so do we, with a hint to move the operator up.
// expect: E0019
def ok = entity.status == "Open"
    && entity.priority > 2
