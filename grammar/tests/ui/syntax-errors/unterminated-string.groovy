// A string that runs to the end of its line, and an unterminated `/* comment`.
// expect: E0003, E0004
def greeting = "Hello
def n = 1
/* never closed
