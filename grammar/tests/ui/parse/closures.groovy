// Closures: the implicit parameter `it`, typed parameters with defaults, an explicit empty
// parameter list `{ -> }`, `_` as a parameter name, generic parameter types, parameters split
// over lines, an immediately invoked closure `({ … })()`, and trailing closures after a call
// with and without parentheses (`inject(0) { … }`, `xs.each { … }`).
def twice = { it * 2 }
def add = { int a, int b = 10 -> a + b }
def noArgs = { -> "none" }
def second = { _, v -> v }
def typed = { Map<String, Object> m, List<List<String>> rows -> m.size() + rows.size() }
def multi = { a,
              b -> a + b }
def answer = ({ -> 42 })()
def next = { x -> x + 1 }(41)
xs.each { println it }
xs.eachWithIndex { v, i ->
    println "$i: $v"
}
def total = list.inject(0) { acc, v -> acc + v }
def nested = xs.collect { x -> ys.collect { y -> [x, y] } }
