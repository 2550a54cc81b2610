// Small helper classes as pasted scripts define them: fields with and without modifiers,
// a constructor (a method named like the class, with no return type), instance methods with
// default parameter values, a static method, generic methods (`static <T> T …`, `def <K, V>`),
// a `throws` clause, and calls to them, including explicit type arguments (`Greeter.<Integer>firstOf`).
class Greeter {
    private String name
    static final int LIMIT = 3
    List<String> seen = []

    Greeter(String name) {
        this.name = name
    }

    String greet(String who = "world") {
        seen << who
        return "Hello, ${who}, from ${name}"
    }

    static <T> T firstOf(List<T> xs) {
        xs ? xs[0] : null
    }

    def <K, V> Map<K, V> copy(Map<K, V> m) throws IOException {
        new HashMap<K, V>(m)
    }
}

class Pair<A, B> extends Object implements Serializable {
    A first
    B second
    static Pair<String, String> of(String a, String b) { new Pair(first: a, second: b) }
}

def g = new Greeter("Ann")
println g.greet()
def n = Greeter.<Integer>firstOf([1, 2])
