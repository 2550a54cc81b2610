//! Which variables closures may capture.
//!
//! A variable that a closure uses lives in a cell (shared box) rather than a slot. Before a
//! function body is lowered, this pass collects every name used inside any closure within
//! it; a variable of the function with one of those names becomes a cell. It over-
//! approximates (a closure's own `x` also makes an outer `x` a cell), which costs a little
//! speed and never correctness.

use std::collections::HashSet;

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
}
