//! The bytecode file: [`MAGIC`], [`FORMAT_VERSION`] as 4 little-endian bytes, then the
//! [`Program`] in postcard.
//!
//! [`read`] trusts nothing: a file that is not bytecode, comes from another Replica, was
//! built against another schema, is cut short or damaged gives a [`LoadError`] that says
//! what to do, never a panic; what decodes is then verified before the VM may run it.

use std::fmt;

use super::verify::{verify, VerifyError, VerifyInfo};
use super::{Program, FORMAT_VERSION, MAGIC};
use crate::shapes::{layout_hash, shapes};

/// The length of the header: magic and format version.
pub const HEADER_LEN: usize = 8;

/// The bytes of a bytecode file for `program`.
pub fn write(program: &Program) -> Vec<u8> {
    let mut bytes = Vec::with_capacity(HEADER_LEN + program.source.len() * 2);
    bytes.extend_from_slice(MAGIC);
    bytes.extend_from_slice(&FORMAT_VERSION.to_le_bytes());
    // Serialising plain data into a Vec cannot fail; should postcard ever refuse, the file
    // stays header-only and `read` reports it as damaged rather than this panicking.
    if let Ok(body) = postcard::to_stdvec(program) {
        bytes.extend_from_slice(&body);
    }
    bytes
}

/// The verified program in a bytecode file.
pub fn read(bytes: &[u8]) -> Result<Program, LoadError> {
    read_with_info(bytes).map(|(program, _)| program)
}

/// [`read`], also returning what the verifier learnt (each function's deepest stack).
pub fn read_with_info(bytes: &[u8]) -> Result<(Program, VerifyInfo), LoadError> {
    if !bytes.starts_with(MAGIC) {
        return Err(LoadError::NotBytecode);
    }
    let Some(version) = bytes.get(MAGIC.len()..HEADER_LEN) else {
        return Err(LoadError::Damaged { reason: "the file ends inside its header".to_string() });
    };
    let version = u32::from_le_bytes([version[0], version[1], version[2], version[3]]);
    if version != FORMAT_VERSION {
        return Err(LoadError::Version { found: version });
    }
    let (program, rest) = postcard::take_from_bytes::<Program>(&bytes[HEADER_LEN..])
        .map_err(|error| LoadError::Damaged { reason: postcard_reason(error) })?;
    if !rest.is_empty() {
        return Err(LoadError::Damaged {
            reason: format!("{} unexpected bytes after the program", rest.len()),
        });
    }
    if program.version != version {
        return Err(LoadError::Damaged {
            reason: format!("the header says format {version} but the program says {}", program.version),
        });
    }
    let expected = layout_hash(shapes());
    if program.layout_hash != expected {
        return Err(LoadError::Schema { found: program.layout_hash, expected });
    }
    let info = verify(&program).map_err(LoadError::Invalid)?;
    Ok((program, info))
}

fn postcard_reason(error: postcard::Error) -> String {
    match error {
        postcard::Error::DeserializeUnexpectedEnd => "the file is cut short".to_string(),
        other => format!("it does not decode: {other}"),
    }
}

/// Why a bytecode file cannot be loaded.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum LoadError {
    /// The file does not start with [`MAGIC`].
    NotBytecode,
    /// Written by a Replica with another [`FORMAT_VERSION`].
    Version { found: u32 },
    /// Truncated or corrupted.
    Damaged { reason: String },
    /// Compiled against another schema (another slot layout).
    Schema { found: u64, expected: u64 },
    /// Decodes, but the verifier refuses it.
    Invalid(VerifyError),
}

impl fmt::Display for LoadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            LoadError::NotBytecode => write!(
                f,
                "not a Replica bytecode file (it does not start with `RPBC`): pass a file written by `replica compile`, or the rules file itself"
            ),
            LoadError::Version { found } => write!(
                f,
                "compiled by a different Replica (format {found}, this one reads {FORMAT_VERSION}): run `replica compile` again"
            ),
            LoadError::Damaged { reason } => write!(
                f,
                "the bytecode file is damaged ({reason}): run `replica compile` again"
            ),
            LoadError::Schema { found, expected } => write!(
                f,
                "compiled against a different schema (layout {found:016x}, this Replica has {expected:016x}): recompile with `replica compile`"
            ),
            LoadError::Invalid(error) => write!(
                f,
                "the bytecode does not verify ({error}): run `replica compile` again; if this persists, it is a bug in Replica's compiler, please report it"
            ),
        }
    }
}

// The verifier's error is part of the message, not a `source()`, so that error chains
// (`anyhow`'s `{:#}`) do not print it twice.
impl std::error::Error for LoadError {}
