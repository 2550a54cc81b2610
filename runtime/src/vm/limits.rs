//! What bounds one run: the step budget, the memory bound and the call depths, and the
//! memory meter behind the bound.
//!
//! Memory is metered approximately: where a value is built or grows, its size is charged
//! (strings by bytes, lists and maps by entries). Charges only add up, so they overestimate
//! what is alive (`s = s.trim()` in a loop charges every copy). When the charges pass the
//! bound, the VM measures what is really reachable from the run's roots and carries on from
//! that figure; only when the reachable memory itself passes the bound does the run fail.
//! Values that a Rust caller (a `collect` being built, a helper) holds while it calls back
//! into the script are not reachable from the roots, so everything charged since the
//! outermost such call began counts as alive too.

use std::collections::HashSet;
use std::mem::size_of;
use std::rc::Rc;

use crate::value::{ErrorKind, RuntimeError, Value};

/// The bounds of one run.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Limits {
    /// Instructions a run may execute.
    pub steps: u64,
    /// Bytes (approximately) of values a run may hold.
    pub memory: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits { steps: 10_000_000, memory: 64 * 1024 * 1024 }
    }
}

/// Script calls (frames) alive at once: deeper is endless recursion.
pub const MAX_FRAMES: usize = 1_000;
/// Closures called back from Rust (the standard library, helpers) nested in one another.
/// Each level uses the Rust stack (grown on demand, see `call.rs`), so this bounds it.
pub const MAX_REENTRY: usize = 200;

#[cold]
#[inline(never)]
pub fn steps_exceeded(budget: u64) -> RuntimeError {
    RuntimeError::new(
        ErrorKind::Limit,
        format!("the run exceeded its budget of {budget} steps (an endless loop?)"),
    )
}

pub fn memory_exceeded(bound: usize) -> RuntimeError {
    RuntimeError::new(
        ErrorKind::Limit,
        format!(
            "the run exceeded its memory bound of {} MiB (a collection or string that grows without end?)",
            bound / (1024 * 1024)
        ),
    )
}

pub fn too_deep() -> RuntimeError {
    RuntimeError::new(
        ErrorKind::Limit,
        format!("the call depth exceeded {MAX_FRAMES} nested calls (endless recursion?)"),
    )
}

pub fn too_deep_reentry() -> RuntimeError {
    RuntimeError::new(
        ErrorKind::Limit,
        format!(
            "closures called from library methods nest deeper than {MAX_REENTRY} levels (endless recursion?)"
        ),
    )
}

/// The bytes a value occupies by itself, not counting values it holds that were charged
/// when they were built.
pub fn shallow_size(value: &Value) -> usize {
    const SLOT: usize = size_of::<Value>();
    match value {
        Value::Str(s) => 16 + s.len(),
        Value::List(list) => 32 + list.borrow().len() * SLOT,
        // Key, value and the index's hash slot.
        Value::Map(map) => 64 + map.borrow().len() * (2 * SLOT + 16),
        Value::Record(record) => 48 + record.slots.borrow().len() * SLOT,
        Value::Closure(closure) => 48 + closure.captures.len() * 8,
        Value::Regex(re) => 256 + re.as_str().len() * 16,
        _ => 0,
    }
}

/// The charges of one run.
#[derive(Debug)]
pub struct Meter {
    pub bound: usize,
    /// Bytes charged, from the last measurement on.
    pub charged: usize,
    /// `charged` when the outermost call from Rust back into the script began.
    pub pinned: Option<usize>,
}

impl Meter {
    pub fn new(bound: usize) -> Meter {
        Meter { bound, charged: 0, pinned: None }
    }

    /// Adds `bytes`; true when the charges have passed the bound and reachable memory must
    /// be measured.
    pub fn charge(&mut self, bytes: usize) -> bool {
        self.charged = self.charged.saturating_add(bytes);
        self.charged > self.bound
    }

    /// Continues from a measurement of `reachable` bytes: an error when they pass the bound.
    /// The next measurement comes after at least a quarter of the bound more, so measuring
    /// stays rare even when a run keeps much alive.
    pub fn settle(&mut self, reachable: usize) -> Result<(), RuntimeError> {
        let in_flight = self.pinned.map_or(0, |pinned| self.charged.saturating_sub(pinned));
        let alive = reachable.saturating_add(in_flight);
        if alive > self.bound {
            return Err(memory_exceeded(self.bound));
        }
        let headroom = (self.bound - alive).max(self.bound / 4);
        self.charged = self.bound - headroom.min(self.bound);
        if let Some(pinned) = &mut self.pinned {
            *pinned = self.charged.saturating_sub(in_flight);
        }
        Ok(())
    }
}

/// The bytes reachable from `roots`, each shared value counted once. Iterative, so deep
/// nesting cannot overflow the Rust stack.
pub fn reachable_size<'v>(roots: impl IntoIterator<Item = &'v Value>) -> usize {
    let mut seen: HashSet<usize> = HashSet::new();
    let mut work: Vec<Value> = roots.into_iter().cloned().collect();
    let mut total = 0usize;
    while let Some(value) = work.pop() {
        let address = match &value {
            Value::Str(s) => Rc::as_ptr(s) as *const u8 as usize,
            Value::List(l) => Rc::as_ptr(l) as *const u8 as usize,
            Value::Map(m) => Rc::as_ptr(m) as *const u8 as usize,
            Value::Record(r) => Rc::as_ptr(r) as *const u8 as usize,
            Value::Closure(c) => Rc::as_ptr(c) as *const u8 as usize,
            Value::Regex(r) => Rc::as_ptr(r) as *const u8 as usize,
            _ => continue,
        };
        if !seen.insert(address) {
            continue;
        }
        total = total.saturating_add(shallow_size(&value));
        match &value {
            Value::List(list) => work.extend(list.borrow().iter().cloned()),
            Value::Map(map) => {
                for (key, item) in map.borrow().iter() {
                    work.push(key.0.clone());
                    work.push(item.clone());
                }
            }
            Value::Record(record) => work.extend(record.slots.borrow().iter().cloned()),
            Value::Closure(closure) => {
                for cell in &closure.captures {
                    let address = Rc::as_ptr(cell) as *const u8 as usize;
                    if seen.insert(address) {
                        work.push(cell.borrow().clone());
                    }
                }
            }
            _ => {}
        }
    }
    total
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shared_values_are_counted_once_and_cycles_end() {
        let text = Value::str(&"x".repeat(1000));
        let list = Value::list(vec![text.clone(), text.clone()]);
        if let Value::List(items) = &list {
            items.borrow_mut().push(list.clone());
        }
        let size = reachable_size([&list, &text]);
        assert!((1000..1300).contains(&size), "{size}");
    }

    #[test]
    fn settling_forgives_garbage_but_not_live_memory() {
        let mut meter = Meter::new(1000);
        assert!(meter.charge(1200));
        assert!(meter.settle(100).is_ok());
        assert!(!meter.charge(100));
        assert!(meter.settle(1001).is_err());
        // Charges made while Rust holds values count as alive.
        let mut meter = Meter::new(1000);
        meter.pinned = Some(0);
        assert!(meter.charge(1200));
        assert!(meter.settle(0).is_err());
    }
}
