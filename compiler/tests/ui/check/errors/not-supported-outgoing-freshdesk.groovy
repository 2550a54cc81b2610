// Constructs Replica does not run: network and environment access, reflection,
// metaprogramming and unknown Java classes.
// expect: E0114, E0114, E0114, E0114, E0114
def page = new URL("https://example.com/status").text
replica.customKeys.home = System.getenv("HOME")
replica.customKeys.kind = entity.summary.getClass()
String.metaClass.shout = { -> "HEY" }
def parser = new org.jsoup.safety.Cleaner(null)
replica.summary = entity.summary + page + parser
