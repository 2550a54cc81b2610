// Calls without parentheses ("command calls"): `println "x"`, `log.info "…"`, several
// arguments, named arguments, `foo bar` (a call) — while `foo -1` is a subtraction, as in
// Groovy. Named arguments mixed with positional ones in parentheses, and `assert … : message`.
println "x"
log.info "sync started for ${issue.key}"
println a, b
foo bar
foo -1
log.debug "count: " + count
println new Date()
sendMail to: "a@b.c", subject: "hi"
move(from: 1, 2, to: 3)
assert x == 1 : "x should be one"
