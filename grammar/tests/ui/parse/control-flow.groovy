// Loops and jumps: `for (x in xs)`, `for (Type x : xs)`, the classic `for (init; cond; update)`
// with several variables and updates, `for (;;)`, `while`, labelled `continue`/`break`,
// `return` with and without a value, and a multiple-assignment declaration `def (a, b) = …`.
for (l in replica.labels) {
    labels << l.label
}
for (String s : names) { println s }
for (int i = 0, j = 10; i < j; i++, j--) {
    score += i * j
}
for (;;) { break }
while (k < 7) { k += 2 }
outer:
for (x in xs) {
    for (y in ys) {
        if (y == x) continue outer
        if (y > x) break outer
    }
}
def (first, rest) = [1, [2, 3]]
if (done) return
return result
