//! A small tree-walking evaluator over the real parser, calling only `ops` and `stdlib`:
//! enough to run Groovy snippets (expected.tsv lines, registry examples) in the runtime's
//! tests until the bytecode VM exists; then the tests move to `replica eval` and this goes.

use std::collections::HashMap;
use std::rc::Rc;

use indexmap::IndexMap;
use replica_grammar::ast::*;
use replica_grammar::{parse, Mode};
use replica_runtime::ops::{self, binary, parse_decimal, truthy};
use replica_runtime::stdlib::call_method;
use replica_runtime::value::{Closure, Invoke};
use replica_runtime::{ErrorKind, Key, RuntimeError, Value};

struct ClosureCode {
    /// `None`: the implicit `it`.
    params: Option<Vec<String>>,
    body: Vec<Stmt>,
}

struct Eval {
    /// Variable scopes, innermost last (closures push one per call).
    scopes: Vec<HashMap<String, Value>>,
    closures: Vec<Rc<ClosureCode>>,
}

pub fn eval(source: &str) -> Result<Value, RuntimeError> {
    let parsed = parse(source, Mode::Script);
    assert!(!parsed.has_errors(), "{source}: does not parse: {:?}", parsed.diagnostics);
    let mut eval = Eval { scopes: vec![HashMap::new()], closures: Vec::new() };
    let mut last = Value::Null;
    for item in &parsed.file.items {
        match &item.kind {
            ItemKind::Stmt(stmt) => last = eval.stmt(stmt)?,
            other => panic!("{source}: the test evaluator does not run {other:?}"),
        }
    }
    Ok(last)
}

impl Invoke for Eval {
    fn invoke(&mut self, callee: &Value, args: Vec<Value>) -> Result<Value, RuntimeError> {
        match callee {
            Value::Native(native) => (native.call)(&args),
            Value::Closure(closure) => {
                let code = self.closures[closure.function as usize].clone();
                let names = code.params.clone().unwrap_or_else(|| vec!["it".to_string()]);
                // Groovy spreads a single list argument over several parameters.
                let args = match args.as_slice() {
                    [Value::List(items)] if names.len() > 1 => items.borrow().clone(),
                    _ => args,
                };
                if code.params.is_some() && args.len() != names.len() || args.len() > names.len() {
                    return Err(RuntimeError::new(
                        ErrorKind::MissingMethod,
                        format!("the closure takes {} arguments, not {}", names.len(), args.len()),
                    ));
                }
                let mut scope = HashMap::new();
                for (i, name) in names.into_iter().enumerate() {
                    scope.insert(name, args.get(i).cloned().unwrap_or(Value::Null));
                }
                self.scopes.push(scope);
                let mut result = Ok(Value::Null);
                for stmt in &code.body {
                    result = self.stmt(stmt);
                    if result.is_err() {
                        break;
                    }
                }
                self.scopes.pop();
                result
            }
            other => Err(RuntimeError::type_error(format!("cannot call {other:?}"))),
        }
    }
}

impl Eval {
    fn stmt(&mut self, stmt: &Stmt) -> Result<Value, RuntimeError> {
        match &stmt.kind {
            StmtKind::Expr(expr) => self.expr(expr),
            StmtKind::VarDecl(decl) => {
                for var in &decl.vars {
                    let value = match &var.init {
                        Some(init) => self.expr(init)?,
                        None => Value::Null,
                    };
                    self.scopes.last_mut().expect("a scope").insert(var.name.name.clone(), value);
                }
                Ok(Value::Null)
            }
            other => panic!("the test evaluator does not run {other:?}"),
        }
    }

    fn lookup(&self, name: &str) -> Option<Value> {
        self.scopes.iter().rev().find_map(|scope| scope.get(name).cloned())
    }

