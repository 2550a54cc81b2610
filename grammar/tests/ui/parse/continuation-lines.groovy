// When a newline does NOT end a statement: a line starting with `.`, `?.`, `*.`, `?:`, `?`
// or `:` continues the previous one (method chains, Elvis, ternary); so does a line ending
// with a binary operator, `=`, `,` or `.`; and newlines inside `( … )` and `[ … ]` never end
// anything.
def r = list
    .findAll { it > 1 }
    ?.collect { it * 2 }
    *.toString()
def v = maybe
    ?: "default"
def t = cond
    ? "yes"
    : "no"
def sum = 1 +
    2 +
    3
def ok = a &&
    b ||
    c
def assigned =
    42
def call = foo(
    1,
    2
)
def list = [
    1,
    2
]
def s = obj.
    name
