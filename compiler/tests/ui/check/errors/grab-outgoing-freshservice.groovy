// `@Grab` downloads libraries at run time: not supported.
// expect: E0114
@Grab('org.apache.commons:commons-lang3:3.12.0')
import groovy.json.JsonOutput

replica.summary = entity.summary
replica.customKeys.raw = JsonOutput.toJson([key: entity.key])
