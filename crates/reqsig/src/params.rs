//! Signature parameters (RFC 9421 section 2.3) and the `@signature-params` value.

use sfv::{BareItem, KeyRef, RefBareItem};

use crate::Error;
use crate::components::ComponentId;
use crate::components::identifier::check_unique;
use crate::signature_fields::{RawSignatureInput, parse_inner_list, parse_input_dictionary};

/// The covered components and parameters of one signature, in the signer's order.
///
/// Serialized, this is both the value of a `Signature-Input` member and the
/// last line of the signature base.
///
/// ```
/// use reqsig::SignatureParams;
/// use reqsig::components::{ComponentId, Derived};
///
/// let mut params = SignatureParams::new(vec![
///     ComponentId::derived(Derived::Method),
///     ComponentId::derived(Derived::Path),
/// ]);
/// params.set_created(1618884473).unwrap();
/// params.set_keyid("test-key-ed25519").unwrap();
/// assert_eq!(
///     params.serialize(),
///     r#"("@method" "@path");created=1618884473;keyid="test-key-ed25519""#
/// );
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct SignatureParams {
    components: Vec<ComponentId>,
    params: Vec<(ParamName, BareItem)>,
}

/// A parameter name: one that RFC 9421 defines, kept as its position in
/// [`KNOWN`] so that parsing allocates no name and lookups compare numbers,
/// or another key.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum ParamName {
    Known(usize),
    Other(String),
}

impl ParamName {
    /// Wraps `name`, which the caller has checked is a structured-field key.
    pub(crate) fn new(name: &str) -> ParamName {
        match KNOWN.iter().position(|known| *known == name) {
            Some(index) => ParamName::Known(index),
            None => ParamName::Other(name.to_owned()),
        }
    }

    pub(crate) fn as_str(&self) -> &str {
        match self {
            ParamName::Known(index) => KNOWN[*index],
            ParamName::Other(name) => name,
        }
    }
}

// Positions in `KNOWN`.
const CREATED: usize = 0;
const EXPIRES: usize = 1;
const NONCE: usize = 2;
const ALG: usize = 3;
const KEYID: usize = 4;
const TAG: usize = 5;

impl SignatureParams {
    /// Creates parameters that cover `components` and carry no parameter yet.
    pub fn new(components: Vec<ComponentId>) -> SignatureParams {
        SignatureParams {
            components,
            params: Vec::new(),
        }
    }

    /// Parses a `Signature-Input` value into its labelled members, in order.
    ///
    /// # Errors
    /// [`Error::MalformedSignatureInput`], [`Error::DuplicateLabel`], a
    /// component error or a parameter of the wrong type.
    ///
    /// ```
    /// use reqsig::SignatureParams;
    ///
    /// let members = SignatureParams::parse_signature_input(
    ///     br#"sig1=("@method" "@path");created=1618884473;keyid="k""#,
    /// ).unwrap();
    /// assert_eq!(members[0].0, "sig1");
    /// assert_eq!(members[0].1.keyid(), Some("k"));
    /// ```
    pub fn parse_signature_input(value: &[u8]) -> Result<Vec<(String, SignatureParams)>, Error> {
        let limits = crate::Limits::default();
        parse_input_dictionary(value, "Signature-Input", limits.max_signatures)?
            .into_iter()
            .map(|raw| {
                let label = raw.label.clone();
                Ok((label, SignatureParams::from_raw(raw, limits.max_components)?))
            })
            .collect()
    }

    /// Parses one `@signature-params` value, such as `("@method");created=1`.
    ///
    /// # Errors
    /// As [`SignatureParams::parse_signature_input`].
    pub fn parse(text: &str) -> Result<SignatureParams, Error> {
        let raw = parse_inner_list(text).map_err(|reason| Error::MalformedSignatureInput { reason })?;
        SignatureParams::from_raw(raw, crate::Limits::default().max_components)
    }

    /// Returns the covered components in order.
    pub fn components(&self) -> &[ComponentId] {
        &self.components
    }

