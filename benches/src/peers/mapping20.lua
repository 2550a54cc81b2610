-- The 20-field mapping of benches/rules/mapping20.sync in Lua 5.4. The chunk returns the
-- mapping: a function from the REST ticket (a table, JSON null as `null`) to the replica.
-- `null` and `array_mt` (mlua's array metatable, so an empty list stays a JSON list) are
-- globals set by the host.

local null, array_mt = null, array_mt

local STATUS = {
  [2] = "Open", [3] = "Pending", [4] = "Resolved", [5] = "Closed",
  [6] = "Waiting on Customer", [7] = "Waiting on Third Party",
}
local PRIORITY = { [1] = "Low", [2] = "Medium", [3] = "High", [4] = "Urgent" }
local REMOTE_STATUS = {
  ["Open"] = "To Do", ["Pending"] = "In Progress", ["Waiting on Customer"] = "Waiting",
  ["Waiting on Third Party"] = "Waiting", ["Resolved"] = "Done", ["Closed"] = "Closed",
}
local SOURCES = {
  [1] = "Email", [2] = "Portal", [3] = "Phone", [7] = "Chat", [9] = "Feedback Widget",
  [10] = "Outbound Email",
}

local function one_line(s)
  if s == null or s == nil then return "" end
  s = string.gsub(s, "\n", " ")
  return (string.match(s, "^[%c ]*(.-)[%c ]*$"))
end

-- A user known by id only (there is no user directory in the benchmark).
local function user_with_id(id)
  if id == null or id == nil then return null end
  return { id = id }
end

-- The requester: the embedded one, else a user with only the id.
local function reporter(entity)
  local requester = entity.requester
  if type(requester) == "table" then
    return { id = requester.id, email = requester.email, displayName = requester.name }
  end
  return user_with_id(entity.requester_id)
end

local function truthy(s)
  return s ~= null and s ~= nil and s ~= ""
end

return function(entity)
  local status, priority = entity.status, entity.priority
  local status_name = STATUS[status] or null
  local replica = {}
  replica.key = entity.id ~= null and tostring(entity.id) or null
  replica.summary = entity.subject
  replica.description = one_line(entity.description_text)
  replica.type = truthy(entity.type) and entity.type or "Question"
  replica.status = { id = status, name = status_name }
  replica.priority = { id = priority, name = PRIORITY[priority] or null }
  local labels = setmetatable({}, array_mt)
  for i, tag in ipairs(entity.tags) do
    labels[i] = { label = tag }
  end
  replica.labels = labels
  local reporter = reporter(entity)
  replica.reporter = reporter
  replica.assignee = user_with_id(entity.responder_id)
  replica.created = entity.created_at
  replica.updated = entity.updated_at
  local comments = setmetatable({}, array_mt)
  for _, c in ipairs(entity.conversations) do
    if not c.private then
      comments[#comments + 1] = {
        id = c.id,
        body = c.body,
        author = (c.user_id ~= null and reporter ~= null and reporter.id == c.user_id) and reporter
          or user_with_id(c.user_id),
        internal = c.private,
        created = c.created_at,
        updated = c.updated_at,
      }
    end
  end
  replica.comments = comments

  -- A new replica's collections start empty.
  replica.attachments = setmetatable({}, array_mt)
  replica.customFields = {}

  local keys = {}
  keys.remoteStatus = REMOTE_STATUS[status_name] or "To Do"
  keys.source = SOURCES[entity.source] or "Other"
  keys.tags = table.concat(entity.tags, ",")
  keys.group = entity.group_id
  keys.dueBy = entity.due_by
  local custom = entity.custom_fields
  keys.customerId = custom.cf_customer_id
  local region = custom.cf_region
  if not truthy(region) then region = "EMEA" end
  keys.region = string.lower(region)
  if entity.is_escalated or (priority >= 3 and status == 2) then
    keys.escalation = "urgent"
  else
    keys.escalation = "normal"
  end
  replica.customKeys = keys
  return replica
end
