//! Which fields are structured, and of which type, for the `sf` and `key` parameters.

use std::collections::HashMap;

/// The top-level type of a structured field (RFC 9651 section 3).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum StructuredType {
    /// An Item.
    Item,
    /// A List.
    List,
    /// A Dictionary.
    Dictionary,
}

impl StructuredType {
    /// Parses `item`, `list` or `dictionary`.
    pub fn parse(text: &str) -> Option<StructuredType> {
        match text {
            "item" => Some(StructuredType::Item),
            "list" => Some(StructuredType::List),
            "dictionary" => Some(StructuredType::Dictionary),
            _ => None,
        }
    }
}

/// Fields registered with a structured type in the IANA HTTP Field Name
/// Registry (as of 2026), by lowercase name.
const REGISTERED: &[(&str, StructuredType)] = &[
    ("accept-ch", StructuredType::List),
    ("accept-signature", StructuredType::Dictionary),
    ("available-dictionary", StructuredType::Item),
    ("cache-status", StructuredType::List),
    ("capsule-protocol", StructuredType::Item),
    ("cdn-cache-control", StructuredType::Dictionary),
    ("client-cert", StructuredType::Item),
    ("client-cert-chain", StructuredType::List),
    ("content-digest", StructuredType::Dictionary),
    ("cross-origin-embedder-policy", StructuredType::Item),
    ("cross-origin-embedder-policy-report-only", StructuredType::Item),
    ("cross-origin-opener-policy", StructuredType::Item),
    ("cross-origin-opener-policy-report-only", StructuredType::Item),
    ("dictionary-id", StructuredType::Item),
    ("origin-agent-cluster", StructuredType::Item),
    ("priority", StructuredType::Dictionary),
    ("proxy-status", StructuredType::List),
    ("repr-digest", StructuredType::Dictionary),
    ("signature", StructuredType::Dictionary),
    ("signature-input", StructuredType::Dictionary),
    ("use-as-dictionary", StructuredType::Dictionary),
    ("want-content-digest", StructuredType::Dictionary),
    ("want-repr-digest", StructuredType::Dictionary),
];

/// The table of structured fields that `sf` and `key` consult.
///
/// It starts with the registered structured fields; callers add their own.
///
/// ```
/// use reqsig::components::{FieldTypes, StructuredType};
///
/// let mut types = FieldTypes::default();
/// types.insert("Example-Dict", StructuredType::Dictionary);
/// assert_eq!(types.get("example-dict"), Some(StructuredType::Dictionary));
/// assert_eq!(types.get("content-digest"), Some(StructuredType::Dictionary));
/// assert_eq!(types.get("date"), None);
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FieldTypes {
    extra: HashMap<String, StructuredType>,
}

impl FieldTypes {
    /// Declares the structured type of a field; the name is matched without regard to case.
    pub fn insert(&mut self, name: &str, kind: StructuredType) {
        self.extra.insert(name.to_ascii_lowercase(), kind);
    }

    /// Returns the structured type of a field, when it is known; `name` must be lowercase.
    pub fn get(&self, name: &str) -> Option<StructuredType> {
        if let Some(kind) = self.extra.get(name) {
            return Some(*kind);
        }
        REGISTERED
            .binary_search_by(|(field, _)| (*field).cmp(name))
            .ok()
            .map(|i| REGISTERED[i].1)
    }
}

#[cfg(test)]
mod tests {
    use super::REGISTERED;

    #[test]
    fn registered_table_sorted() {
        assert!(REGISTERED.windows(2).all(|w| w[0].0 < w[1].0));
    }
}
