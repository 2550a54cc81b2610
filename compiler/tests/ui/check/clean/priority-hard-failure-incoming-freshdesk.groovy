// Priority mapping with a hard failure (exalate.md §5.2): a SETTINGS block with an `as`
// coercion, a look-up, and a triple-quoted GString in a fully qualified exception.
import com.exalate.api.exception.IssueTrackerException

// SETTINGS
def priorityMapping = [
    "Blocker"  : "Urgent",
    "Critical" : "High",
    "Major"    : "Medium",
    "Minor"    : "Low",
] as Map<String, String>
// END SETTINGS

def desiredPriority = priorityMapping[replica.priority?.name] ?: replica.priority?.name
def priority = nodeHelper.getPriority(desiredPriority, entity)
if (priority == null) {
    throw new com.exalate.api.exception.IssueTrackerException("""Could not find priority `${desiredPriority}`.
Please check the project settings or change the script.""".toString())
}
entity.priority = priority
if (!entity.priority) {
    throw new IssueTrackerException("priority not set for ${replica.key}")
}
