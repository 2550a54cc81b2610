// Operator precedence as Groovy has it. `-2 ** 2` is `-(2 ** 2)` (= -4); `**` binds tighter
// than unary minus. Shifts `<<`, `>>`, `>>>` and their compound assignments `<<=`, `>>=`,
// `>>>=`; ranges `..` and `..<`; safe navigation `?.`; spread `*.`; method pointer `.&` and
// direct field access `.@`; `&` above `^` above `|`; `&&` above `||`; the ternary and the
// Elvis operator nest to the right; `in`, `as`, `instanceof`, `=~`, `==~`, `<=>`.
def power = -2 ** 2
def shifts = a << 1 >> 2 >>> 3
n <<= 1
n >>= 2
n >>>= 1
def inclusive = 1..10
def exclusive = 1..<10
def deep = a?.b?.c
def names = people*.name
def pointer = obj.&method
def field = obj.@field
def bits = a & b | c ^ d
def logic = !a && b || c
def pick = a ? b : c ? d : e
def fallback = a ?: b ?: c
def arithmetic = 5 % 3 * 2 / 1 + 4 - 1
def compare = a < b == c > d
def member = x in xs
def coerced = "12" as Integer
def typed = x instanceof Map
def found = s =~ /x/
def matches = s ==~ /x+/
def order = a <=> b
def steps = i++ + ++i - j--
