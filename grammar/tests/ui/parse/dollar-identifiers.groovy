// `$` inside identifiers, as in Scala objects seen from Groovy (`Await$.MODULE$`), also at
// the start of a name, and inside a GString interpolation.
def awaited = scala.concurrent.Await$.MODULE$.result(future, duration)
def module = Await$.MODULE$
def $x = 1
def a$b = $x + 1
def s = "${Await$.MODULE$}"