    /// Returns every parameter in order, including unknown ones, as name and value.
    ///
    /// ```
    /// let params = reqsig::SignatureParams::parse(r#"("@method");created=1;x-app="a""#).unwrap();
    /// let names: Vec<&str> = params.parameters().map(|(name, _)| name).collect();
    /// assert_eq!(names, ["created", "x-app"]);
    /// ```
    pub fn parameters(&self) -> impl ExactSizeIterator<Item = (&str, &BareItem)> {
        self.params.iter().map(|(name, value)| (name.as_str(), value))
    }

    /// Returns the value of the parameter `name`.
    pub fn get(&self, name: &str) -> Option<&BareItem> {
        self.params
            .iter()
            .find(|(n, _)| n.as_str() == name)
            .map(|(_, v)| v)
    }

    /// Sets a parameter, keeping its position if it is already present.
    ///
    /// # Errors
    /// [`Error::InvalidParameter`] when `name` is not a valid structured-field key.
    pub fn set(&mut self, name: &str, value: BareItem) -> Result<(), Error> {
        KeyRef::from_str(name).map_err(|e| Error::invalid_parameter(name, e.to_string()))?;
        match self.params.iter_mut().find(|(n, _)| n.as_str() == name) {
            Some(slot) => slot.1 = value,
            None => self.params.push((ParamName::new(name), value)),
        }
        Ok(())
    }

    fn set_known(&mut self, name: &str, value: BareItem) {
        // Known parameter names are valid keys, so `set` cannot fail here.
        let _ = self.set(name, value);
    }

    /// Sets `created`, in seconds since the Unix epoch.
    ///
    /// # Errors
    /// [`Error::InvalidParameter`] when the value has more than 15 digits.
    pub fn set_created(&mut self, created: u64) -> Result<(), Error> {
        self.set_known("created", BareItem::Integer(integer("created", created)?));
        Ok(())
    }

    /// Sets `expires`, in seconds since the Unix epoch.
    ///
    /// # Errors
    /// [`Error::InvalidParameter`] when the value has more than 15 digits.
    pub fn set_expires(&mut self, expires: u64) -> Result<(), Error> {
        self.set_known("expires", BareItem::Integer(integer("expires", expires)?));
        Ok(())
    }

    /// Sets `keyid`.
    ///
    /// # Errors
    /// [`Error::InvalidParameter`] when the value has characters outside printable ASCII.
    pub fn set_keyid(&mut self, keyid: &str) -> Result<(), Error> {
        self.set_known("keyid", string_item("keyid", keyid)?);
        Ok(())
    }

    /// Sets `nonce`.
    ///
    /// # Errors
    /// [`Error::InvalidParameter`] when the value has characters outside printable ASCII.
    pub fn set_nonce(&mut self, nonce: &str) -> Result<(), Error> {
        self.set_known("nonce", string_item("nonce", nonce)?);
        Ok(())
    }

    /// Sets `alg`.
    ///
    /// # Errors
    /// [`Error::InvalidParameter`] when the value has characters outside printable ASCII.
    pub fn set_alg(&mut self, alg: &str) -> Result<(), Error> {
        self.set_known("alg", string_item("alg", alg)?);
        Ok(())
    }

    /// Sets `tag`.
    ///
    /// # Errors
    /// [`Error::InvalidParameter`] when the value has characters outside printable ASCII.
    pub fn set_tag(&mut self, tag: &str) -> Result<(), Error> {
        self.set_known("tag", string_item("tag", tag)?);
        Ok(())
    }

    /// Returns `created`.
    pub fn created(&self) -> Option<u64> {
        self.integer(CREATED)
    }

    /// Returns `expires`.
    pub fn expires(&self) -> Option<u64> {
        self.integer(EXPIRES)
    }

    /// Returns `keyid`.
    pub fn keyid(&self) -> Option<&str> {
        self.string(KEYID)
    }

    /// Returns `nonce`.
    pub fn nonce(&self) -> Option<&str> {
        self.string(NONCE)
    }

    /// Returns `alg`.
    pub fn alg(&self) -> Option<&str> {
        self.string(ALG)
    }

    /// Returns `tag`.
    pub fn tag(&self) -> Option<&str> {
        self.string(TAG)
    }

    /// Returns the names of parameters that RFC 9421 does not define.
    pub fn unknown_parameters(&self) -> impl Iterator<Item = &str> {
        self.params
            .iter()
            .filter(|(n, _)| matches!(n, ParamName::Other(_)))
            .map(|(n, _)| n.as_str())
    }

