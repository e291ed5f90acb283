//! Covered components (RFC 9421 section 2): their identifiers and values.

mod derived;
mod field;
pub(crate) mod identifier;
mod query;
mod structured;
mod value;

pub use derived::Derived;
pub use identifier::ComponentId;
pub use structured::{FieldTypes, StructuredType};
pub(crate) use value::{ComponentSource, component_value};
