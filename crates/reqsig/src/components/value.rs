//! Computing a component's value from a message (RFC 9421 sections 2.1 to 2.4).

use super::field::write_field_value;
use super::query::find_query_param;
use super::{ComponentId, Derived, FieldTypes};
use crate::message::view::Kind;
use crate::message::{MessageView, RequestTarget};
use crate::{Error, Limits};

/// The message a signature covers, the request it answers (for `req`), and settings.
pub(crate) struct ComponentSource<'s, 'm, 'r> {
    pub message: &'s MessageView<'m>,
    pub request: Option<&'s MessageView<'r>>,
    pub field_types: &'s FieldTypes,
    pub limits: &'s Limits,
}

/// Appends the value of `id` to `out`. For a field of the message itself
/// (not `req`, not `tr`) sent on one line, returns that line as sent.
pub(crate) fn component_value<'m>(
    id: &ComponentId,
    source: &ComponentSource<'_, 'm, '_>,
    out: &mut String,
) -> Result<Option<&'m [u8]>, Error> {
    if !id.req() && !id.tr() && id.derived_component().is_none() {
        return write_field_value(id, source.message.headers, source.field_types, source.limits, out);
    }
    let message = if id.req() {
        if source.message.is_request() {
            return Err(Error::not_applicable(
                id.to_string(),
                "req is only used in a response's signature, to cover its request",
            ));
        }
        source.request.ok_or_else(|| {
            Error::not_applicable(
                id.to_string(),
                "req needs the request this response answers; pass it along with the response",
            )
        })?
    } else {
        source.message
    };
    match id.derived_component() {
        Some(derived) => write_derived(id, derived, message, out).map(|()| None),
        None => {
            let fields = if id.tr() {
                message.trailers.ok_or_else(|| {
                    Error::not_applicable(
                        id.to_string(),
                        "tr covers a trailer field, and the message has no trailer section",
                    )
                })?
            } else {
                message.headers
            };
            write_field_value(id, fields, source.field_types, source.limits, out).map(|_| None)
        }
    }
}

fn write_derived(
    id: &ComponentId,
    derived: Derived,
    message: &MessageView<'_>,
    out: &mut String,
) -> Result<(), Error> {
    let (method, target) = match &message.kind {
        Kind::Response { status } => {
            if derived != Derived::Status {
                return Err(Error::not_applicable(
                    id.to_string(),
                    "it is only defined for requests",
                ));
            }
            out.push_str(&format!("{status:03}"));
            return Ok(());
        }
        Kind::Request { method, target } => (*method, target),
    };
    if derived == Derived::Status {
        return Err(Error::not_applicable(
            id.to_string(),
            "@status is only defined for responses",
        ));
    }
    if derived == Derived::Method {
        return push_checked(id, method, out);
    }
    let target = target.as_ref().map_err(|reason| Error::InvalidMessage {
        reason: reason.clone(),
    })?;
    match derived {
        Derived::TargetUri => {
            out.push_str(target.scheme.as_str());
            out.push_str("://");
            out.push_str(&target.authority);
            out.push_str(target.path.unwrap_or(""));
            if let Some(query) = target.query {
                out.push('?');
                push_checked(id, query, out)?;
            }
            Ok(())
        }
        Derived::Authority => push_checked(id, &target.authority, out),
        Derived::Scheme => {
            out.push_str(target.scheme.as_str());
            Ok(())
        }
        Derived::RequestTarget => push_checked(id, &target.request_target, out),
        Derived::Path => push_checked(id, path_of(id, target)?, out),
        Derived::Query => {
            out.push('?');
            push_checked(id, target.query.unwrap_or(""), out)
        }
        Derived::QueryParam => {
            let name = id.query_param_name().unwrap_or("");
            match find_query_param(target.query, name) {
                Ok(value) => {
                    out.push_str(&value);
                    Ok(())
                }
                Err(0) => Err(Error::MissingComponent {
                    component: id.to_string(),
                    detail: format!(": the query has no parameter {name:?}"),
                }),
                Err(count) => Err(Error::not_applicable(
                    id.to_string(),
                    format!("the query has {count} parameters named {name:?}; cover @query instead"),
                )),
            }
        }
        Derived::Method | Derived::Status => Ok(()),
    }
}

fn path_of<'t>(id: &ComponentId, target: &'t RequestTarget<'_>) -> Result<&'t str, Error> {
    target.path.ok_or_else(|| {
        Error::not_applicable(
            id.to_string(),
            "a request-target in authority or asterisk form has no path",
        )
    })
}

/// Appends text taken from the request line, which must be visible ASCII.
fn push_checked(id: &ComponentId, text: &str, out: &mut String) -> Result<(), Error> {
    if crate::bytes::any(text.as_bytes(), |b| !(0x21..0x7f).contains(&b))
        && let Some(byte) = text.bytes().find(|b| !(0x21..0x7f).contains(b))
    {
        return Err(Error::invalid_component(
            id.to_string(),
            format!("the value contains the byte 0x{byte:02x}, which is not visible ASCII"),
        ));
    }
    out.push_str(text);
    Ok(())
}
