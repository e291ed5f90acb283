//! Parsing of the `Signature-Input`, `Signature` and `Accept-Signature` dictionaries.
//!
//! RFC 8941 keeps only the last of two equal dictionary keys. For these fields
//! a repeated label would let a message carry a signature that some verifiers
//! see and others do not, so the visitors here reject it instead.

use std::fmt;

use sfv::{BareItem, BareItemFromInput, KeyRef, visitor};

use crate::Error;
use crate::components::identifier::{IdVisitor, ParsedIds};
use crate::params::ParamName;

/// One member of `Signature-Input` or `Accept-Signature`, before validation.
#[derive(Debug)]
pub(crate) struct RawSignatureInput {
    pub label: String,
    pub components: ParsedIds,
    pub params: Vec<(ParamName, BareItem)>,
    /// The `Signature` member with the same label, once [`attach_signatures`] found it.
    pub signature: Option<Vec<u8>>,
}

impl RawSignatureInput {
    fn new(label: String, components: ParsedIds, params: Vec<(ParamName, BareItem)>) -> RawSignatureInput {
        RawSignatureInput {
            label,
            components,
            params,
            signature: None,
        }
    }

    /// Returns the `tag` parameter when it is a string.
    pub fn tag(&self) -> Option<&str> {
        self.params.iter().find_map(|(name, value)| match value {
            BareItem::String(tag) if name.as_str() == "tag" => Some(tag.as_str()),
            _ => None,
        })
    }
}

/// Why a dictionary was rejected by a visitor.
#[derive(Debug)]
pub(crate) enum ShapeError {
    DuplicateLabel(String),
    NotInnerList(String),
    NotByteSequence(String),
    TooManyMembers(usize),
}

impl fmt::Display for ShapeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ShapeError::DuplicateLabel(label) => write!(f, "label {label:?} occurs more than once"),
            ShapeError::NotInnerList(label) => {
                write!(
                    f,
                    "member {label:?} must be an inner list of component identifiers"
                )
            }
            ShapeError::NotByteSequence(label) => {
                write!(f, "member {label:?} must be a byte sequence (:base64:)")
            }
            ShapeError::TooManyMembers(max) => write!(f, "more than {max} members"),
        }
    }
}

impl std::error::Error for ShapeError {}

/// Parses a dictionary of inner lists: `Signature-Input` or `Accept-Signature`.
pub(crate) fn parse_input_dictionary(
    value: &[u8],
    field: &'static str,
    max_members: usize,
) -> Result<Vec<RawSignatureInput>, Error> {
    let visitor = InputDictionary {
        members: Vec::with_capacity(1),
        max_members,
    };
    sfv::Parser::new(value)
        .parse_dictionary_with_visitor(visitor)
        .map_err(|e| shape_error(e, field, max_members, true))
}

/// Parses `Signature`, a dictionary of byte sequences, and gives each input
/// the member with its label. Members without an input are checked, then dropped.
pub(crate) fn attach_signatures(
    value: &[u8],
    inputs: &mut [RawSignatureInput],
    max_members: usize,
) -> Result<(), Error> {
    let visitor = SignatureDictionary {
        inputs,
        unmatched: Vec::new(),
        members: 0,
        max_members,
    };
    sfv::Parser::new(value)
        .parse_dictionary_with_visitor(visitor)
        .map_err(|e| shape_error(e, "Signature", max_members, false))
}

/// Parses one inner list with parameters, such as `("@method" "@path");created=1`.
pub(crate) fn parse_inner_list(text: &str) -> Result<RawSignatureInput, String> {
    let visitor = SingleInnerList { member: None };
    sfv::Parser::new(text)
        .parse_list_with_visitor(visitor)
        .map_err(|e| e.to_string())?
        .ok_or_else(|| "expected exactly one inner list, such as (\"@method\" \"@path\")".to_owned())
}

fn shape_error(error: sfv::Error, field: &'static str, max: usize, input: bool) -> Error {
    let reason = error.to_string();
    if let Some(label) = reason
        .strip_prefix("label \"")
        .and_then(|rest| rest.strip_suffix("\" occurs more than once"))
    {
        return Error::DuplicateLabel {
            label: label.to_owned(),
            field,
        };
    }
    if reason == format!("more than {max} members") {
        return Error::LimitExceeded {
            kind: crate::LimitKind::Signatures,
            actual: max + 1,
            max,
        };
    }
    let mut reason = reason;
    if reason.contains(" at index ") {
        reason.push_str(" (counted in bytes from the start of the field value)");
    }
    if input {
        Error::MalformedSignatureInput {
            reason: format!("{field}: {reason}"),
        }
    } else {
        if reason.contains("byte sequence") {
            reason.push_str(": each Signature member is base64 between colons, such as sig1=:dGVzdA==:");
        }
        Error::MalformedSignature { reason }
    }
}

struct InputDictionary {
    members: Vec<RawSignatureInput>,
    max_members: usize,
}

impl<'de> visitor::DictionaryVisitor<'de> for InputDictionary {
    type Out = Vec<RawSignatureInput>;
    type Error = ShapeError;

    fn entry(&mut self, key: &'de KeyRef) -> Result<impl visitor::EntryVisitor<'de>, Self::Error> {
        let label = key.as_str();
        if self.members.iter().any(|m| m.label == label) {
            return Err(ShapeError::DuplicateLabel(label.to_owned()));
        }
        if self.members.len() >= self.max_members {
            return Err(ShapeError::TooManyMembers(self.max_members));
        }
        // Room for a typical signature's components and parameters, so the
        // lists are allocated once.
        self.members.push(RawSignatureInput::new(
            label.to_owned(),
            ParsedIds::with_capacity(8),
            Vec::with_capacity(6),
        ));
        Ok(InputEntry(self.members.last_mut()))
    }

    fn finish(self) -> Result<Self::Out, Self::Error> {
        Ok(self.members)
    }
}

struct InputEntry<'a>(Option<&'a mut RawSignatureInput>);

