//! Option handling shared by sign, verify and base.

use std::sync::Arc;

use reqsig::clock::{Clock, FixedClock, SystemClock};
use reqsig::components::{ComponentId, FieldTypes, StructuredType};
use reqsig::message::{Scheme, TargetContext};

use crate::cli::MessageOptions;
use crate::error::CliError;

/// The target context from `--scheme`.
pub fn context(options: &MessageOptions) -> TargetContext {
    let scheme = Scheme::parse(&options.scheme).unwrap_or_default();
    TargetContext::default().with_scheme(scheme)
}

/// The field types from `--field-type NAME=TYPE`.
pub fn field_types(options: &MessageOptions) -> Result<FieldTypes, CliError> {
    let mut types = FieldTypes::default();
    for declaration in &options.field_types {
        let (name, kind) = declaration.split_once('=').ok_or_else(|| {
            CliError::input(format!(
                "--field-type {declaration:?}: expected NAME=dictionary|list|item"
            ))
        })?;
        let kind = StructuredType::parse(kind.trim()).ok_or_else(|| {
            CliError::input(format!(
                "--field-type {declaration:?}: the type must be dictionary, list or item"
            ))
        })?;
        types.insert(name.trim(), kind);
    }
    Ok(types)
}

/// Parses `--components` (or `--require`) in the inner-list form.
pub fn components(text: &str, option: &str) -> Result<Vec<ComponentId>, CliError> {
    if text.trim().is_empty() || text.trim() == "()" {
        return Ok(Vec::new());
    }
    ComponentId::parse_list(text).map_err(|e| match e {
        // A component listed twice is a reason no base can be built, not a syntax error.
        reqsig::Error::DuplicateComponent { .. } => CliError::check(format!("{option}: {e} ({})", e.code())),
        _ => CliError::input(format!("{option}: {e}")),
    })
}

/// The time for `created`: a number of seconds, `now`, or `None` for `none`.
pub fn created(text: &str) -> Result<Option<u64>, CliError> {
    match text {
        "now" => Ok(Some(SystemClock.now())),
        "none" => Ok(None),
        number => number.parse().map(Some).map_err(|_| {
            CliError::input(format!(
                "--created {number:?}: expected seconds since the Unix epoch, now or none"
            ))
        }),
    }
}

/// A clock fixed at `now`, or the system clock.
pub fn clock(now: Option<u64>) -> Arc<dyn Clock> {
    match now {
        Some(now) => Arc::new(FixedClock(now)),
        None => Arc::new(SystemClock),
    }
}
