// Formatting a date for a custom field in a given time zone, as Exalate scripts do:
// `SimpleDateFormat` and its companion `TimeZone` are classes scripts may use.
def format = new java.text.SimpleDateFormat("yyyy-MM-dd")
format.setTimeZone(TimeZone.getTimeZone("UTC"))
entity.custom_fields.cf_synced_on = format.format(new Date())
