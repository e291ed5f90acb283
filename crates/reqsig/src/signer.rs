//! Signing requests and responses.

use std::sync::Arc;
use std::time::Duration;

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use sfv::BareItem;

use crate::base::{SIGNATURE_PARAMS_LINE, base_capacity, check_component_count, write_component_lines};
use crate::clock::{Clock, SystemClock};
use crate::components::{ComponentId, Derived, FieldTypes};
use crate::digest::{DigestAlgorithm, content_digest, verify_content_digest};
use crate::keys::{MessageSigner, SigningKey};
use crate::message::names::{CONTENT_DIGEST, SIGNATURE, SIGNATURE_INPUT};
use crate::message::view::{Fields, declares_body};
use crate::message::{BodyBytes, Message, MessageView, TargetContext, ToMessageView};
use crate::nonce::random_nonce;
use crate::signature_fields::parse_input_dictionary;
use crate::template::{ParamsTemplate, TemplateInput};
use crate::{Algorithm, Error, Limits, SignatureParams, signature_base};

/// The source of the `nonce` parameter a signer sets.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub enum Nonce {
    /// 128 random bits, base64url-encoded, new for every signature (the default).
    #[default]
    Random,
    /// This exact value on every signature; for tests and reproducing vectors.
    Fixed(String),
    /// No `nonce` parameter. A verifier that requires nonces rejects such signatures.
    None,
}

/// Signs HTTP messages with one key under one profile.
///
/// Build one with [`Signer::builder`]. A signer is cheap to share: it keeps
/// the key behind an `Arc` and never mutates.
///
/// ```
/// use reqsig::{Algorithm, Signer, SigningKey};
///
/// let key = SigningKey::generate(Algorithm::Ed25519).unwrap();
/// let signer = Signer::builder(key).build().unwrap();
///
/// let mut request = http::Request::post("https://api.example.com/items?id=7")
///     .header("content-type", "application/json")
///     .body(br#"{"n":1}"#.to_vec())
///     .unwrap();
/// signer.sign_request(&mut request).unwrap();
///
/// assert!(request.headers().contains_key("content-digest"));
/// let input = request.headers()["signature-input"].to_str().unwrap();
/// assert!(input.starts_with(
///     r#"sig1=("@method" "@authority" "@path" "@query" "content-digest" "content-type");created="#
/// ));
/// ```
#[derive(Clone)]
pub struct Signer {
    key: Arc<dyn MessageSigner>,
    key_id: String,
    label: String,
    components: Option<Vec<ComponentId>>,
    created: bool,
    expires_in: Option<u64>,
    nonce: Nonce,
    tag: Option<String>,
    alg_parameter: bool,
    digest: DigestAlgorithm,
    add_digest: bool,
    extra: Vec<(String, BareItem)>,
    clock: Arc<dyn Clock>,
    field_types: FieldTypes,
    limits: Limits,
    context: TargetContext,
    /// The serialized parameters, prepared by `build`; `None` takes the general path.
    template: Option<ParamsTemplate>,
}

/// The configuration of a [`Signer`], in the order a caller usually decides it.
///
/// Only the key is required. Defaults: key id = the key's RFC 7638 thumbprint
/// (HMAC keys need an explicit id), label `sig1`, the default components of
/// [`Signer::default_components`], `created` now, no `expires`, a random
/// `nonce`, no `tag`, no `alg` parameter, Content-Digest with `sha-256`.
#[must_use]
pub struct SignerBuilder {
    signer: Signer,
    key_id: Option<String>,
}

/// The headers a signature adds to a message.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SignatureHeaders {
    /// The label of the new signature.
    pub label: String,
    /// The `Signature-Input` member, such as `sig1=("@method");created=1`.
    pub signature_input: String,
    /// The `Signature` member, such as `sig1=:base64:`.
    pub signature: String,
    /// The `Content-Digest` value, when the signer computed one.
    pub content_digest: Option<String>,
    /// The signature base that was signed.
    pub base: String,
}

/// A signature base ready for an external signer, such as a KMS or an HSM.
#[derive(Clone, Debug)]
pub struct PreparedSignature {
    label: String,
    params: SignatureParams,
    base: String,
}

