// Collections and closures: each, eachWithIndex, collect, findAll, find, inject, any,
// every, groupBy, nested closures using `it` and named parameters, and typed declarations.
List<String> labels = replica.labels.collect { it.label }
Map<String, Integer> counts = [:]
labels.each { label ->
    counts[label] = (counts[label] ?: 0) + 1
}
labels.eachWithIndex { label, i -> log.debug("${i}: ${label}") }
def longOnes = labels.findAll { it.size() > 3 }
def first = labels.find { it.startsWith("cust-") }
int total = counts.values().inject(0) { sum, n -> sum + n }
boolean anyUrgent = labels.any { it == "urgent" }
boolean allShort = labels.every { l -> l.size() < 20 }
def byInitial = labels.groupBy { it[0] }
def pairs = replica.comments.collect { c ->
    c.body.split("\n").findAll { line -> line.trim() }.collect { line -> [c.id, line] }
}.flatten()
entity.tags = longOnes + (first ? [first] : [])
entity.custom_fields.cf_label_count = total
entity.custom_fields.cf_urgent = anyUrgent && allShort
entity.custom_fields.cf_initials = byInitial.keySet().join(",")
entity.custom_fields.cf_lines = pairs.size()