    fn args(&mut self, args: &[replica_grammar::ast::Arg]) -> Result<Vec<Value>, RuntimeError> {
        args.iter()
            .map(|arg| match arg {
                replica_grammar::ast::Arg::Positional(e) => self.expr(e),
                other => panic!("argument {other:?}"),
            })
            .collect()
    }

    fn expr(&mut self, expr: &Expr) -> Result<Value, RuntimeError> {
        Ok(match &expr.kind {
            ExprKind::Null => Value::Null,
            ExprKind::Bool(b) => Value::Bool(*b),
            ExprKind::Int(text) => {
                let digits = text.trim_end_matches(['l', 'L', 'i', 'I']).replace('_', "");
                Value::Int(digits.parse().unwrap_or_else(|_| panic!("integer literal {text}")))
            }
            ExprKind::Decimal(text) => {
                let digits = text.trim_end_matches(['g', 'G']).replace('_', "");
                Value::Decimal(parse_decimal(&digits).unwrap_or_else(|| panic!("decimal literal {text}")))
            }
            ExprKind::Str { value, .. } => Value::str(value),
            ExprKind::Template { parts, .. } => {
                let mut out = String::new();
                for part in parts {
                    match part {
                        TemplatePart::Text { value, .. } => out.push_str(value),
                        TemplatePart::Interp { expr: Some(e), .. } => {
                            out.push_str(&self.expr(e)?.to_string())
                        }
                        TemplatePart::Interp { expr: None, .. } => {}
                    }
                }
                Value::str(&out)
            }
            ExprKind::List(items) => {
                Value::list(items.iter().map(|e| self.expr(e)).collect::<Result<_, _>>()?)
            }
            ExprKind::Map(entries) => {
                let mut out = IndexMap::new();
                for entry in entries {
                    let key = match &entry.key {
                        MapKey::Word(ident) => Value::str(&ident.name),
                        MapKey::Expr(e) => self.expr(e)?,
                        other => panic!("map key {other:?}"),
                    };
                    let value = self.expr(&entry.value)?;
                    out.insert(Key(key), value);
                }
                Value::map(out)
            }
            ExprKind::Range { from, to, inclusive } => match (self.expr(from)?, self.expr(to)?) {
                (Value::Int(from), Value::Int(to)) => Value::Range { from, to, inclusive: *inclusive },
                other => panic!("range bounds {other:?}"),
            },
            ExprKind::Name(name) => self.lookup(name).unwrap_or_else(|| panic!("unknown variable {name}")),
            ExprKind::Paren(inner) => self.expr(inner)?,
            ExprKind::Unary { op, operand } => {
                let value = self.expr(operand)?;
                match op {
                    // `ops::unary` gives the next (previous) value; store it, yield old or new.
                    UnaryOp::PreInc | UnaryOp::PreDec | UnaryOp::PostInc | UnaryOp::PostDec => {
                        let next = ops::unary(*op, &value)?;
                        self.assign(operand, next.clone())?;
                        if matches!(op, UnaryOp::PostInc | UnaryOp::PostDec) {
                            value
                        } else {
                            next
                        }
                    }
                    _ => ops::unary(*op, &value)?,
                }
            }
            ExprKind::Binary { op: BinaryOp::And, lhs, rhs } => {
                Value::Bool(truthy(&self.expr(lhs)?) && truthy(&self.expr(rhs)?))
            }
            ExprKind::Binary { op: BinaryOp::Or, lhs, rhs } => {
                Value::Bool(truthy(&self.expr(lhs)?) || truthy(&self.expr(rhs)?))
            }
            ExprKind::Binary { op, lhs, rhs } => {
                let (a, b) = (self.expr(lhs)?, self.expr(rhs)?);
                binary(*op, &a, &b)?
            }
            ExprKind::Ternary { cond, then_expr, else_expr } => {
                if truthy(&self.expr(cond)?) {
                    self.expr(then_expr)?
                } else {
                    self.expr(else_expr)?
                }
            }
            ExprKind::Elvis { lhs, rhs } => {
                let value = self.expr(lhs)?;
                if truthy(&value) {
                    value
                } else {
                    self.expr(rhs)?
                }
            }
            ExprKind::As { expr, ty } => ops::as_type(&self.expr(expr)?, &ty.name.dotted())?,
            ExprKind::Assign { op, target, value } => {
                let mut value = self.expr(value)?;
                if let Some(AssignOp::Op(op)) = op {
                    let current = self.expr(target)?;
                    value = binary(*op, &current, &value)?;
                }
                self.assign(target, value.clone())?;
                value
            }
            ExprKind::Index { target, index, .. } => {
                let target = self.expr(target)?;
                let at = self.index_value(index)?;
                ops::index(&target, &at)?
            }
            ExprKind::Property { target, name, nav } => {
                let target = self.expr(target)?;
                let name = name.as_static().expect("a static property name").to_string();
                match (&target, nav) {
                    (Value::Null, Navigation::Safe) => Value::Null,
                    (Value::Map(_), _) => ops::index(&target, &Value::str(&name))?,
                    (other, _) => {
                        panic!("the test evaluator reads properties of maps only, not of {other:?}")
                    }
                }
            }
            ExprKind::Closure { params, body } => {
                let params =
                    params.as_ref().map(|ps| ps.iter().map(|p| p.name.name.clone()).collect::<Vec<_>>());
                let count = params.as_ref().map(|p| p.len() as u8);
                self.closures.push(Rc::new(ClosureCode { params, body: body.clone() }));
                Value::Closure(Rc::new(Closure {
                    function: (self.closures.len() - 1) as u32,
                    captures: Vec::new(),
                    params: count,
                }))
            }
            ExprKind::MethodCall {
                receiver: Some(receiver),
                name: PropertyName::Word(name),
                args,
                nav,
                ..
            } => {
                // `String.format(…)`: the static method (Groovy ignores the receiver).
                if let ExprKind::Name(class) = &receiver.kind {
                    if class == "String" && self.lookup(class).is_none() {
                        let args = self.args(args)?;
                        return call_method(self, &Value::str(""), &name.name, args);
                    }
                }
                let receiver = self.expr(receiver)?;
                let args = self.args(args)?;
                match nav {
                    Navigation::Safe if receiver.is_null() => Value::Null,
                    Navigation::Spread => {
                        let items = ops::elements(&receiver)?.expect("a list to spread over");
                        let mut out = Vec::new();
                        for item in items {
                            out.push(call_method(self, &item, &name.name, args.clone())?);
                        }
                        Value::list(out)
                    }
                    _ => call_method(self, &receiver, &name.name, args)?,
                }
            }
            // `new Date(millis)`, for the Date methods' examples.
            ExprKind::New { ty, args } if ty.name.dotted() == "Date" => match self.args(args)?.as_slice() {
                [Value::Int(millis)] => Value::Date(*millis),
                other => panic!("new Date({other:?})"),
            },
            other => panic!("the test evaluator does not evaluate {other:?}"),
        })
    }

    fn assign(&mut self, target: &Expr, value: Value) -> Result<(), RuntimeError> {
        match &target.kind {
            ExprKind::Name(name) => {
                match self.scopes.iter_mut().rev().find(|scope| scope.contains_key(name)) {
                    Some(scope) => scope.insert(name.clone(), value),
                    None => self.scopes[0].insert(name.clone(), value),
                };
                Ok(())
            }
            ExprKind::Index { target, index, .. } => {
                let target = self.expr(target)?;
                let at = self.index_value(index)?;
                ops::set_index(&target, &at, value)
            }
            other => panic!("cannot assign to {other:?}"),
        }
    }

    fn index_value(&mut self, indices: &[Expr]) -> Result<Value, RuntimeError> {
        if let [one] = indices {
            self.expr(one)
        } else {
            Ok(Value::list(indices.iter().map(|e| self.expr(e)).collect::<Result<_, _>>()?))
        }
    }
}
