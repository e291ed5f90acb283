//! Signature parameters (RFC 9421 section 2.3) and the `@signature-params` value.

use std::borrow::Cow;

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

/// A parameter name, borrowed when it is one RFC 9421 defines so that
/// parsing a common `Signature-Input` allocates no name.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct ParamName(Cow<'static, str>);

impl ParamName {
    /// Wraps `name`, which the caller has checked is a structured-field key.
    pub(crate) fn new(name: &str) -> ParamName {
        let known = match name {
            "created" => "created",
            "expires" => "expires",
            "nonce" => "nonce",
            "alg" => "alg",
            "keyid" => "keyid",
            "tag" => "tag",
            _ => return ParamName(Cow::Owned(name.to_owned())),
        };
        ParamName(Cow::Borrowed(known))
    }

    pub(crate) fn as_str(&self) -> &str {
        &self.0
    }
}

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
        self.integer("created")
    }

    /// Returns `expires`.
    pub fn expires(&self) -> Option<u64> {
        self.integer("expires")
    }

    /// Returns `keyid`.
    pub fn keyid(&self) -> Option<&str> {
        self.string("keyid")
    }

    /// Returns `nonce`.
    pub fn nonce(&self) -> Option<&str> {
        self.string("nonce")
    }

    /// Returns `alg`.
    pub fn alg(&self) -> Option<&str> {
        self.string("alg")
    }

    /// Returns `tag`.
    pub fn tag(&self) -> Option<&str> {
        self.string("tag")
    }

    /// Returns the names of parameters that RFC 9421 does not define.
    pub fn unknown_parameters(&self) -> impl Iterator<Item = &str> {
        self.params
            .iter()
            .filter(|(n, _)| matches!(n.0, Cow::Owned(_)))
            .map(|(n, _)| n.as_str())
    }

    fn integer(&self, name: &str) -> Option<u64> {
        self.get(name)
            .and_then(BareItem::as_integer)
            .and_then(|i| u64::try_from(i64::from(i)).ok())
    }

    fn string(&self, name: &str) -> Option<&str> {
        match self.get(name)? {
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

/// Appends an integer in decimal without going through `core::fmt`.
pub(crate) fn write_integer(out: &mut String, value: i64) {
    let mut digits = [0u8; 20];
    let mut position = digits.len();
    let mut rest = value.unsigned_abs();
    loop {
        position -= 1;
        digits[position] = b'0' + (rest % 10) as u8;
        rest /= 10;
        if rest == 0 {
            break;
        }
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