    /// Returns the value of the parameter at position `index` of [`KNOWN`].
    fn known(&self, index: usize) -> Option<&BareItem> {
        self.params
            .iter()
            .find(|(name, _)| *name == ParamName::Known(index))
            .map(|(_, value)| value)
    }

    fn integer(&self, index: usize) -> Option<u64> {
        self.known(index)
            .and_then(BareItem::as_integer)
            .and_then(|i| u64::try_from(i64::from(i)).ok())
    }

    fn string(&self, index: usize) -> Option<&str> {
        match self.known(index)? {
            BareItem::String(s) => Some(s.as_str()),
            _ => None,
        }
    }

    /// Serializes the inner list with its parameters: the `@signature-params` value.
    pub fn serialize(&self) -> String {
        let mut out = String::with_capacity(64 + 24 * self.components.len());
        self.write_to(&mut out);
        out
    }

    pub(crate) fn write_to(&self, out: &mut String) {
        out.push('(');
        for (i, component) in self.components.iter().enumerate() {
            if i > 0 {
                out.push(' ');
            }
            component.write_to(out);
        }
        out.push(')');
        for (name, value) in &self.params {
            write_parameter(out, name.as_str(), value);
        }
    }

    /// Validates a parsed `Signature-Input` member.
    pub(crate) fn from_raw(raw: RawSignatureInput, max_components: usize) -> Result<SignatureParams, Error> {
        if raw.components.count() > max_components {
            return Err(Error::LimitExceeded {
                kind: crate::LimitKind::Components,
                actual: raw.components.count(),
                max: max_components,
            });
        }
        let components = raw.components.into_result()?;
        check_unique(&components)?;
        let params = SignatureParams {
            components,
            params: raw.params,
        };
        params.check_types()?;
        Ok(params)
    }

    /// Validates the components of an `Accept-Signature` member, whose
    /// parameters may be bare flags (`created;nonce`) asking the signer to add them.
    pub(crate) fn from_raw_unchecked(
        raw: RawSignatureInput,
        max_components: usize,
    ) -> Result<SignatureParams, Error> {
        if raw.components.count() > max_components {
            return Err(Error::LimitExceeded {
                kind: crate::LimitKind::Components,
                actual: raw.components.count(),
                max: max_components,
            });
        }
        let components = raw.components.into_result()?;
        check_unique(&components)?;
        Ok(SignatureParams {
            components,
            params: raw.params,
        })
    }

    /// Checks the types of the parameters RFC 9421 section 2.3 defines.
    fn check_types(&self) -> Result<(), Error> {
        for (name, value) in &self.params {
            let name = name.as_str();
            match name {
                "created" | "expires" => match value.as_integer() {
                    Some(i) if i64::from(i) >= 0 => {}
                    Some(_) => return Err(Error::invalid_parameter(name, "must not be negative")),
                    None => {
                        return Err(Error::invalid_parameter(
                            name,
                            "must be an integer number of seconds since the Unix epoch",
                        ));
                    }
                },
                "nonce" | "alg" | "keyid" | "tag" if !matches!(value, BareItem::String(_)) => {
                    return Err(Error::invalid_parameter(name, "must be a quoted string"));
                }
                _ => {}
            }
        }
        Ok(())
    }
}

pub(crate) const KNOWN: [&str; 6] = ["created", "expires", "nonce", "alg", "keyid", "tag"];

pub(crate) fn write_parameter(out: &mut String, name: &str, value: &BareItem) {
    // Names were validated as keys and strings as sf-strings when they were
    // set or parsed, so the common types are written directly.
    match value {
        BareItem::Integer(integer) => {
            out.push(';');
            out.push_str(name);
            out.push('=');
            write_integer(out, i64::from(*integer));
            return;
        }
        BareItem::String(string) => {
            out.push(';');
            out.push_str(name);
            out.push('=');
            crate::components::identifier::write_sf_string(out, string.as_str());
            return;
        }
        BareItem::Boolean(true) => {
            out.push(';');
            out.push_str(name);
            return;
        }
        _ => {}
    }
    let Ok(key) = KeyRef::from_str(name) else {
        return;
    };
    let mut scratch = String::new();
    let _ = sfv::ItemSerializer::with_buffer(&mut scratch)
        .bare_item(sfv::integer(0))
        .parameter(key, RefBareItem::from(value))
        .finish();
    // The scratch buffer is "0;name=value"; only the parameter part is wanted.
    out.push_str(&scratch[1..]);
}

