//! Lua 5.4 (mlua, vendored): each script is a chunk returning a Lua function from the inputs
//! (tables) to the result (a table). JSON is converted with mlua's serde support, JSON
//! `null` being mlua's `null` value so that a key with a null value is kept.

use mlua::{Function, IntoLuaMulti, Lua, LuaSerdeExt, Table, Value};

const MAPPING20: &str = include_str!("mapping20.lua");
const STATUS_PRIORITY: &str = include_str!("status_priority.lua");

pub struct LuaPeer {
    lua: Lua,
    function: Function,
}

impl LuaPeer {
    /// The 20-field mapping: `entity` → the replica.
    pub fn mapping20() -> LuaPeer {
        LuaPeer::new(MAPPING20, "mapping20.lua")
    }

    /// The incoming script of `status-priority-maps.sync`: `replica, entity` → the update.
    pub fn status_priority() -> LuaPeer {
        LuaPeer::new(STATUS_PRIORITY, "status_priority.lua")
    }

    /// `chunk` must return the function to run.
    pub fn new(chunk: &str, name: &str) -> LuaPeer {
        let lua = Lua::new();
        let globals = lua.globals();
        globals.set("null", lua.null()).expect("set null");
        globals.set("array_mt", lua.array_metatable()).expect("set array_mt");
        let function: Function = lua
            .load(chunk)
            .set_name(name)
            .eval()
            .unwrap_or_else(|e| panic!("the Lua chunk does not load: {e}"));
        LuaPeer { lua, function }
    }

    /// JSON text as a Lua value: the already-decoded form.
    pub fn decode(&self, json: &str) -> Value {
        let json: serde_json::Value = serde_json::from_str(json).expect("the input is JSON");
        self.lua.to_value(&json).expect("JSON to Lua")
    }

    /// Runs the function on decoded inputs; the result stays a Lua table.
    pub fn run(&self, args: impl IntoLuaMulti) -> Result<Table, String> {
        self.function.call(args).map_err(|e| e.to_string())
    }

    /// A Lua table as JSON.
    pub fn to_json_value(&self, value: Table) -> serde_json::Value {
        self.lua.from_value(Value::Table(value)).expect("Lua to JSON")
    }

    /// JSON text in → JSON text out, for the function of one argument.
    pub fn run_json(&self, json: &str) -> Result<String, String> {
        let result = self.run(self.decode(json))?;
        Ok(serde_json::to_string(&self.to_json_value(result)).expect("JSON out"))
    }

    /// JSON text in → JSON text out, for the function of two arguments.
    pub fn run_json2(&self, first: &str, second: &str) -> Result<String, String> {
        let result = self.run((self.decode(first), self.decode(second)))?;
        Ok(serde_json::to_string(&self.to_json_value(result)).expect("JSON out"))
    }
}
