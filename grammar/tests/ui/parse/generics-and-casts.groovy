// Generic types in declarations, casts and `as` coercions. `(Map<String,Object>) x` is a cast
// because a type in parentheses is followed by a value; `(a) - b` is a subtraction.
// `a < b && c > d` compares (lower-case names are never types) and `List<List<String>>`
// closes two type argument lists with `>>`.
Map<String, Object> m = [:]
List<List<String>> rows = []
Map<String, List<Integer>> index = new HashMap<>()
String[] parts = line.split(",")
java.util.List<String> names = []
def fields = (Map<String, Object>) payload
def matrix = (List<List<String>>) rows
def asMap = raw as Map<String, String>
def whole = (int) 3.7
def text = (String) value
def diff = (a) - b
def ok = a < b && c > d
def upper = A < B && C > D
def shifted = n >> 2
def empty = Collections.<String>emptyList()
def people = new ArrayList<Map<String, Object>>()
