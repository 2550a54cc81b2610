// A bare Exalate script: one body, no platform line.
import groovy.json.JsonOutput
if (!firstSync && replica.priority) {
    issue.priority = nodeHelper.getPriority(replica.priority.name)
}
def payload = JsonOutput.toJson([key: replica.key, labels: replica.labels*.label])
debug.error("stop: ${payload}") // never reached in a test
