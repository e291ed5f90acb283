//! The signature base (RFC 9421 section 2.5): the exact bytes that are signed.

use crate::components::identifier::check_unique;
use crate::components::{ComponentId, ComponentSource, FieldTypes, component_value};
use crate::message::MessageView;
use crate::{Error, LimitKind, Limits, SignatureParams};

/// Builds the signature base of `params` over `message`.
///
/// Pass the request a response answers as `request` when `params` covers
/// components with `req`. Each covered component gives one line
/// `identifier: value`, and the `@signature-params` line ends the base with no
/// newline after it.
///
/// # Errors
/// Any component error of [`Error`]: a missing field, `@status` in a request,
/// a component listed twice, a value with a non-ASCII byte, and so on.
///
/// ```
/// use reqsig::components::{ComponentId, Derived, FieldTypes};
/// use reqsig::message::{TargetContext, ToMessageView};
/// use reqsig::{Limits, Message, SignatureParams, signature_base};
///
/// let request = Message::request("GET", "/items?id=7").with_header("Host", "Example.com");
/// let view = request.to_view(&TargetContext::default()).unwrap();
/// let mut params = SignatureParams::new(vec![
///     ComponentId::derived(Derived::Method),
///     ComponentId::derived(Derived::Authority),
///     ComponentId::derived(Derived::Query),
/// ]);
/// params.set_created(1700000000).unwrap();
/// let base = signature_base(&view, None, &params, &FieldTypes::default(), &Limits::default()).unwrap();
/// assert_eq!(
///     base,
///     "\"@method\": GET\n\"@authority\": example.com\n\"@query\": ?id=7\n\
///      \"@signature-params\": (\"@method\" \"@authority\" \"@query\");created=1700000000"
/// );
/// ```
pub fn signature_base(
    message: &MessageView<'_>,
    request: Option<&MessageView<'_>>,
    params: &SignatureParams,
    field_types: &FieldTypes,
    limits: &Limits,
) -> Result<String, Error> {
    check_component_count(params.components(), limits)?;
    check_unique(params.components())?;
    build_base(message, request, params, field_types, limits).map(|(base, _)| base)
}

/// Builds the signature base of `params`, whose component list the caller
/// has already checked for duplicates, as [`SignatureParams::from_raw`] does.
/// Also returns the message's `Content-Digest` line, as
/// [`write_component_lines`] does.
pub(crate) fn build_base<'m>(
    message: &MessageView<'m>,
    request: Option<&MessageView<'_>>,
    params: &SignatureParams,
    field_types: &FieldTypes,
    limits: &Limits,
) -> Result<(String, Option<&'m [u8]>), Error> {
    let components = params.components();
    check_component_count(components, limits)?;
    let mut base = String::with_capacity(base_capacity(components.len()));
    let digest_line = write_component_lines(message, request, components, field_types, limits, &mut base)?;
    base.push_str(SIGNATURE_PARAMS_LINE);
    params.write_to(&mut base);
    Ok((base, digest_line))
}

/// The start of the last line of every base; the serialized parameters follow it.
pub(crate) const SIGNATURE_PARAMS_LINE: &str = "\"@signature-params\": ";

/// Returns a capacity that fits the base of a typical request with `components` lines.
pub(crate) fn base_capacity(components: usize) -> usize {
    256 + 64 * components
}

/// Rejects more components than `limits` allows.
pub(crate) fn check_component_count(components: &[ComponentId], limits: &Limits) -> Result<(), Error> {
    if components.len() > limits.max_components {
        return Err(Error::LimitExceeded {
            kind: LimitKind::Components,
            actual: components.len(),
            max: limits.max_components,
        });
    }
    Ok(())
}

/// Appends one `identifier: value` line, ending in a newline, per component.
///
/// When a component read the message's own `Content-Digest` and the field
/// has one line, returns that line as sent, so a verifier can check the
/// digest without looking the field up again.
pub(crate) fn write_component_lines<'m>(
    message: &MessageView<'m>,
    request: Option<&MessageView<'_>>,
    components: &[ComponentId],
    field_types: &FieldTypes,
    limits: &Limits,
    out: &mut String,
) -> Result<Option<&'m [u8]>, Error> {
    let source = ComponentSource {
        message,
        request,
        field_types,
        limits,
    };
    let mut digest_line = None;
    for component in components {
        component.write_to(out);
        out.push_str(": ");
        let line = component_value(component, &source, out)?;
        if line.is_some() && component.name() == "content-digest" {
            digest_line = line;
        }
        out.push('\n');
    }
    Ok(digest_line)
}
