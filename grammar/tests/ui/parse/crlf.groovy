// Windows line endings (CRLF) everywhere: statements, Allman braces, a continued
// expression, a multi-line string (its line break is read as a plain newline) and a
// method chain.
def a = 1
if (a)
{
    println "yes"
}
else
{
    b = a +
        2
}
def s = """two
lines"""
list
    .findAll { it }
    .each { println it }