impl<'de> visitor::EntryVisitor<'de> for InputEntry<'_> {
    type Error = ShapeError;

    fn item(self) -> Result<impl visitor::ItemVisitor<'de>, Self::Error> {
        let label = self.0.map(|m| m.label.clone()).unwrap_or_default();
        Err::<visitor::Ignored, _>(ShapeError::NotInnerList(label))
    }

    fn inner_list(self) -> Result<impl visitor::InnerListVisitor<'de>, Self::Error> {
        Ok(self.0.map(InnerListCollector))
    }
}

/// Collects the identifiers and parameters of one inner list.
struct InnerListCollector<'a>(&'a mut RawSignatureInput);

impl<'de> visitor::InnerListVisitor<'de> for InnerListCollector<'_> {
    type Error = std::convert::Infallible;

    fn item(&mut self) -> Result<impl visitor::ItemVisitor<'de>, Self::Error> {
        Ok(IdVisitor::new(&mut self.0.components))
    }

    fn finish(self) -> Result<impl visitor::ParameterVisitor<'de>, Self::Error> {
        Ok(ParamsCollector(&mut self.0.params))
    }
}

/// Collects parameters in order; a repeated key keeps its first position and its last value.
struct ParamsCollector<'a>(&'a mut Vec<(ParamName, BareItem)>);

impl<'de> visitor::ParameterVisitor<'de> for ParamsCollector<'_> {
    type Out = ();
    type Error = std::convert::Infallible;

    fn parameter(&mut self, key: &'de KeyRef, value: BareItemFromInput<'de>) -> Result<(), Self::Error> {
        // Known names become positions first, so the search for a repeated
        // key compares numbers rather than strings.
        let name = ParamName::new(key.as_str());
        match self.0.iter_mut().find(|(existing, _)| *existing == name) {
            Some(slot) => slot.1 = BareItem::from(value),
            None => self.0.push((name, BareItem::from(value))),
        }
        Ok(())
    }

    fn finish(self) -> Result<Self::Out, Self::Error> {
        Ok(())
    }
}

struct SingleInnerList {
    member: Option<Option<RawSignatureInput>>,
}

impl<'de> visitor::ListVisitor<'de> for SingleInnerList {
    type Out = Option<RawSignatureInput>;
    type Error = ShapeError;

    fn entry(&mut self) -> Result<impl visitor::EntryVisitor<'de>, Self::Error> {
        if self.member.is_some() {
            return Err(ShapeError::NotInnerList("(second list member)".to_owned()));
        }
        let slot = self.member.insert(Some(RawSignatureInput::new(
            String::new(),
            ParsedIds::default(),
            Vec::new(),
        )));
        Ok(InputEntry(slot.as_mut()))
    }

    fn finish(self) -> Result<Self::Out, Self::Error> {
        Ok(self.member.flatten())
    }
}

struct SignatureDictionary<'a, 'de> {
    inputs: &'a mut [RawSignatureInput],
    /// Labels with no input, kept only to reject a repeated one.
    unmatched: Vec<&'de str>,
    members: usize,
    max_members: usize,
}

impl<'de> visitor::DictionaryVisitor<'de> for SignatureDictionary<'_, 'de> {
    type Out = ();
    type Error = ShapeError;

    fn entry(&mut self, key: &'de KeyRef) -> Result<impl visitor::EntryVisitor<'de>, Self::Error> {
        let label = key.as_str();
        self.members += 1;
        if self.members > self.max_members {
            return Err(ShapeError::TooManyMembers(self.max_members));
        }
        let slot = match self.inputs.iter_mut().find(|input| input.label == label) {
            // An input's slot is filled by the first member with its label.
            Some(input) if input.signature.is_some() => None,
            Some(input) => Some(&mut input.signature),
            None if self.unmatched.contains(&label) => None,
            None => {
                self.unmatched.push(label);
                return Ok(SignatureEntry { label, slot: None });
            }
        };
        match slot {
            Some(slot) => Ok(SignatureEntry {
                label,
                slot: Some(slot),
            }),
            None => Err(ShapeError::DuplicateLabel(label.to_owned())),
        }
    }

    fn finish(self) -> Result<Self::Out, Self::Error> {
        Ok(())
    }
}

struct SignatureEntry<'a, 'de> {
    label: &'de str,
    slot: Option<&'a mut Option<Vec<u8>>>,
}

impl<'de> visitor::EntryVisitor<'de> for SignatureEntry<'_, 'de> {
    type Error = ShapeError;

    fn item(self) -> Result<impl visitor::ItemVisitor<'de>, Self::Error> {
        Ok(self)
    }

    fn inner_list(self) -> Result<impl visitor::InnerListVisitor<'de>, Self::Error> {
        Err::<visitor::Ignored, _>(ShapeError::NotByteSequence(self.label.to_owned()))
    }
}

impl<'de> visitor::ItemVisitor<'de> for SignatureEntry<'_, 'de> {
    type Out = ();
    type Error = ShapeError;

    fn bare_item(
        self,
        bare_item: BareItemFromInput<'de>,
    ) -> Result<impl visitor::ParameterVisitor<'de, Out = Self::Out>, Self::Error> {
        let BareItemFromInput::ByteSequence(bytes) = bare_item else {
            return Err(ShapeError::NotByteSequence(self.label.to_owned()));
        };
        if let Some(slot) = self.slot {
            *slot = Some(bytes);
        }
        Ok(visitor::Ignored)
    }
}
