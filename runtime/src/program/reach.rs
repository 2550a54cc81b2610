//! Which of the ticket's slots a program can hand to script code.
//!
//! An incoming run plans the REST update by comparing the ticket after the run with a copy
//! taken before it (`entity::changes`). Copying the whole ticket deeply is most of the cost
//! of a small incoming script, and needless for slots the script never reads: such a slot's
//! list, map or record is never in the script's hands, so it cannot change in place (an
//! assignment stores a new value and leaves the old one as it was).
//!
//! [`ticket_reads`] finds, once when the program is loaded, the ticket slots read with
//! `GetSlot` (`entity.tags`, `entity.comments[0]`), following where the ticket value goes on
//! the operand stack of every function. As long as the ticket is only read from
//! (`entity.x`) or assigned to (`entity.x = …`), the answer is those slots; as soon as the
//! ticket itself may reach script code — stored in a variable, passed to a method or
//! helper, returned, used in any other way — the answer is `None` and the whole ticket is
//! copied, as before.

use replica_compiler::bytecode::{Env, Function, Instr, Program};
use replica_compiler::shapes::ShapeId;

/// The `(shape, slot)` pairs that the code reachable from function `entry` reads from the
/// ticket with `GetSlot`, or `None` when the ticket may escape to script code there.
pub fn ticket_reads(program: &Program, entry: u32) -> Option<Vec<(ShapeId, u16)>> {
    let mut reads = Vec::new();
    for function in reachable(program, entry) {
        reads_of(program.functions.get(function as usize)?, &mut reads)?;
    }
    reads.sort_unstable();
    reads.dedup();
    Some(reads)
}

/// The functions that may run when `entry` runs: what it calls and the closures it makes,
/// and every script-class function as soon as any of them might be called (by a method
/// call, a property access, `new`).
fn reachable(program: &Program, entry: u32) -> Vec<u32> {
    let mut seen = vec![false; program.functions.len()];
    let mut work = vec![entry];
    let mut classes_added = false;
    while let Some(at) = work.pop() {
        let Some(done) = seen.get_mut(at as usize) else { continue };
        if *done {
            continue;
        }
        *done = true;
        for instr in &program.functions[at as usize].code {
            match *instr {
                Instr::CallFunction { function, .. } | Instr::MakeClosure(function) => work.push(function),
                Instr::New { .. }
                | Instr::CallMethod { .. }
                | Instr::SpreadCall { .. }
                | Instr::CallValue { .. }
                | Instr::GetProp(_)
                | Instr::SetProp(_)
                | Instr::SpreadProp(_)
                    if !classes_added =>
                {
                    classes_added = true;
                    for class in &program.classes {
                        work.extend(class.init);
                        work.extend(&class.constructors);
                        work.extend(class.methods.iter().map(|(_, f)| *f));
                        work.extend(class.static_methods.iter().map(|(_, f)| *f));
                    }
                }
                _ => {}
            }
        }
    }
    (0..program.functions.len() as u32).filter(|&f| seen[f as usize]).collect()
}

/// The reads of one function, or `None` when the ticket escapes in it (or its code is not
/// as the verifier guarantees).
fn reads_of(function: &Function, reads: &mut Vec<(ShapeId, u16)>) -> Option<()> {
    let code = &function.code;
    // Per instruction: which stack entries hold the ticket when it starts (`None`: not
    // reached yet).
    let mut states: Vec<Option<Vec<bool>>> = vec![None; code.len()];
    let mut work: Vec<usize> = Vec::new();
    let enter = |at: usize, stack: Vec<bool>, states: &mut Vec<Option<Vec<bool>>>, work: &mut Vec<usize>| {
        let slot = states.get_mut(at)?;
        match slot {
            None => {
                *slot = Some(stack);
                work.push(at);
            }
            Some(known) => {
                if known.len() != stack.len() {
                    return None;
                }
                let mut grew = false;
                for (k, s) in known.iter_mut().zip(stack) {
                    if s && !*k {
                        *k = true;
                        grew = true;
                    }
                }
                if grew {
                    work.push(at);
                }
            }
        }
        Some(())
    };
    if !code.is_empty() {
        enter(0, Vec::new(), &mut states, &mut work)?;
    }
    // A handler starts with the stack cut to its depth and the exception pushed; what it
    // keeps may be anything (the ticket included).
    for handler in &function.handlers {
        let stack = std::iter::repeat_n(true, usize::from(handler.stack)).chain([false]).collect();
        enter(handler.target as usize, stack, &mut states, &mut work)?;
    }
    while let Some(at) = work.pop() {
        let mut stack = states[at].clone()?;
        let instr = code[at];
        let (pops, pushes) = instr.stack_effect();
        if stack.len() < pops as usize {
            return None;
        }
        match instr {
            Instr::LoadEnv(Env::Entity) => stack.push(true),
            Instr::Dup => stack.push(*stack.last()?),
            Instr::Dup2 => {
                let len = stack.len();
                stack.extend_from_within(len - 2..);
            }
            Instr::Swap => {
                let len = stack.len();
                stack.swap(len - 1, len - 2);
            }
            Instr::Rot3 => {
                let len = stack.len();
                stack[len - 3..].rotate_right(1);
            }
            Instr::Pop => {
                stack.pop();
            }
            // Tests the top and leaves it.
            Instr::JumpIfNull(_) => {}
            Instr::GetSlot { shape, slot, .. } => {
                if stack.pop()? {
                    reads.push((shape, slot));
                }
                stack.push(false);
            }
            Instr::SetSlot { .. } => {
                // Storing the ticket somewhere lets it escape; assigning to it does not.
                if stack.pop()? {
                    return None;
                }
                stack.pop();
            }
            _ => {
                for _ in 0..pops {
                    if stack.pop()? {
                        return None;
                    }
                }
                stack.extend(std::iter::repeat_n(false, pushes as usize));
            }
        }
        if let Some(target) = instr.jump_target() {
            // ForNext pushes its item only when it does not jump.
            let jumped = if matches!(instr, Instr::ForNext { .. }) {
                stack[..stack.len() - 1].to_vec()
            } else {
                stack.clone()
            };
            enter(target as usize, jumped, &mut states, &mut work)?;
        }
        if instr.falls_through() {
            enter(at + 1, stack, &mut states, &mut work)?;
        }
    }
    Some(())
}
