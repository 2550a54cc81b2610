//! Which variables closures may capture.
//!
//! A variable that a closure uses lives in a cell (shared box) rather than a slot. Before a
//! function body is lowered, this pass collects every name used inside any closure within
//! it; a variable of the function with one of those names becomes a cell. It over-
//! approximates (a closure's own `x` also makes an outer `x` a cell), which costs a little
//! speed and never correctness.

use std::collections::{HashMap, HashSet};

use replica_grammar::ast::*;

/// Names used inside closures anywhere in `stmts` (closures nested in closures included).
pub fn names_used_in_closures(stmts: &[Stmt]) -> HashSet<String> {
    let mut names = HashSet::new();
    for stmt in stmts {
        each_expr_of_stmt(stmt, &mut |expr| collect(expr, false, &mut names));
    }
    names
}

/// Names used inside `params`' defaults and `body` of one closure, for its own cells.
pub fn names_used_in_closure_body(params: &[Param], body: &[Stmt]) -> HashSet<String> {
    let mut names = names_used_in_closures(body);
    for param in params {
        if let Some(default) = &param.default {
            collect(default, false, &mut names);
        }
    }
    names
}

/// Walks `expr`; names are recorded once inside a closure.
fn collect(expr: &Expr, inside: bool, names: &mut HashSet<String>) {
    // An explicit stack: expressions can be deeply nested.
    let mut pending = vec![(expr, inside)];
    while let Some((expr, inside)) = pending.pop() {
        match &expr.kind {
            ExprKind::Name(name) if inside => {
                names.insert(name.clone());
            }
            // `f(x)` may call a closure held in variable `f`.
            ExprKind::MethodCall { receiver: None, name: PropertyName::Word(name), .. } if inside => {
                names.insert(name.name.clone());
            }
            ExprKind::Closure { params, body } => {
                for param in params.iter().flatten() {
                    if let Some(default) = &param.default {
                        pending.push((default, true));
                    }
                }
                for stmt in body {
                    each_expr_of_stmt(stmt, &mut |e| collect(e, true, names));
                }
            }
            _ => {}
        }
        expr.for_each_child(|child| pending.push((child, inside)));
    }
}

/// Calls `f` on every expression written directly in `stmt` and in the statements nested in
/// it (not inside closures: `f` sees the closure expression and decides).
pub fn each_expr_of_stmt(stmt: &Stmt, f: &mut dyn FnMut(&Expr)) {
    match &stmt.kind {
        StmtKind::Expr(expr) | StmtKind::Throw(expr) => f(expr),
        StmtKind::VarDecl(decl) => decl.vars.iter().filter_map(|v| v.init.as_ref()).for_each(f),
        StmtKind::TupleDecl { value, .. } => f(value),
        StmtKind::If { cond, then_branch, else_branch } => {
            f(cond);
            each_expr_of_stmt(then_branch, f);
            if let Some(other) = else_branch {
                each_expr_of_stmt(other, f);
            }
        }
        StmtKind::While { cond, body } | StmtKind::DoWhile { body, cond } => {
            f(cond);
            each_expr_of_stmt(body, f);
        }
        StmtKind::ForIn { iterable, body, .. } => {
            f(iterable);
            each_expr_of_stmt(body, f);
        }
        StmtKind::ForClassic { init, cond, update, body } => {
            init.iter().for_each(|s| each_expr_of_stmt(s, f));
            cond.iter().for_each(&mut *f);
            update.iter().for_each(&mut *f);
            each_expr_of_stmt(body, f);
        }
        StmtKind::Switch { subject, cases } => {
            f(subject);
            for case in cases {
                case.labels.iter().flatten().for_each(&mut *f);
                case.body.iter().for_each(|s| each_expr_of_stmt(s, f));
            }
        }
        StmtKind::Try { body, catches, finally } => {
            body.stmts.iter().for_each(|s| each_expr_of_stmt(s, f));
            for catch in catches {
                catch.body.stmts.iter().for_each(|s| each_expr_of_stmt(s, f));
            }
            for s in finally.iter().flat_map(|b| &b.stmts) {
                each_expr_of_stmt(s, f);
            }
        }
        StmtKind::Return(value) => value.iter().for_each(f),
        StmtKind::Assert { cond, message } => {
            f(cond);
            message.iter().for_each(f);
        }
        StmtKind::Block(block) => block.stmts.iter().for_each(|s| each_expr_of_stmt(s, f)),
        StmtKind::Synchronized { lock, body } => {
            f(lock);
            body.stmts.iter().for_each(|s| each_expr_of_stmt(s, f));
        }
        StmtKind::Labeled { body, .. } => each_expr_of_stmt(body, f),
        StmtKind::Break(_) | StmtKind::Continue(_) | StmtKind::Error => {}
    }
}