impl PreparedSignature {
    /// Returns the bytes to sign.
    pub fn base(&self) -> &str {
        &self.base
    }

    /// Returns the covered components and parameters.
    pub fn params(&self) -> &SignatureParams {
        &self.params
    }

    /// Builds the headers from the raw signature bytes.
    pub fn finish(self, signature: &[u8]) -> SignatureHeaders {
        let mut signature_input = String::with_capacity(self.label.len() + 128);
        signature_input.push_str(&self.label);
        signature_input.push('=');
        self.params.write_to(&mut signature_input);
        let mut signature_field = String::with_capacity(self.label.len() + 4 + signature.len() * 4 / 3);
        signature_field.push_str(&self.label);
        signature_field.push_str("=:");
        STANDARD.encode_string(signature, &mut signature_field);
        signature_field.push(':');
        SignatureHeaders {
            label: self.label,
            signature_input,
            signature: signature_field,
            content_digest: None,
            base: self.base,
        }
    }
}

impl Signer {
    /// Starts a signer for an in-memory key.
    pub fn builder(key: SigningKey) -> SignerBuilder {
        let key_id = key.thumbprint();
        let mut builder = Signer::builder_with(Arc::new(key));
        builder.key_id = key_id;
        builder
    }

    /// Starts a signer for a key held elsewhere. Such signers need [`SignerBuilder::key_id`].
    pub fn builder_with(key: Arc<dyn MessageSigner>) -> SignerBuilder {
        SignerBuilder {
            signer: Signer {
                key,
                key_id: String::new(),
                label: "sig1".to_owned(),
                components: None,
                created: true,
                expires_in: None,
                nonce: Nonce::Random,
                tag: None,
                alg_parameter: false,
                digest: DigestAlgorithm::Sha256,
                add_digest: true,
                extra: Vec::new(),
                clock: Arc::new(SystemClock),
                field_types: FieldTypes::default(),
                limits: Limits::default(),
                context: TargetContext::default(),
                template: None,
            },
            key_id: None,
        }
    }

    /// Returns the key id that signatures carry.
    pub fn key_id(&self) -> &str {
        &self.key_id
    }

    /// Returns the algorithm of the signing key.
    pub fn algorithm(&self) -> Algorithm {
        self.key.algorithm()
    }

    /// Returns the components a message gets when none were configured.
    ///
    /// Requests: `@method`, `@authority`, `@path`, `@query`, and with a body
    /// `content-digest` and (when present) `content-type`. Responses:
    /// `@status`, and with a body `content-digest` and `content-type`.
    pub fn default_components(message: &MessageView<'_>) -> Vec<ComponentId> {
        let mut components = if message.is_request() {
            vec![
                ComponentId::derived(Derived::Method),
                ComponentId::derived(Derived::Authority),
                ComponentId::derived(Derived::Path),
                ComponentId::derived(Derived::Query),
            ]
        } else {
            vec![ComponentId::derived(Derived::Status)]
        };
        if message.has_body() {
            components.extend(ComponentId::field("content-digest"));
            if message.header_values("content-type").next().is_some() {
                components.extend(ComponentId::field("content-type"));
            }
        }
        components
    }

    /// Signs an `http::Request` in place: adds `Content-Digest` when covered,
    /// then `Signature-Input` and `Signature`.
    ///
    /// # Errors
    /// Any [`Error`] from building the base, a Content-Digest already present
    /// that does not match the body, a label already used, or the key.
    pub fn sign_request<B: BodyBytes>(
        &self,
        request: &mut http::Request<B>,
    ) -> Result<SignatureHeaders, Error> {
        // Reads the fields and body directly, so the view is built only once,
        // after the Content-Digest is added.
        let body = request.body().body_bytes();
        let fields = Fields::Map(request.headers());
        let has_body = || declares_body(fields) || !body.is_empty();
        let digest = self.missing_digest_of(fields, Some(body), has_body)?;
        if let Some(value) = &digest {
            request
                .headers_mut()
                .insert(CONTENT_DIGEST.clone(), header_value(value)?);
        }
        let mut headers = self.headers_for(&request.to_view(&self.context)?, None)?;
        append_http(request.headers_mut(), &headers)?;
        headers.content_digest = digest;
        Ok(headers)
    }

