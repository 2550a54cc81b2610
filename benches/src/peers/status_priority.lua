-- The incoming script of the corpus rule status-priority-maps.sync in Lua 5.4. The chunk
-- returns a function from the replica and the REST ticket (tables, JSON null as `null`) to
-- the REST update: the codes that change.

local null = null

local STATUS_MAP = {
  ["To Do"] = "Open", ["In Progress"] = "Pending", ["Waiting"] = "Waiting on Customer",
  ["Done"] = "Resolved", ["Closed"] = "Closed",
}
local STATUS = {
  ["Open"] = 2, ["Pending"] = 3, ["Resolved"] = 4, ["Closed"] = 5,
  ["Waiting on Customer"] = 6, ["Waiting on Third Party"] = 7,
}
local PRIORITY_MAP = { ["Highest"] = "Urgent", ["High"] = "High", ["Medium"] = "Medium", ["Low"] = "Low" }
local PRIORITY = { ["Low"] = 1, ["Medium"] = 2, ["High"] = 3, ["Urgent"] = 4 }

local function name_of(object)
  if object == nil or object == null then return nil end
  local name = object.name
  if name == null then return nil end
  return name
end

return function(replica, entity)
  local update = {}
  local status = STATUS[STATUS_MAP[name_of(replica.status)] or "Open"]
  if status and status ~= entity.status then
    update.status = status
  end
  local remote = name_of(replica.priority)
  local desired = PRIORITY_MAP[remote] or remote
  local priority = desired and PRIORITY[desired]
  if not priority then
    error("Could not find priority `" .. tostring(desired) .. "`.")
  end
  if priority ~= entity.priority then
    update.priority = priority
  end
  return update
end