/// Variables that hold a map literal of constants and are only ever read with `[]`
/// (`def statusMap = ["To Do": "Open"]` … `statusMap[name]`): the lowering pools such a map
/// once instead of building it on every run. A name qualifies when it is declared once in
/// the body (and nowhere else), its initial value is a map literal whose keys and values are
/// string, integer or decimal literals, closures never use it, and every use is a read
/// `name[key]`.
pub fn read_only_constant_maps(stmts: &[Stmt], closure_names: &HashSet<String>) -> HashSet<String> {
    let mut declared: HashMap<String, (usize, bool)> = HashMap::new();
    let mut uses: HashMap<String, (usize, usize)> = HashMap::new();
    for stmt in stmts {
        walk_stmt_declarations(stmt, &mut declared);
        each_expr_of_stmt(stmt, &mut |expr| count_uses(expr, &mut uses));
    }
    declared
        .into_iter()
        .filter(|(name, (count, constant))| *count == 1 && *constant && !closure_names.contains(name))
        .filter(|(name, _)| uses.get(name).is_none_or(|(all, reads)| all == reads))
        .map(|(name, _)| name)
        .collect()
}

/// Counts declarations per name; notes whether the (single) declaration is a constant map.
fn walk_stmt_declarations(stmt: &Stmt, declared: &mut HashMap<String, (usize, bool)>) {
    fn declare(declared: &mut HashMap<String, (usize, bool)>, name: &str, constant: bool) {
        let entry = declared.entry(name.to_string()).or_insert((0, constant));
        entry.0 += 1;
        entry.1 &= constant;
    }
    match &stmt.kind {
        StmtKind::VarDecl(decl) => {
            let untyped = decl.ty.as_ref().is_none_or(|t| matches!(t.name.dotted().as_str(), "Map" | "def"));
            for var in &decl.vars {
                let constant = untyped && var.init.as_ref().is_some_and(is_constant_map);
                declare(declared, &var.name.name, constant);
            }
        }
        StmtKind::TupleDecl { names, .. } => {
            names.iter().for_each(|(_, n)| declare(declared, &n.name, false))
        }
        StmtKind::ForIn { var, body, .. } => {
            declare(declared, &var.name, false);
            walk_stmt_declarations(body, declared);
        }
        StmtKind::If { then_branch, else_branch, .. } => {
            walk_stmt_declarations(then_branch, declared);
            if let Some(other) = else_branch {
                walk_stmt_declarations(other, declared);
            }
        }
        StmtKind::While { body, .. } | StmtKind::DoWhile { body, .. } | StmtKind::Labeled { body, .. } => {
            walk_stmt_declarations(body, declared)
        }
        StmtKind::ForClassic { init, body, .. } => {
            init.iter().for_each(|s| walk_stmt_declarations(s, declared));
            walk_stmt_declarations(body, declared);
        }
        StmtKind::Switch { cases, .. } => {
            cases.iter().flat_map(|c| &c.body).for_each(|s| walk_stmt_declarations(s, declared))
        }
        StmtKind::Try { body, catches, finally } => {
            body.stmts.iter().for_each(|s| walk_stmt_declarations(s, declared));
            for catch in catches {
                declare(declared, &catch.name.name, false);
                catch.body.stmts.iter().for_each(|s| walk_stmt_declarations(s, declared));
            }
            finally.iter().flat_map(|b| &b.stmts).for_each(|s| walk_stmt_declarations(s, declared));
        }
        StmtKind::Block(block) | StmtKind::Synchronized { body: block, .. } => {
            block.stmts.iter().for_each(|s| walk_stmt_declarations(s, declared))
        }
        _ => {}
    }
}