/// The two-digit decimal spellings of 0 to 99, in order.
const DIGIT_PAIRS: &[u8; 200] =
    b"0001020304050607080910111213141516171819202122232425262728293031323334353637383940414243444546474849\
    5051525354555657585960616263646566676869707172737475767778798081828384858687888990919293949596979899";

/// Appends an integer in decimal without going through `core::fmt`, two digits at a time.
pub(crate) fn write_integer(out: &mut String, value: i64) {
    let mut digits = [0u8; 20];
    let mut position = digits.len();
    let mut rest = value.unsigned_abs();
    while rest >= 100 {
        let pair = usize::try_from(rest % 100).unwrap_or_default() * 2;
        rest /= 100;
        position -= 2;
        digits[position..position + 2].copy_from_slice(&DIGIT_PAIRS[pair..pair + 2]);
    }
    let pair = usize::try_from(rest).unwrap_or_default() * 2;
    if rest >= 10 {
        position -= 2;
        digits[position..position + 2].copy_from_slice(&DIGIT_PAIRS[pair..pair + 2]);
    } else {
        position -= 1;
        digits[position] = DIGIT_PAIRS[pair + 1];
    }
    if value < 0 {
        out.push('-');
    }
    // The digits are ASCII, so the conversion cannot fail.
    out.push_str(std::str::from_utf8(&digits[position..]).unwrap_or_default());
}

fn string_item(name: &str, text: &str) -> Result<BareItem, Error> {
    sfv::String::from_string(text.to_owned())
        .map(BareItem::String)
        .map_err(|_| {
            Error::invalid_parameter(name, format!("{text:?} has characters outside printable ASCII"))
        })
}

pub(crate) fn integer(name: &str, value: u64) -> Result<sfv::Integer, Error> {
    // Structured-field integers hold at most 15 digits (RFC 9651 section 3.3.1).
    i64::try_from(value)
        .ok()
        .and_then(|v| sfv::Integer::try_from(v).ok())
        .ok_or_else(|| Error::invalid_parameter(name, format!("{value} has more than 15 digits")))
}

#[cfg(test)]
mod tests {
    use super::{ALG, CREATED, EXPIRES, KEYID, KNOWN, NONCE, SignatureParams, TAG, write_integer};

    #[test]
    fn known_positions_match_names() {
        assert_eq!(KNOWN[CREATED], "created");
        assert_eq!(KNOWN[EXPIRES], "expires");
        assert_eq!(KNOWN[NONCE], "nonce");
        assert_eq!(KNOWN[ALG], "alg");
        assert_eq!(KNOWN[KEYID], "keyid");
        assert_eq!(KNOWN[TAG], "tag");
    }

    #[test]
    fn parse_repeated_parameter_last_value_wins() {
        let params =
            SignatureParams::parse(r#"("@method");created=1;x-app="a";keyid="k";created=2;x-app="b""#)
                .unwrap();
        let names: Vec<&str> = params.parameters().map(|(name, _)| name).collect();
        assert_eq!(names, ["created", "x-app", "keyid"]);
        assert_eq!(params.created(), Some(2));
        assert_eq!(
            params
                .get("x-app")
                .and_then(|v| v.as_string())
                .map(|s| s.as_str()),
            Some("b")
        );
        assert_eq!(params.serialize(), r#"("@method");created=2;x-app="b";keyid="k""#);
    }

    #[test]
    fn write_integer_matches_display() {
        let mut values = vec![0, 1, 9, 10, 11, 99, 100, 101, 999, 1000, i64::MAX, i64::MIN];
        values.extend((0..60).map(|power| 7_i64.saturating_pow(power)));
        values.extend((0..19).map(|power| 10_i64.pow(power) - 1));
        for value in values {
            for value in [value, -value.saturating_abs()] {
                let mut out = String::new();
                write_integer(&mut out, value);
                assert_eq!(out, value.to_string());
            }
        }
    }
}
