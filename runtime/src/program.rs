//! A program ready to run: the bytecode plus what the VM would otherwise rebuild on every
//! run — constants as values (strings shared, so pushing one is a reference-count bump) and
//! the record shapes of the script's classes.

mod reach;

use std::fmt;
use std::rc::Rc;
use std::sync::Arc;

use replica_compiler::bytecode::{Constant, Program, FORMAT_VERSION};
use replica_compiler::shapes::{layout_hash, shapes, Shape, ShapeId, Slot};
use replica_compiler::types::Type;

use crate::ops;
use crate::value::{Key, Value};

/// A loaded program. Load once, run many times (one run per ticket).
pub struct LoadedProgram {
    pub program: Program,
    /// `program.constants` as values, same indices.
    pub constants: Vec<Value>,
    /// The shape of each script class's instances, same indices as `program.classes`.
    pub class_shapes: Vec<Arc<Shape>>,
    /// The ticket slots the incoming script reads (`(shape, slot)`, sorted), or `None` when
    /// the ticket itself may reach script code or there is no incoming script (see
    /// `reach.rs`): an incoming run copies only those slots before the run.
    pub ticket_reads: Option<Vec<(ShapeId, u16)>>,
}

/// Why a program cannot be loaded.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum LoadError {
    Version {
        found: u32,
    },
    Layout,
    BadConstant {
        index: usize,
        text: String,
    },
    TooManyClasses,
    /// The verifier refused the code (damaged or hand-made bytecode).
    Invalid(String),
}

impl fmt::Display for LoadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            LoadError::Version { found } => write!(
                f,
                "the bytecode has format version {found}, but this Replica reads version {FORMAT_VERSION}: compile the rules again"
            ),
            LoadError::Layout => f.write_str(
                "the bytecode was compiled against other schema data (its slot layout differs): compile the rules again",
            ),
            LoadError::BadConstant { index, text } => {
                write!(f, "constant {index} is not valid: {text}")
            }
            LoadError::TooManyClasses => f.write_str("the program declares too many classes"),
            LoadError::Invalid(reason) => write!(f, "the bytecode does not verify: {reason}"),
        }
    }
}

impl std::error::Error for LoadError {}

impl LoadedProgram {
    pub fn new(program: Program) -> Result<LoadedProgram, LoadError> {
        if program.version != FORMAT_VERSION {
            return Err(LoadError::Version { found: program.version });
        }
        if program.layout_hash != layout_hash(shapes()) {
            return Err(LoadError::Layout);
        }
        // Whatever the source (lowering, a file), nothing runs that the verifier refuses.
        replica_compiler::bytecode::verify::verify(&program)
            .map_err(|e| LoadError::Invalid(e.to_string()))?;
        LoadedProgram::new_unverified(program)
    }

    /// Loads without the verifier: only for tests of the VM's own defences against
    /// malformed code (which must still fail cleanly, never panic).
    #[doc(hidden)]
    pub fn new_unverified(program: Program) -> Result<LoadedProgram, LoadError> {
        if program.version != FORMAT_VERSION {
            return Err(LoadError::Version { found: program.version });
        }
        let mut constants: Vec<Value> = Vec::with_capacity(program.constants.len());
        for (index, constant) in program.constants.iter().enumerate() {
            let value = match constant {
                Constant::Int(n) => Value::Int(*n),
                Constant::Str(s) => Value::Str(Rc::from(s.as_str())),
                Constant::Decimal(text) => ops::parse_decimal(text).map(Value::Decimal).ok_or_else(|| {
                    LoadError::BadConstant { index, text: format!("{text:?} is not a decimal") }
                })?,
                // Built once; the lowering only pools maps that scripts never change.
                Constant::Map(entries) => {
                    let mut map = crate::value::value_map(entries.len());
                    for &(key, value) in entries {
                        let part = |at: u32| {
                            constants.get(at as usize).cloned().ok_or_else(|| LoadError::BadConstant {
                                index,
                                text: format!("map entry refers to constant {at}"),
                            })
                        };
                        map.insert(Key(part(key)?), part(value)?);
                    }
                    Value::map(map)
                }
            };
            constants.push(value);
        }
        // Class shapes take the ids after the schema's shapes, so they never collide with a
        // `GetSlot` compiled against a schema shape.
        let first = shapes().all.len();
        let class_shapes = program
            .classes
            .iter()
            .enumerate()
            .map(|(i, class)| {
                let id = ShapeId::try_from(first + i).map_err(|_| LoadError::TooManyClasses)?;
                let slots = class
                    .fields
                    .iter()
                    .map(|name| Slot {
                        name: name.clone(),
                        ty: Type::Any,
                        read_only: false,
                        rest: None,
                        view: true,
                    })
                    .collect();
                Ok(Arc::new(Shape::new(id, class.name.clone(), slots)))
            })
            .collect::<Result<Vec<_>, _>>()?;
        let ticket_reads = program.entries.incoming.and_then(|entry| reach::ticket_reads(&program, entry));
        Ok(LoadedProgram { program, constants, class_shapes, ticket_reads })
    }

    /// The name constant `index` (`"?"` when it is not a string: malformed code).
    pub fn name(&self, index: u32) -> &str {
        self.program.constant_str(index)
    }

    /// The class whose instances have `shape`, if it is a script class's shape.
    pub fn class_of(&self, shape: &Arc<Shape>) -> Option<usize> {
        let index = (shape.id as usize).checked_sub(shapes().all.len())?;
        self.class_shapes.get(index).filter(|own| Arc::ptr_eq(own, shape)).map(|_| index)
    }
}
