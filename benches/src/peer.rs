//! Glue that makes the `httpsig` crate (0.0.26) sign and verify an
//! `http::Request` the way reqsig does, for a like-for-like comparison.
//!
//! `httpsig` builds signature bases from component values that its caller
//! extracts, and leaves Content-Digest to its `httpsig-hyper` companion.
//! This glue plays that companion's part, written for this benchmark:
//!
//! - Signing computes the SHA-256 Content-Digest of the body and adds the
//!   header. It builds the parameters (`created`, `expires`, `keyid` and
//!   `httpsig`'s own random nonce) and extracts the six component values
//!   from the request. Then it builds the base, signs, and adds
//!   `Signature-Input` and `Signature`.
//! - Verifying parses both headers with `httpsig`'s parser and applies the
//!   checks of reqsig's server policy: key id, `created` present and inside
//!   the maximum age, `nonce` present, the required components covered.
//!   Then it rebuilds the base from the request, verifies the signature
//!   (`httpsig` also checks `expires`), and checks the Content-Digest
//!   against the body.
//!
//! The component ids are parsed once, as reqsig's signer parses its list
//! once. Values are passed as `Vec<String>` because that is what
//! `httpsig`'s component builder takes.

use std::borrow::Cow;
use std::error::Error;

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use http::HeaderValue;
use httpsig::prelude::message_component::{
    DerivedComponentName, HttpMessageComponent, HttpMessageComponentId, HttpMessageComponentName,
};
use httpsig::prelude::{
    HttpSignatureBase, HttpSignatureHeaders, HttpSignatureParams, SigningKey, VerifyingKey,
};
use sha2::{Digest, Sha256};

use crate::{COMPONENTS, KEY_ID, LIFETIME};

/// The errors of the glue, boxed: they only occur when the setup is wrong.
pub type PeerError = Box<dyn Error + Send + Sync>;

/// The label both implementations use.
const LABEL: &str = "sig1";

/// The components reqsig's server policy requires of a request with a body.
const REQUIRED: [&str; 5] = ["@method", "@authority", "@path", "@query", "content-digest"];

/// The oldest `created` accepted, in seconds before now, as in reqsig's default policy.
const MAX_AGE: u64 = 300;

/// Signs requests with `httpsig` under the benchmark profile.
pub struct HttpsigSigner<K> {
    key: K,
    components: Vec<HttpMessageComponentId>,
    now: u64,
}

impl<K: SigningKey> HttpsigSigner<K> {
    /// Creates a signer that covers [`COMPONENTS`] and signs at the time `now`.
    ///
    /// # Errors
    /// When `httpsig` rejects a component name.
    pub fn new(key: K, now: u64) -> Result<Self, PeerError> {
        let components = COMPONENTS
            .iter()
            .map(|name| HttpMessageComponentId::try_from(*name))
            .collect::<Result<Vec<_>, _>>()?;
        Ok(HttpsigSigner { key, components, now })
    }

    /// Adds `Content-Digest`, `Signature-Input` and `Signature` to the request.
    ///
    /// # Errors
    /// When a covered component is missing or `httpsig` fails.
    pub fn sign_request(&self, request: &mut http::Request<Vec<u8>>) -> Result<(), PeerError> {
        let digest = Sha256::digest(request.body());
        let digest_field = format!("sha-256=:{}:", STANDARD.encode(digest));
        request
            .headers_mut()
            .insert("content-digest", HeaderValue::from_str(&digest_field)?);

        let mut params = HttpSignatureParams::try_new(&self.components)?;
        params
            .set_created(self.now)
            .set_expires(self.now + LIFETIME)
            .set_random_nonce()
            .set_keyid(KEY_ID);
        let lines = component_lines(request, &params.covered_components)?;
        let base = HttpSignatureBase::try_new(&lines, &params)?;
        let headers = base.build_signature_headers(&self.key, Some(LABEL))?;

        let fields = request.headers_mut();
        fields.append(
            "signature-input",
            HeaderValue::from_str(&headers.signature_input_header_value())?,
        );
        fields.append(
            "signature",
            HeaderValue::from_str(&headers.signature_header_value())?,
        );
        Ok(())
    }
}

/// Verifies requests with `httpsig` under the checks of reqsig's server policy.
pub struct HttpsigVerifier<K> {
    key: K,
    required: Vec<HttpMessageComponentId>,
    now: u64,
}

impl<K: VerifyingKey> HttpsigVerifier<K> {
    /// Creates a verifier with one key, under [`KEY_ID`], that checks times against `now`.
    ///
    /// # Errors
    /// When `httpsig` rejects a component name.
    pub fn new(key: K, now: u64) -> Result<Self, PeerError> {
        let required = REQUIRED
            .iter()
            .map(|name| HttpMessageComponentId::try_from(*name))
            .collect::<Result<Vec<_>, _>>()?;
        Ok(HttpsigVerifier { key, required, now })
    }