fn is_constant_map(expr: &Expr) -> bool {
    let scalar = |e: &Expr| matches!(e.kind, ExprKind::Str { .. } | ExprKind::Int(_) | ExprKind::Decimal(_));
    match &expr.kind {
        ExprKind::Map(entries) => entries.iter().all(|entry| {
            let key = match &entry.key {
                MapKey::Word(_) => true,
                MapKey::Expr(key) => scalar(key),
                MapKey::Spread => false,
            };
            key && scalar(&entry.value)
        }),
        _ => false,
    }
}

/// Counts, per name, all uses and the uses as `name[key]` reads (outside closures; names
/// used in closures are excluded anyway).
fn count_uses(expr: &Expr, uses: &mut HashMap<String, (usize, usize)>) {
    let mut pending = vec![(expr, false)];
    while let Some((expr, written)) = pending.pop() {
        match &expr.kind {
            ExprKind::Name(name) => uses.entry(name.clone()).or_default().0 += 1,
            ExprKind::Index { target, index, .. } => {
                if let (ExprKind::Name(name), false) = (&target.kind, written) {
                    if index.len() == 1 {
                        uses.entry(name.clone()).or_default().1 += 1;
                    }
                }
            }
            ExprKind::Closure { .. } => continue,
            _ => {}
        }
        let target_written = match &expr.kind {
            ExprKind::Assign { target, .. } => Some(&**target),
            ExprKind::Unary { op, operand }
                if !matches!(op, UnaryOp::Not | UnaryOp::Neg | UnaryOp::Plus | UnaryOp::BitNot) =>
            {
                Some(&**operand)
            }
            _ => None,
        };
        expr.for_each_child(|child| {
            let is_target = target_written.is_some_and(|t| std::ptr::eq(t, child));
            pending.push((child, is_target));
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use replica_grammar::{parse, Mode};

    fn names(source: &str) -> Vec<String> {
        let stmts = super::super::top_level_statements(&parse(source, Mode::Script).file);
        let mut names: Vec<String> = names_used_in_closures(&stmts).into_iter().collect();
        names.sort();
        names
    }

    #[test]
    fn finds_names_used_inside_closures_only() {
        assert_eq!(names("def a = 1; def b = 2; [1].each { println(a + it) }; b"), ["a", "it", "println"]);
        assert_eq!(names("def n = 0; if (true) { [1].collect { x -> def f = { -> n }; f() } }"), ["f", "n"]);
        assert!(names("def a = 1; a + 1").is_empty());
    }

    fn constant_maps(source: &str) -> Vec<String> {
        let stmts = super::super::top_level_statements(&parse(source, Mode::Script).file);
        let mut names: Vec<String> =
            read_only_constant_maps(&stmts, &names_used_in_closures(&stmts)).into_iter().collect();
        names.sort();
        names
    }

    #[test]
    fn only_maps_of_constants_that_are_only_read_are_pooled() {
        assert_eq!(constant_maps("def m = [a: 'x', 2: 3.5]; m['a']; m[2]"), ["m"]);
        // Changed, passed on, used in a closure, declared twice, or not all constants.
        assert!(constant_maps("def m = [a: 1]; m['b'] = 2").is_empty());
        assert!(constant_maps("def m = [a: 1]; m.put('b', 2)").is_empty());
        assert!(constant_maps("def m = [a: 1]; println(m)").is_empty());
        assert!(constant_maps("def m = [a: 1]; [1].each { m[it] }").is_empty());
        assert!(constant_maps("def m = [a: 1]; m['a']++").is_empty());
        assert!(constant_maps("def m = [a: 1]; if (true) { def m = [b: 2] }; m['a']").is_empty());
        assert!(constant_maps("def x = 'k'; def m = [a: x]; m['a']").is_empty());
    }
}
