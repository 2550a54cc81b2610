// Valid in Groovy and Exalate: formatting a date for a custom field in a given time zone.
// `java.text.SimpleDateFormat` is accepted, but its companion `TimeZone` is reported as an
// unsupported class (E0114). Whether Replica runs `TimeZone` is a decision for the runtime.
def format = new java.text.SimpleDateFormat("yyyy-MM-dd")
format.setTimeZone(TimeZone.getTimeZone("UTC"))
entity.custom_fields.cf_synced_on = format.format(new Date())
