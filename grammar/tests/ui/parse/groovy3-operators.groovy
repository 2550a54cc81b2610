// Operators added in Groovy 3 that pasted scripts may use: `!in`, `!instanceof`,
// the safe subscript `?[`, the Elvis assignment `?=`, identity `===` and `!==`.
def notListed = x !in [1, 2]
def notText = y !instanceof String
def value = m?["key"]
value ?= "fallback"
def same = p === q
def different = p !== q
