// The other string forms: single-quoted (no interpolation, `\'` escape), slashy `/…/`
// (only `\/` is an escape, so `\d` stays a backslash and a d), dollar-slashy `$/…/$`
// (`$$` is a dollar, `$/` a slash), triple-single and triple-double quoted strings over
// several lines, and escapes in double-quoted strings.
def single = 'it\'s $not interpolated'
def slashy = /\d+\.\d+ $x/
def path = /a\/b/
def dollarSlashy = $/dollar slashy /path/ $$ $/$ and $name/$
def tripleSingle = '''first line
second $line'''
def tripleDouble = """He said "hi"
to ${who}"""
def escapes = "tab\tnewline\nunicode\u00e9"
def replaced = s.replaceAll(/\s+/, " ")
