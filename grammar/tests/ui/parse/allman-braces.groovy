// Braces on their own line (Allman style), and `else`, `catch`, `finally` at the start of a
// line after `}`: the newline between a header and its `{` does not end the statement.
// Also `if`/`else` bodies that are single statements, on the same line or the next.
if (x)
{
    a()
}
else
{
    b()
}
if (y) {
    c()
}
else if (z)
{
    d()
}
for (i in 1..3)
{
    e(i)
}
while (k < 3)
{
    k++
}
def f(a)
{
    a
}
class C
{
    def m()
    {
        1
    }
}
try
{
    g()
}
catch (Exception ex)
{
    h()
}
finally
{
    i()
}
switch (v)
{
    case 1: break
}
if (x) a() else b()
if (x)
    a()
else
    b()
