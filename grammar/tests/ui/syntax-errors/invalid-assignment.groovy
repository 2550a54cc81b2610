// Things that cannot be assigned to: a call result, a sum, a literal. (`==` was probably meant.)
// expect: E0016, E0016, E0016
foo() = 1
a + b = 2
"Open" = entity.status
entity.summary = "fine"
