// Interpolated strings (GStrings): `$name`, `$a.b.c` (a dotted path; the path stops before
// `(` and before a final `.`), `${expr}`, a closure with its own GString inside `${…}`,
// a GString inside a GString's `${…}`, quotes inside `${…}`, and `\$` for a literal dollar.
def a = "plain $name and ${x + 1}"
def b = "path $issue.fields.summary end"
def c = "nested ${m.collect { "<${it}>" }.join(",")} done"
def d = "${"${1}"}"
def e = "key: ${m["k"]}, choice: ${x ? "a" : "b"}"
def f = "call $x.y() here"
def g = "sentence ends with $name."
def h = "price: \$5"
def i = "$first$last"