    /// Verifies the first signature of the request and its Content-Digest.
    ///
    /// # Errors
    /// When a header is missing or malformed, a check of the policy fails,
    /// the signature does not verify, or the digest does not match the body.
    pub fn verify_request(&self, request: &http::Request<Vec<u8>>) -> Result<(), PeerError> {
        let signature_input = joined(request, "signature-input")?;
        let signature = joined(request, "signature")?;
        let signatures = HttpSignatureHeaders::try_parse(&signature, &signature_input)?;
        let (_, headers) = signatures.first().ok_or("no signature")?;

        let params = headers.signature_params();
        if params.keyid.as_deref() != Some(KEY_ID) {
            return Err("unknown key id".into());
        }
        let created = params.created.ok_or("created is missing")?;
        if created + MAX_AGE < self.now {
            return Err("the signature is too old".into());
        }
        if params.nonce.is_none() {
            return Err("nonce is missing".into());
        }
        for required in &self.required {
            if !params.covered_components.contains(required) {
                return Err(format!("{required} is not covered").into());
            }
        }

        let lines = component_lines(request, &params.covered_components)?;
        let base = HttpSignatureBase::try_new(&lines, params)?;
        base.verify_signature_headers(&self.key, headers)?;
        verify_digest(request)
    }
}

/// Extracts the value of every covered component, in order.
fn component_lines(
    request: &http::Request<Vec<u8>>,
    components: &[HttpMessageComponentId],
) -> Result<Vec<HttpMessageComponent>, PeerError> {
    let mut lines = Vec::with_capacity(components.len());
    for id in components {
        let values = component_values(request, id)?;
        lines.push(HttpMessageComponent::try_from((id, values.as_slice()))?);
    }
    Ok(lines)
}

/// Extracts the values `httpsig` expects for one component of a request.
fn component_values(
    request: &http::Request<Vec<u8>>,
    id: &HttpMessageComponentId,
) -> Result<Vec<String>, PeerError> {
    let uri = request.uri();
    let value = match &id.name {
        HttpMessageComponentName::HttpField(name) => {
            let values = request
                .headers()
                .get_all(name.as_str())
                .iter()
                .map(|value| value.to_str().map(|text| text.trim().to_owned()))
                .collect::<Result<Vec<_>, _>>()?;
            if values.is_empty() {
                return Err(format!("the request has no {name} field").into());
            }
            return Ok(values);
        }
        HttpMessageComponentName::Derived(DerivedComponentName::Method) => request.method().to_string(),
        HttpMessageComponentName::Derived(DerivedComponentName::Authority) => {
            // The benchmark request carries its authority in the URI, on the
            // default port; a general glue would also read Host and drop the port.
            uri.authority().ok_or("the URI has no authority")?.to_string()
        }
        HttpMessageComponentName::Derived(DerivedComponentName::Path) => uri.path().to_owned(),
        HttpMessageComponentName::Derived(DerivedComponentName::Query) => {
            format!("?{}", uri.query().unwrap_or(""))
        }
        HttpMessageComponentName::Derived(DerivedComponentName::Scheme) => {
            uri.scheme_str().unwrap_or("https").to_owned()
        }
        HttpMessageComponentName::Derived(DerivedComponentName::TargetUri) => uri.to_string(),
        HttpMessageComponentName::Derived(DerivedComponentName::RequestTarget) => uri
            .path_and_query()
            .map_or_else(|| "/".to_owned(), |target| target.to_string()),
        HttpMessageComponentName::Derived(other) => {
            return Err(format!("the glue does not extract {other}").into());
        }
    };
    Ok(vec![value])
}

/// Returns the field's lines joined with `, `, borrowed when there is one line.
fn joined<'a>(request: &'a http::Request<Vec<u8>>, name: &str) -> Result<Cow<'a, str>, PeerError> {
    let mut lines = request.headers().get_all(name).iter();
    let first = lines
        .next()
        .ok_or_else(|| format!("the request has no {name} field"))?
        .to_str()?;
    let mut joined = Cow::Borrowed(first);
    for line in lines {
        let text = joined.to_mut();
        text.push_str(", ");
        text.push_str(line.to_str()?);
    }
    Ok(joined)
}

/// Checks every sha-256 member of Content-Digest against the body, as
/// `httpsig-hyper` does, parsing the field into `sfv`'s owned dictionary.
fn verify_digest(request: &http::Request<Vec<u8>>) -> Result<(), PeerError> {
    let field = joined(request, "content-digest")?;
    let dictionary: sfv::Dictionary = sfv::Parser::new(field.as_ref()).parse()?;
    let mut checked = false;
    for (name, member) in &dictionary {
        if name.as_str() != "sha-256" {
            continue;
        }
        let sfv::ListEntry::Item(item) = member else {
            return Err("a Content-Digest member is not a byte sequence".into());
        };
        let sfv::BareItem::ByteSequence(expected) = &item.bare_item else {
            return Err("a Content-Digest member is not a byte sequence".into());
        };
        if Sha256::digest(request.body()).as_slice() != expected.as_slice() {
            return Err("the Content-Digest does not match the body".into());
        }
        checked = true;
    }
    if checked {
        Ok(())
    } else {
        Err("Content-Digest has no sha-256 member".into())
    }
}