    /// Signs an `http::Response` in place; pass the request it responds to when
    /// the components cover any with `req`.
    ///
    /// # Errors
    /// As [`Signer::sign_request`].
    pub fn sign_response<B: BodyBytes>(
        &self,
        response: &mut http::Response<B>,
        request: Option<&MessageView<'_>>,
    ) -> Result<SignatureHeaders, Error> {
        let digest = self.missing_digest(&response.to_view(&self.context)?)?;
        if let Some(value) = &digest {
            response
                .headers_mut()
                .insert(CONTENT_DIGEST.clone(), header_value(value)?);
        }
        let mut headers = self.headers_for(&response.to_view(&self.context)?, request)?;
        append_http(response.headers_mut(), &headers)?;
        headers.content_digest = digest;
        Ok(headers)
    }

    /// Signs a [`Message`] in place, request or response.
    ///
    /// # Errors
    /// As [`Signer::sign_request`].
    pub fn sign_message(
        &self,
        message: &mut Message,
        request: Option<&MessageView<'_>>,
    ) -> Result<SignatureHeaders, Error> {
        let digest = self.missing_digest(&message.to_view(&self.context)?)?;
        if let Some(value) = &digest {
            message.set_header("Content-Digest", value.as_bytes());
        }
        let mut headers = self.headers_for(&message.to_view(&self.context)?, request)?;
        message.headers.push((
            "Signature-Input".to_owned(),
            headers.signature_input.clone().into_bytes(),
        ));
        message
            .headers
            .push(("Signature".to_owned(), headers.signature.clone().into_bytes()));
        headers.content_digest = digest;
        Ok(headers)
    }

    /// Builds and signs the base without changing the message. A covered
    /// `content-digest` must already be in the message.
    ///
    /// # Errors
    /// As [`Signer::sign_request`].
    pub fn headers_for(
        &self,
        message: &MessageView<'_>,
        request: Option<&MessageView<'_>>,
    ) -> Result<SignatureHeaders, Error> {
        let Some(template) = &self.template else {
            let prepared = self.prepare(message, request)?;
            let signature = self.key.sign(prepared.base.as_bytes())?;
            return Ok(prepared.finish(&signature));
        };

        // The same checks and bytes as `prepare`, without building
        // `SignatureParams`: the parameters are written from the template.
        self.check_label_unused(message)?;
        let defaults;
        let components = match &self.components {
            Some(components) => components.as_slice(),
            None => {
                defaults = Signer::default_components(message);
                defaults.as_slice()
            }
        };
        let values = template.values(self.clock.now())?;

        // Configured lists were checked for duplicates by `build`, and the
        // default lists have none.
        check_component_count(components, &self.limits)?;
        let mut base = String::with_capacity(base_capacity(components.len()));
        write_component_lines(
            message,
            request,
            components,
            &self.field_types,
            &self.limits,
            &mut base,
        )?;
        base.push_str(SIGNATURE_PARAMS_LINE);
        let params_start = base.len();
        template.write(&mut base, components, &values);

        let signature = self.key.sign(base.as_bytes())?;
        let (signature_input, signature) = signature_fields(&self.label, &base[params_start..], &signature);
        Ok(SignatureHeaders {
            label: self.label.clone(),
            signature_input,
            signature,
            content_digest: None,
            base,
        })
    }

    /// Builds the signature base and parameters, for signing with an external
    /// or asynchronous key; finish with [`PreparedSignature::finish`].
    ///
    /// # Errors
    /// As [`Signer::sign_request`].
    pub fn prepare(
        &self,
        message: &MessageView<'_>,
        request: Option<&MessageView<'_>>,
    ) -> Result<PreparedSignature, Error> {
        self.check_label_unused(message)?;
        let components = match &self.components {
            Some(components) => components.clone(),
            None => Signer::default_components(message),
        };
        let mut params = SignatureParams::new(components);
        let now = self.clock.now();
        if self.created {
            params.set_created(now)?;
        }
        if let Some(seconds) = self.expires_in {
            params.set_expires(now.saturating_add(seconds))?;
        }
        params.set_keyid(&self.key_id)?;
        match &self.nonce {
            Nonce::Random => params.set_nonce(&random_nonce()?)?,
            Nonce::Fixed(value) => params.set_nonce(value)?,
            Nonce::None => {}
        }
        if self.alg_parameter {
            params.set_alg(self.key.algorithm().name())?;
        }
        if let Some(tag) = &self.tag {
            params.set_tag(tag)?;
        }
        for (name, value) in &self.extra {
            params.set(name, value.clone())?;
        }
        let base = signature_base(message, request, &params, &self.field_types, &self.limits)?;
        Ok(PreparedSignature {
            label: self.label.clone(),
            params,
            base,
        })
    }

