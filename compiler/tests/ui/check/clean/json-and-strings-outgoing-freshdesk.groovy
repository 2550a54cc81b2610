// JsonOutput, JsonSlurper and the string methods scripts use on ticket text.
import groovy.json.JsonOutput
import groovy.json.JsonSlurper

def payload = [key: entity.key, tags: entity.tags, due: entity.due_by?.toString()]
replica.customKeys.payload = JsonOutput.toJson(payload)
replica.customKeys.pretty = groovy.json.JsonOutput.prettyPrint(JsonOutput.toJson(payload))
def parsed = new JsonSlurper().parseText(replica.customKeys.payload)
replica.customKeys.parsedKey = parsed.key

def subject = entity.summary ?: ""
replica.summary = subject.trim().replaceAll(/\s+/, " ").take(255)
replica.description = nodeHelper.toMarkDownFromHtml(entity.description)
def words = subject.tokenize(" ")
replica.customKeys.firstWord = words ? words.first() : null
replica.customKeys.isUrgent = subject.toLowerCase().contains("urgent") || subject ==~ /(?i).*asap.*/
replica.customKeys.ticketNumber = String.format("FD-%06d", entity.id)
