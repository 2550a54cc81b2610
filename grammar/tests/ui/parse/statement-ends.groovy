// When a newline DOES end a statement: a line starting with `+` or `-` is a new statement
// with a unary sign (so `a + b` then `- c` are two statements, as in Groovy), a line starting
// with `[` or `(` is a new statement, not a subscript or a call, and `;` separates statements
// on one line.
def x = a + b
- c
def y = a
+ b
def z = 1
[1, 2].each { println it }
def w = foo
(1)
a = 1; b = 2;; c = 3
