//! Reading and writing the `Content-Digest` field value, a structured-field
//! dictionary of byte sequences (RFC 9530 section 2).

use std::collections::HashSet;
use std::convert::Infallible;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use sfv::visitor::{
    DictionaryVisitor, EntryVisitor, Ignored, InnerListVisitor, ItemVisitor, ParameterVisitor,
};
use sfv::{BareItemFromInput, KeyRef, Parser};

use super::algorithm::DigestAlgorithm;
use crate::Error;

/// A digest that the field carries for a supported algorithm.
#[derive(Clone, Debug)]
pub(crate) struct ExpectedDigest {
    pub(crate) algorithm: DigestAlgorithm,
    pub(crate) value: Vec<u8>,
}

/// Serializes one dictionary member, `name=:base64:`.
///
/// This is what `sfv`'s dictionary serializer writes for the member: the
/// algorithm names are valid keys, and a byte sequence is standard base64
/// with padding between colons. It is written directly to save the
/// serializer's checks on every signature.
pub(crate) fn serialize_member(algorithm: DigestAlgorithm, digest: &[u8]) -> String {
    let name = key(algorithm).as_str();
    let mut member = String::with_capacity(name.len() + 3 + digest.len().div_ceil(3) * 4);
    member.push_str(name);
    member.push_str("=:");
    STANDARD.encode_string(digest, &mut member);
    member.push(':');
    member
}

/// The start of a field that contains one sha-256 member.
const SHA256_PREFIX: &[u8] = b"sha-256=:";

/// Returns the 44 characters between `sha-256=:` and the final `:` of a
/// field value of that shape, the shape of one sha-256 member, or `None`.
pub(crate) fn canonical_sha256(field_value: &[u8]) -> Option<&[u8]> {
    field_value
        .strip_prefix(SHA256_PREFIX)?
        .strip_suffix(b":")
        .filter(|encoded| encoded.len() == 44)
}

/// Reports whether `encoded` is the canonical base64 of `digest`, a SHA-256 digest.
pub(crate) fn encodes(encoded: &[u8], digest: &[u8]) -> bool {
    let mut expected = [0u8; 44];
    STANDARD.encode_slice(digest, &mut expected).ok() == Some(44) && expected.as_slice() == encoded
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

    // A set finds repeated names in long fields; the usual one or two
    // members are compared directly.
    let mut seen = (members.len() > SCAN_LIMIT).then(HashSet::new);
    for (i, member) in members.iter().enumerate() {
        let repeated = match &mut seen {
            Some(seen) => !seen.insert(member.key),
            None => members[..i].iter().any(|earlier| earlier.key == member.key),
        };
        if repeated {
            return Err(malformed(format!(
                "member {} occurs more than once; send each algorithm once",
                member.key
            )));
        }
        match &member.value {
            MemberValue::Bytes(_) => {}
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
        }
    }

    // Every member is a byte sequence with its own name; take the supported ones.
    let mut expected = Vec::with_capacity(1);
    let mut unsupported = Vec::new();
    for member in members {
        let MemberValue::Bytes(value) = member.value else {
            continue;
        };
        match DigestAlgorithm::from_name(member.key) {
            Some(algorithm) => expected.push(ExpectedDigest { algorithm, value }),
            None => unsupported.push(member.key),
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

/// Fields with more members than this are checked for repeated names with a set.
const SCAN_LIMIT: usize = 8;

/// One dictionary member as written, before any check of its meaning.
#[derive(Debug)]
struct Member<'de> {
    key: &'de str,
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
struct MembersVisitor<'de> {
    members: Vec<Member<'de>>,
}

impl<'de> DictionaryVisitor<'de> for MembersVisitor<'de> {
    type Out = Vec<Member<'de>>;
    type Error = Infallible;

    fn entry(&mut self, key: &'de KeyRef) -> Result<impl EntryVisitor<'de>, Self::Error> {
        Ok(MemberVisitor {
            members: &mut self.members,
            key: key.as_str(),
        })
    }

    fn finish(self) -> Result<Self::Out, Self::Error> {
        Ok(self.members)
    }
}

/// Records one member's value. Parameters are allowed and ignored.
struct MemberVisitor<'a, 'de> {
    members: &'a mut Vec<Member<'de>>,
    key: &'de str,
}

impl MemberVisitor<'_, '_> {
    fn record(self, value: MemberValue) {
        self.members.push(Member { key: self.key, value });
    }
}

impl<'de> EntryVisitor<'de> for MemberVisitor<'_, 'de> {
    type Error = Infallible;

    fn item(self) -> Result<impl ItemVisitor<'de>, Self::Error> {
        Ok(self)
    }

    fn inner_list(self) -> Result<impl InnerListVisitor<'de>, Self::Error> {
        self.record(MemberValue::InnerList);
        Ok(Ignored)
    }
}

impl<'de> ItemVisitor<'de> for MemberVisitor<'_, 'de> {
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

#[cfg(test)]
mod tests {
    use sfv::{DictSerializer, RefBareItem};

    use super::{DigestAlgorithm, key, serialize_member};

    #[test]
    fn member_matches_sfv_serializer() {
        for algorithm in DigestAlgorithm::ALL {
            for fill in [0x00, 0x3e, 0xff] {
                let digest = vec![fill; algorithm.output_len()];
                let mut serializer = DictSerializer::new();
                serializer.bare_item(key(algorithm), RefBareItem::ByteSequence(&digest));
                let expected = serializer.finish().unwrap();
                assert_eq!(serialize_member(algorithm, &digest), expected);
            }
        }
    }
}
