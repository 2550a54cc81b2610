// `switch` with Groovy's kinds of case: a value, a list (membership), a range, a regex
// (`~/…/`), a class, a closure (called with the value), an empty case falling through to
// the next one, a case without `break` (falls through), and `default`. Also a one-line switch.
def classify(x) {
    switch (x) {
        case 1:
        case 2:
            return "small"
        case [3, 4, 5]:
            return "listed"
        case 6..9:
            return "range"
        case ~/^\d+$/:
            return "digits"
        case String:
            return "string"
        case { it instanceof Map && it.size() > 1 }:
            return "big map"
        case 10:
            println "ten"
        case 11:
            return "ten or eleven"
        default:
            return "other"
    }
}
switch (status) { case "Open": code = 2; break; default: code = 5 }
