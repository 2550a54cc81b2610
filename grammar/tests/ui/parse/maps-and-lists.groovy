// List and map literals: keys written as plain words, double- and single-quoted strings,
// keywords (`in:`, `class:`), numbers and expressions in parentheses (`(key): …`); the empty map `[:]`
// and the empty list `[]`; the spread map entry `*:`; a spread argument `f(*args)`;
// literals over several lines with a trailing comma; subscripts and safe subscripts.
def m = [name: "n", "quoted key": 1, 'single': 2, (dynamicKey): 3, in: 4, 10: 6, class: 7]
def emptyMap = [:]
def emptyList = []
def merged = [*: m, extra: true]
def result = f(*args)
def statusMap = [
    "To Do"       : "Open",
    "In Progress" : "Pending",
]
def nested = [a: [b: [1, 2, [3]]]]
def first = nested.a.b[2][0]
def maybe = m?["name"]