    /// Returns the Content-Digest to add, or `None` when it is not covered or
    /// already present and correct.
    fn missing_digest(&self, message: &MessageView<'_>) -> Result<Option<String>, Error> {
        self.missing_digest_of(message.headers, message.body(), || message.has_body())
    }

    /// [`Signer::missing_digest`] for a message given by its fields and body;
    /// `has_body` is called only when the default components apply.
    fn missing_digest_of(
        &self,
        fields: Fields<'_>,
        body: Option<&[u8]>,
        has_body: impl FnOnce() -> bool,
    ) -> Result<Option<String>, Error> {
        let covers_digest = match &self.components {
            Some(components) => components
                .iter()
                .any(|c| c.name() == "content-digest" && !c.req() && !c.tr()),
            None => has_body(),
        };
        if !covers_digest {
            return Ok(None);
        }
        let body = body.unwrap_or_default();
        let mut existing = fields.values("content-digest").peekable();
        if existing.peek().is_some() {
            let joined = existing.collect::<Vec<_>>().join(&b", "[..]);
            verify_content_digest(&joined, body)?;
            return Ok(None);
        }
        if !self.add_digest {
            return Ok(None);
        }
        Ok(Some(content_digest(body, self.digest)))
    }

    fn check_label_unused(&self, message: &MessageView<'_>) -> Result<(), Error> {
        let existing = message.header_values("signature-input").collect::<Vec<_>>();
        if existing.is_empty() {
            return Ok(());
        }
        let joined = existing.join(&b", "[..]);
        let members = parse_input_dictionary(&joined, "Signature-Input", usize::MAX)?;
        if members.iter().any(|m| m.label == self.label) {
            return Err(Error::invalid_parameter(
                "label",
                format!(
                    "the message already carries a signature labelled {:?}; choose another label",
                    self.label
                ),
            ));
        }
        Ok(())
    }
}

impl SignerBuilder {
    /// Sets the key id carried in `keyid`.
    pub fn key_id(mut self, key_id: impl Into<String>) -> Self {
        self.key_id = Some(key_id.into());
        self
    }

    /// Sets the signature label (default `sig1`).
    pub fn label(mut self, label: impl Into<String>) -> Self {
        self.signer.label = label.into();
        self
    }

    /// Sets the covered components, replacing the defaults.
    pub fn components(mut self, components: Vec<ComponentId>) -> Self {
        self.signer.components = Some(components);
        self
    }

    /// Leaves out the `created` parameter (it is on by default).
    pub fn without_created(mut self) -> Self {
        self.signer.created = false;
        self
    }

    /// Adds `expires`, this long after `created`.
    pub fn expires_in(mut self, lifetime: Duration) -> Self {
        self.signer.expires_in = Some(lifetime.as_secs());
        self
    }

    /// Sets how the nonce is chosen (default: random).
    pub fn nonce(mut self, nonce: Nonce) -> Self {
        self.signer.nonce = nonce;
        self
    }

    /// Sets the `tag` parameter.
    pub fn tag(mut self, tag: impl Into<String>) -> Self {
        self.signer.tag = Some(tag.into());
        self
    }

    /// Adds the `alg` parameter naming the key's algorithm (off by default).
    pub fn alg_parameter(mut self, include: bool) -> Self {
        self.signer.alg_parameter = include;
        self
    }

    /// Sets the Content-Digest algorithm (default `sha-256`).
    pub fn digest(mut self, algorithm: DigestAlgorithm) -> Self {
        self.signer.digest = algorithm;
        self
    }

