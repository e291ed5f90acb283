//! The signature base (RFC 9421 section 2.5): the exact bytes that are signed.

use crate::components::identifier::check_unique;
use crate::components::{ComponentSource, FieldTypes, component_value};
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
    let components = params.components();
    if components.len() > limits.max_components {
        return Err(Error::LimitExceeded {
            kind: LimitKind::Components,
            actual: components.len(),
            max: limits.max_components,
        });
    }
    check_unique(components)?;
    let source = ComponentSource {
        message,
        request,
        field_types,
        limits,
    };
    let mut base = String::with_capacity(128 + 48 * components.len());
    for component in components {
        component.write_to(&mut base);
        base.push_str(": ");
        component_value(component, &source, &mut base)?;
        base.push('\n');
    }
    base.push_str("\"@signature-params\": ");
    params.write_to(&mut base);
    Ok(base)
}
