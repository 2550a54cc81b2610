//! Rhai (AST walker, default features): each script's value is its result.
//!
//! The inputs (the ticket, the replica) are constants of the scope, so the script reads them
//! in place (property access on a variable does not copy the map); each run rewinds the
//! scope to drop the script's own variables. JSON is converted with Rhai's own
//! `Engine::parse_json` and `format_map_as_json`.

use rhai::{Dynamic, Engine, Map, Scope, AST};

const MAPPING20: &str = include_str!("mapping20.rhai");
const STATUS_PRIORITY: &str = include_str!("status_priority.rhai");

pub struct Rhai {
    engine: Engine,
    ast: AST,
}

impl Rhai {
    /// The 20-field mapping: `entity` → the replica.
    pub fn mapping20() -> Rhai {
        Rhai::new(MAPPING20)
    }

    /// The incoming script of `status-priority-maps.sync`: `replica`, `entity` → the update.
    pub fn status_priority() -> Rhai {
        Rhai::new(STATUS_PRIORITY)
    }

    pub fn new(script: &str) -> Rhai {
        let mut engine = Engine::new();
        // Deep ticket maps and long scripts are normal here.
        engine.set_max_expr_depths(0, 0);
        let ast = engine.compile(script).unwrap_or_else(|e| panic!("the Rhai script does not compile: {e}"));
        Rhai { engine, ast }
    }

    /// A scope holding the inputs, each `(name, JSON text)`: the already-decoded form.
    pub fn scope(&self, inputs: &[(&'static str, &str)]) -> Scope<'static> {
        let mut scope = Scope::new();
        for (name, json) in inputs {
            let map =
                self.engine.parse_json(json, true).unwrap_or_else(|e| panic!("`{name}` is not JSON: {e}"));
            scope.push_constant(*name, map);
        }
        scope
    }

    /// Runs the script on the inputs in `scope`; the result stays a Rhai value.
    pub fn run(&self, scope: &mut Scope<'static>) -> Result<Dynamic, String> {
        let before = scope.len();
        let result = self.engine.eval_ast_with_scope::<Dynamic>(scope, &self.ast);
        scope.rewind(before);
        result.map_err(|e| e.to_string())
    }

    /// JSON text in → JSON text out.
    pub fn run_json(&self, inputs: &[(&'static str, &str)]) -> Result<String, String> {
        let mut scope = self.scope(inputs);
        self.run(&mut scope).map(|result| to_json(&result))
    }
}

/// A Rhai value (an object map) as JSON text.
pub fn to_json(value: &Dynamic) -> String {
    let map = value.read_lock::<Map>().expect("the script returns an object map");
    rhai::format_map_as_json(&map)
}