    /// Never adds a Content-Digest; a covered `content-digest` must then already be in the message.
    pub fn without_content_digest(mut self) -> Self {
        self.signer.add_digest = false;
        self
    }

    /// Adds a signature parameter that RFC 9421 does not define.
    pub fn parameter(mut self, name: impl Into<String>, value: BareItem) -> Self {
        self.signer.extra.push((name.into(), value));
        self
    }

    /// Sets the clock (default: the system clock).
    pub fn clock(mut self, clock: Arc<dyn Clock>) -> Self {
        self.signer.clock = clock;
        self
    }

    /// Sets the structured types of fields covered with `sf` or `key`.
    pub fn field_types(mut self, field_types: FieldTypes) -> Self {
        self.signer.field_types = field_types;
        self
    }

    /// Sets the limits applied while building the base.
    pub fn limits(mut self, limits: Limits) -> Self {
        self.signer.limits = limits;
        self
    }

    /// Sets the scheme and authority used for origin-form requests.
    pub fn target_context(mut self, context: TargetContext) -> Self {
        self.signer.context = context;
        self
    }

    /// Checks the configuration and returns the signer.
    ///
    /// # Errors
    /// [`Error::InvalidParameter`] for a missing key id, an invalid label,
    /// key id or tag, or a component list with a repeated entry.
    pub fn build(self) -> Result<Signer, Error> {
        let mut signer = self.signer;
        signer.key_id = self.key_id.ok_or_else(|| {
            Error::invalid_parameter(
                "keyid",
                "no key id: HMAC and external keys have no public thumbprint, so set one with SignerBuilder::key_id",
            )
        })?;
        let mut probe = SignatureParams::new(Vec::new());
        probe.set_keyid(&signer.key_id)?;
        if let Some(tag) = &signer.tag {
            probe.set_tag(tag)?;
        }
        if let Nonce::Fixed(value) = &signer.nonce {
            probe.set_nonce(value)?;
        }
        for (name, value) in &signer.extra {
            probe.set(name, value.clone())?;
        }
        sfv::KeyRef::from_str(&signer.label).map_err(|_| {
            Error::invalid_parameter(
                "label",
                format!(
                    "{:?} is not a valid label: use lowercase letters, digits, '_', '-', '.' and '*', starting with a letter",
                    signer.label
                ),
            )
        })?;
        if let Some(components) = &signer.components {
            crate::components::identifier::check_unique(components)?;
        }
        signer.template = ParamsTemplate::new(&TemplateInput {
            components: signer.components.as_deref(),
            created: signer.created,
            expires_in: signer.expires_in,
            keyid: &signer.key_id,
            nonce: match &signer.nonce {
                Nonce::Fixed(value) => Some(value.as_str()),
                Nonce::Random | Nonce::None => None,
            },
            random_nonce: matches!(signer.nonce, Nonce::Random),
            alg: signer.alg_parameter.then(|| signer.key.algorithm().name()),
            tag: signer.tag.as_deref(),
            extra: &signer.extra,
        });
        Ok(signer)
    }
}

fn header_value(value: &str) -> Result<http::HeaderValue, Error> {
    http::HeaderValue::from_str(value)
        .map_err(|e| Error::invalid_message(format!("invalid header value {value:?}: {e}")))
}

fn append_http(headers: &mut http::HeaderMap, signature: &SignatureHeaders) -> Result<(), Error> {
    headers.append(SIGNATURE_INPUT.clone(), header_value(&signature.signature_input)?);
    headers.append(SIGNATURE.clone(), header_value(&signature.signature)?);
    Ok(())
}

/// Builds the `Signature-Input` and `Signature` members of one signature
/// from its label, serialized parameters and raw signature bytes.
fn signature_fields(label: &str, params: &str, signature: &[u8]) -> (String, String) {
    let mut signature_input = String::with_capacity(label.len() + 1 + params.len());
    signature_input.push_str(label);
    signature_input.push('=');
    signature_input.push_str(params);
    let mut signature_field = String::with_capacity(label.len() + 4 + signature.len().div_ceil(3) * 4);
    signature_field.push_str(label);
    signature_field.push_str("=:");
    STANDARD.encode_string(signature, &mut signature_field);
    signature_field.push(':');
    (signature_input, signature_field)
}
