//! Reading and writing the `Content-Digest` field value, a structured-field
//! dictionary of byte sequences (RFC 9530 section 2).

use std::collections::HashSet;
use std::convert::Infallible;

use sfv::visitor::{
    DictionaryVisitor, EntryVisitor, Ignored, InnerListVisitor, ItemVisitor, ParameterVisitor,
};
use sfv::{BareItemFromInput, DictSerializer, KeyRef, Parser, RefBareItem};

use super::algorithm::DigestAlgorithm;
use crate::Error;

/// A digest that the field carries for a supported algorithm.
#[derive(Clone, Debug)]
pub(crate) struct ExpectedDigest {
    pub(crate) algorithm: DigestAlgorithm,
    pub(crate) value: Vec<u8>,
}

/// Serializes one dictionary member, `name=:base64:`.
pub(crate) fn serialize_member(algorithm: DigestAlgorithm, digest: &[u8]) -> String {
    let mut serializer = DictSerializer::new();
    serializer.bare_item(key(algorithm), RefBareItem::ByteSequence(digest));
    serializer
        .finish()
        .expect("a dictionary with one member always serializes")
}

fn key(algorithm: DigestAlgorithm) -> &'static KeyRef {
    const SHA_256: &KeyRef = sfv::key_ref("sha-256");
    const SHA_512: &KeyRef = sfv::key_ref("sha-512");
    match algorithm {
        DigestAlgorithm::Sha256 => SHA_256,
        DigestAlgorithm::Sha512 => SHA_512,
    }
}

/// Parses a field value and returns the digests of the supported algorithms, in field order.
///
/// # Errors
/// - [`Error::MalformedDigest`] when the value is not a dictionary, is empty,
///   names an algorithm twice, or has a member that is not a byte sequence.
/// - [`Error::DigestUnsupported`] when no member is a supported algorithm.
pub(crate) fn parse_field(field_value: &[u8]) -> Result<Vec<ExpectedDigest>, Error> {
    let members = Parser::new(field_value)
        .parse_dictionary_with_visitor(MembersVisitor::default())
        .map_err(|error| {
            malformed(format!(
                "the value is not a structured-field dictionary ({error}); send members such as sha-256=:<base64>:"
            ))
        })?;
    if members.is_empty() {
        return Err(malformed(
            "the field value is empty; send at least one member such as sha-256=:<base64>:",
        ));
    }

    let mut seen = HashSet::new();
    let mut expected = Vec::new();
    let mut unsupported = Vec::new();
    for member in &members {
        if !seen.insert(member.key.as_str()) {
            return Err(malformed(format!(
                "member {} occurs more than once; send each algorithm once",
                member.key
            )));
        }
        let value = match &member.value {
            MemberValue::Bytes(bytes) => bytes,
            MemberValue::InnerList => {
                return Err(malformed(format!(
                    "member {} is an inner list; its value must be a byte sequence such as :<base64>:",
                    member.key
                )));
            }
            MemberValue::Other(kind) => {
                return Err(malformed(format!(
                    "member {} is {kind}; its value must be a byte sequence such as :<base64>:",
                    member.key
                )));
            }
        };
        match DigestAlgorithm::from_name(&member.key) {
            Some(algorithm) => expected.push(ExpectedDigest {
                algorithm,
                value: value.clone(),
            }),
            None => unsupported.push(member.key.as_str()),
        }
    }

    if expected.is_empty() {
        return Err(Error::DigestUnsupported {
            found: unsupported.join(", "),
        });
    }
    Ok(expected)
}

fn malformed(reason: impl Into<String>) -> Error {
    Error::MalformedDigest {
        reason: reason.into(),
    }
}

/// One dictionary member as written, before any check of its meaning.
#[derive(Debug)]
struct Member {
    key: String,
    value: MemberValue,
}

#[derive(Debug)]
enum MemberValue {
    Bytes(Vec<u8>),
    InnerList,
    /// Another bare item type, described for error messages.
    Other(&'static str),
}

/// Collects every member in order, keeping duplicate keys so they can be rejected.
#[derive(Debug, Default)]
struct MembersVisitor {
    members: Vec<Member>,
}

impl<'de> DictionaryVisitor<'de> for MembersVisitor {
    type Out = Vec<Member>;
    type Error = Infallible;

    fn entry(&mut self, key: &'de KeyRef) -> Result<impl EntryVisitor<'de>, Self::Error> {
        Ok(MemberVisitor {
            members: &mut self.members,
            key: key.as_str().to_owned(),
        })
    }

    fn finish(self) -> Result<Self::Out, Self::Error> {
        Ok(self.members)
    }
}

/// Records one member's value. Parameters are allowed and ignored.
struct MemberVisitor<'a> {
    members: &'a mut Vec<Member>,
    key: String,
}

impl MemberVisitor<'_> {
    fn record(self, value: MemberValue) {
        self.members.push(Member { key: self.key, value });
    }
}

impl<'de> EntryVisitor<'de> for MemberVisitor<'_> {
    type Error = Infallible;

    fn item(self) -> Result<impl ItemVisitor<'de>, Self::Error> {
        Ok(self)
    }

    fn inner_list(self) -> Result<impl InnerListVisitor<'de>, Self::Error> {
        self.record(MemberValue::InnerList);
        Ok(Ignored)
    }
}

impl<'de> ItemVisitor<'de> for MemberVisitor<'_> {
    type Out = ();
    type Error = Infallible;

    fn bare_item(
        self,
        bare_item: BareItemFromInput<'de>,
    ) -> Result<impl ParameterVisitor<'de, Out = ()>, Self::Error> {
        let value = match bare_item {
            BareItemFromInput::ByteSequence(bytes) => MemberValue::Bytes(bytes),
            BareItemFromInput::Integer(_) => MemberValue::Other("an integer"),
            BareItemFromInput::Decimal(_) => MemberValue::Other("a decimal"),
            BareItemFromInput::String(_) => MemberValue::Other("a string"),
            BareItemFromInput::Token(_) => MemberValue::Other("a token"),
            BareItemFromInput::Boolean(_) => MemberValue::Other("a boolean"),
            BareItemFromInput::Date(_) => MemberValue::Other("a date"),
            BareItemFromInput::DisplayString(_) => MemberValue::Other("a display string"),
        };
        self.record(value);
        Ok(Ignored)
    }
}
