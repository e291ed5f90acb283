//! The serialized signature parameters of a [`Signer`](crate::Signer),
//! prepared once when the signer is built.
//!
//! Most of `@signature-params` is the same on every signature of one signer:
//! the component list (when configured), `keyid`, `alg`, `tag` and extra
//! parameters. Only `created`, `expires` and a random `nonce` change. The
//! template keeps the fixed parts as text, so a signature writes its
//! parameters straight into the base, without building a
//! [`SignatureParams`](crate::SignatureParams) and serializing it twice.
//! The output is byte for byte what `SignatureParams::write_to` writes for
//! the parameters `Signer::prepare` sets.

use sfv::BareItem;

use crate::Error;
use crate::components::ComponentId;
use crate::components::identifier::write_sf_string;
use crate::nonce::{NONCE_LEN, random_nonce_ascii};
use crate::params::{KNOWN, integer, write_integer, write_parameter};

/// The fixed parts of a signer's `@signature-params`, in the order `Signer::prepare` sets them.
#[derive(Clone, Debug)]
pub(crate) struct ParamsTemplate {
    /// The serialized inner list of the configured components, or `None` for the defaults.
    components: Option<String>,
    created: bool,
    expires_in: Option<u64>,
    /// `;keyid="..."`.
    keyid: String,
    nonce: TemplateNonce,
    /// `;alg=...`, `;tag=...` and the extra parameters, serialized.
    rest: String,
}

#[derive(Clone, Debug)]
enum TemplateNonce {
    Random,
    /// `;nonce="..."`.
    Fixed(String),
    None,
}

/// The values a signer's parameters are built from.
pub(crate) struct TemplateInput<'a> {
    pub components: Option<&'a [ComponentId]>,
    pub created: bool,
    pub expires_in: Option<u64>,
    pub keyid: &'a str,
    pub nonce: Option<&'a str>,
    pub random_nonce: bool,
    pub alg: Option<&'a str>,
    pub tag: Option<&'a str>,
    pub extra: &'a [(String, BareItem)],
}

impl ParamsTemplate {
    /// Prepares the template. Returns `None` when an extra parameter repeats
    /// a name or takes the name of one the signer sets itself (`created`,
    /// `keyid` and so on), because its value would then replace an earlier
    /// one in place. Such signers take the general path.
    pub(crate) fn new(input: &TemplateInput<'_>) -> Option<ParamsTemplate> {
        for (i, (name, _)) in input.extra.iter().enumerate() {
            let repeated = input.extra[..i].iter().any(|(earlier, _)| earlier == name);
            if repeated || KNOWN.contains(&name.as_str()) {
                return None;
            }
        }
        let components = input.components.map(|components| {
            let mut text = String::with_capacity(2 + 24 * components.len());
            write_component_list(&mut text, components);
            text
        });
        let mut keyid = String::with_capacity(input.keyid.len() + 9);
        keyid.push_str(";keyid=");
        write_sf_string(&mut keyid, input.keyid);
        let nonce = match (input.random_nonce, input.nonce) {
            (true, _) => TemplateNonce::Random,
            (false, Some(value)) => {
                let mut text = String::with_capacity(value.len() + 9);
                text.push_str(";nonce=");
                write_sf_string(&mut text, value);
                TemplateNonce::Fixed(text)
            }
            (false, None) => TemplateNonce::None,
        };
        let mut rest = String::new();
        if let Some(alg) = input.alg {
            rest.push_str(";alg=");
            write_sf_string(&mut rest, alg);
        }
        if let Some(tag) = input.tag {
            rest.push_str(";tag=");
            write_sf_string(&mut rest, tag);
        }
        for (name, value) in input.extra {
            write_parameter(&mut rest, name, value);
        }
        Some(ParamsTemplate {
            components,
            created: input.created,
            expires_in: input.expires_in,
            keyid,
            nonce,
            rest,
        })
    }

    /// Draws the values that change with every signature made at `now`:
    /// `created`, `expires` and the random nonce, in the order
    /// `Signer::prepare` sets them.
    ///
    /// # Errors
    /// [`Error::InvalidParameter`] when `created` or `expires` has more than
    /// 15 digits, and [`Error::Key`] when the random source fails.
    pub(crate) fn values(&self, now: u64) -> Result<Values, Error> {
        let created = match self.created {
            true => Some(i64::from(integer("created", now)?)),
            false => None,
        };
        let expires = match self.expires_in {
            Some(seconds) => Some(i64::from(integer("expires", now.saturating_add(seconds))?)),
            None => None,
        };
        let nonce = match self.nonce {
            TemplateNonce::Random => Some(random_nonce_ascii()?),
            _ => None,
        };
        Ok(Values {
            created,
            expires,
            nonce,
        })
    }

    /// Appends the serialized parameters; `components` is the list the
    /// signature covers, read only when no list was configured.
    pub(crate) fn write(&self, out: &mut String, components: &[ComponentId], values: &Values) {
        match &self.components {
            Some(text) => out.push_str(text),
            None => write_component_list(out, components),
        }
        if let Some(created) = values.created {
            out.push_str(";created=");
            write_integer(out, created);
        }
        if let Some(expires) = values.expires {
            out.push_str(";expires=");
            write_integer(out, expires);
        }
        out.push_str(&self.keyid);
        match (&self.nonce, &values.nonce) {
            (TemplateNonce::Random, Some(nonce)) => {
                // A base64url nonce needs no escaping in an sf-string.
                out.push_str(";nonce=\"");
                out.push_str(
                    std::str::from_utf8(nonce).unwrap_or_else(|_| unreachable!("base64 output is ASCII")),
                );
                out.push('"');
            }
            (TemplateNonce::Fixed(text), _) => out.push_str(text),
            _ => {}
        }
        out.push_str(&self.rest);
    }
}

/// The parameter values of one signature, checked and drawn by [`ParamsTemplate::values`].
#[derive(Clone, Copy, Debug)]
pub(crate) struct Values {
    created: Option<i64>,
    expires: Option<i64>,
    nonce: Option<[u8; NONCE_LEN]>,
}

fn write_component_list(out: &mut String, components: &[ComponentId]) {
    out.push('(');
    for (i, component) in components.iter().enumerate() {
        if i > 0 {
            out.push(' ');
        }
        component.write_to(out);
    }
    out.push(')');
}
