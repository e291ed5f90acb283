//! Component identifiers: a name and its parameters (RFC 9421 section 2).

use std::borrow::Cow;
use std::fmt;

use sfv::{BareItemFromInput, KeyRef, visitor};

use super::Derived;
use crate::Error;

/// One covered component: an HTTP field or a derived component, with parameters.
///
/// The identifier keeps the signer's parameter order, because the signature
/// base repeats it exactly. Two identifiers are equal when they name the same
/// component with the same parameters, in any order.
///
/// ```
/// use reqsig::components::ComponentId;
///
/// let id = ComponentId::field("example-dict").unwrap().with_key("a");
/// assert_eq!(id.to_string(), r#""example-dict";key="a""#);
///
/// let parsed = ComponentId::parse(r#""@query-param";name="id""#).unwrap();
/// assert_eq!(parsed, ComponentId::query_param("id"));
/// ```
#[derive(Clone, Debug)]
pub struct ComponentId {
    /// Borrowed for derived components and common fields, so most identifiers allocate nothing.
    name: Cow<'static, str>,
    derived: Option<Derived>,
    sf: bool,
    bs: bool,
    req: bool,
    tr: bool,
    key: Option<String>,
    param_name: Option<String>,
    /// The parameters in the signer's order, for serialization.
    order: Vec<Param>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Param {
    Sf,
    Bs,
    Req,
    Tr,
    Key,
    Name,
}

impl ComponentId {
    /// Creates the identifier of an HTTP field. The name is lowercased.
    ///
    /// # Errors
    /// [`Error::InvalidComponent`] when the name is not a valid field name.
    pub fn field(name: &str) -> Result<ComponentId, Error> {
        let lower = name.to_ascii_lowercase();
        if lower.is_empty() || !lower.bytes().all(is_tchar) {
            return Err(Error::invalid_component(
                format!("{name:?}"),
                "a field name must be a non-empty token (RFC 9110 section 5.1)",
            ));
        }
        Ok(ComponentId::bare(
            interned(&lower, None).unwrap_or(Cow::Owned(lower)),
            None,
        ))
    }

    /// Creates the identifier of a derived component.
    pub fn derived(component: Derived) -> ComponentId {
        ComponentId::bare(Cow::Borrowed(component.name()), Some(component))
    }

    /// Creates `"@query-param";name="..."`; `name` is given percent-encoded, as in the query.
    pub fn query_param(name: &str) -> ComponentId {
        let mut id = ComponentId::derived(Derived::QueryParam);
        id.param_name = Some(name.to_owned());
        id.order.push(Param::Name);
        id
    }

    fn bare(name: Cow<'static, str>, derived: Option<Derived>) -> ComponentId {
        ComponentId {
            name,
            derived,
            sf: false,
            bs: false,
            req: false,
            tr: false,
            key: None,
            param_name: None,
            order: Vec::new(),
        }
    }

    /// Adds the `sf` parameter: the field's value re-serialized as a structured field.
    pub fn with_sf(mut self) -> ComponentId {
        if !self.sf {
            self.sf = true;
            self.order.push(Param::Sf);
        }
        self
    }

    /// Adds the `bs` parameter: each field line wrapped as a byte sequence.
    pub fn with_bs(mut self) -> ComponentId {
        if !self.bs {
            self.bs = true;
            self.order.push(Param::Bs);
        }
        self
    }

    /// Adds the `req` parameter: the component is taken from the request a response answers.
    pub fn with_req(mut self) -> ComponentId {
        if !self.req {
            self.req = true;
            self.order.push(Param::Req);
        }
        self
    }

    /// Adds the `tr` parameter: the field is taken from the trailers.
    pub fn with_tr(mut self) -> ComponentId {
        if !self.tr {
            self.tr = true;
            self.order.push(Param::Tr);
        }
        self
    }

    /// Adds the `key` parameter: one member of a dictionary field.
    pub fn with_key(mut self, key: &str) -> ComponentId {
        if self.key.is_none() {
            self.order.push(Param::Key);
        }
        self.key = Some(key.to_owned());
        self
    }

    /// Parses one serialized identifier, such as `"content-digest"` or `"@query-param";name="a"`.
    ///
    /// # Errors
    /// [`Error::InvalidComponent`] for anything but a string item with known parameters.
    pub fn parse(text: &str) -> Result<ComponentId, Error> {
        let mut sink = ParsedIds::default();
        sfv::Parser::new(text)
            .parse_item_with_visitor(IdVisitor::new(&mut sink))
            .map_err(|e| Error::invalid_component(text, e.to_string()))?;
        sink.into_result()?
            .pop()
            .ok_or_else(|| Error::invalid_component(text, "no identifier found"))
    }

    /// Parses a list of identifiers in the inner-list form, with or without the
    /// parentheses: `("@method" "@path")` or `"@method" "@path"`.
    ///
    /// # Errors
    /// [`Error::InvalidComponent`] or [`Error::DuplicateComponent`].
    pub fn parse_list(text: &str) -> Result<Vec<ComponentId>, Error> {
        let trimmed = text.trim();
        let wrapped;
        let inner = if trimmed.starts_with('(') {
            trimmed
        } else {
            wrapped = format!("({trimmed})");
            &wrapped
        };
        let parsed = crate::signature_fields::parse_inner_list(inner)
            .map_err(|reason| Error::invalid_component(text, reason))?;
        let ids = parsed.components.into_result()?;
        check_unique(&ids)?;
        Ok(ids)
    }

    /// Returns the component name: a lowercase field name or a derived name with `@`.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Returns the derived component, or `None` for a field.
    pub fn derived_component(&self) -> Option<Derived> {
        self.derived
    }

    /// Reports whether `sf` is set.
    pub fn sf(&self) -> bool {
        self.sf
    }

    /// Reports whether `bs` is set.
    pub fn bs(&self) -> bool {
        self.bs
    }

    /// Reports whether `req` is set.
    pub fn req(&self) -> bool {
        self.req
    }

    /// Reports whether `tr` is set.
    pub fn tr(&self) -> bool {
        self.tr
    }

    /// Returns the `key` parameter.
    pub fn key(&self) -> Option<&str> {
        self.key.as_deref()
    }

    /// Returns the `name` parameter of `@query-param`.
    pub fn query_param_name(&self) -> Option<&str> {
        self.param_name.as_deref()
    }

    /// Reports whether this names the same component as `other`, ignoring the
    /// `sf` and `bs` serialization flags.
    #[inline]
    pub fn same_component(&self, other: &ComponentId) -> bool {
        // A derived component's name follows from `derived`, so names are
        // compared only for fields.
        self.derived == other.derived
            && (self.derived.is_some() || self.name == other.name)
            && self.req == other.req
            && self.tr == other.tr
            && self.key == other.key
            && self.param_name == other.param_name
    }

    /// Serializes the identifier into `out` (the inner-list item form).
    ///
    /// The name is a validated lowercase token or a derived name, so it needs
    /// no escaping; `key` and `name` values are escaped as sf-strings.
    pub(crate) fn write_to(&self, out: &mut String) {
        out.push('"');
        out.push_str(&self.name);
        out.push('"');
        for param in &self.order {
            match param {
                Param::Sf => out.push_str(";sf"),
                Param::Bs => out.push_str(";bs"),
                Param::Req => out.push_str(";req"),
                Param::Tr => out.push_str(";tr"),
                Param::Key => {
                    out.push_str(";key=");
                    write_sf_string(out, self.key.as_deref().unwrap_or(""));
                }
                Param::Name => {
                    out.push_str(";name=");
                    write_sf_string(out, self.param_name.as_deref().unwrap_or(""));
                }
            }
        }
    }

    fn validate(&self) -> Result<(), Error> {
        let component = || self.to_string();
        if self.name.starts_with('@') {
            if self.name == "@signature-params" {
                return Err(Error::invalid_component(
                    component(),
                    "@signature-params cannot be a covered component",
                ));
            }
            if self.derived.is_none() {
                return Err(Error::UnknownDerivedComponent {
                    component: component(),
                });
            }
            if self.sf || self.bs || self.tr || self.key.is_some() {
                return Err(Error::invalid_component(
                    component(),
                    "sf, bs, tr and key apply to fields, not to derived components",
                ));
            }
            if (self.derived == Some(Derived::QueryParam)) != self.param_name.is_some() {
                return Err(Error::invalid_component(
                    component(),
                    "the name parameter is required on @query-param and allowed nowhere else",
                ));
            }
        } else {
            // A borrowed name is a known field name, valid by construction.
            if let Cow::Owned(name) = &self.name
                && (name.is_empty() || !name.bytes().all(|b| is_tchar(b) && !b.is_ascii_uppercase()))
            {
                return Err(Error::invalid_component(
                    component(),
                    "a field name must be a lowercase token",
                ));
            }
            if self.param_name.is_some() {
                return Err(Error::invalid_component(
                    component(),
                    "the name parameter applies only to @query-param",
                ));
            }
            if self.bs && (self.sf || self.key.is_some()) {
                return Err(Error::invalid_component(
                    component(),
                    "bs cannot be combined with sf or key",
                ));
            }
        }
        Ok(())
    }
}

impl PartialEq for ComponentId {
    #[inline]
    fn eq(&self, other: &ComponentId) -> bool {
        self.same_component(other) && self.sf == other.sf && self.bs == other.bs
    }
}

impl Eq for ComponentId {}

impl fmt::Display for ComponentId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut out = String::new();
        self.write_to(&mut out);
        f.write_str(&out)
    }
}

/// Rejects a list that names one component twice, or a `key` or `name`
/// parameter that an sf-string cannot hold (RFC 9651 allows printable ASCII).
pub(crate) fn check_unique(ids: &[ComponentId]) -> Result<(), Error> {
    for (i, id) in ids.iter().enumerate() {
        for value in [id.key.as_deref(), id.param_name.as_deref()]
            .into_iter()
            .flatten()
        {
            if !value.bytes().all(|b| (0x20..0x7f).contains(&b)) {
                return Err(Error::invalid_component(
                    format!("{:?}", id.name),
                    format!("the parameter value {value:?} has characters outside printable ASCII"),
                ));
            }
        }
        if ids[..i].iter().any(|earlier| earlier == id) {
            return Err(Error::DuplicateComponent {
                component: id.to_string(),
            });
        }
    }
    Ok(())
}

/// Writes an sf-string (RFC 9651 section 4.1.6): quoted, with `"` and `\\`
/// escaped. Callers pass text that came from a parsed sf-string or a
/// validated name, so it holds only printable ASCII.
pub(crate) fn write_sf_string(out: &mut String, text: &str) {
    out.push('"');
    if !crate::bytes::any(text.as_bytes(), |b| b == b'"' || b == b'\\') {
        out.push_str(text);
        out.push('"');
        return;
    }
    for c in text.chars() {
        if c == '"' || c == '\\' {
            out.push('\\');
        }
        out.push(c);
    }
    out.push('"');
}

/// Returns a `'static` spelling of `name` when it is the derived component
/// `derived` or a common field, so that the identifier needs no allocation.
fn interned(name: &str, derived: Option<Derived>) -> Option<Cow<'static, str>> {
    match derived {
        Some(derived) => Some(Cow::Borrowed(derived.name())),
        None => crate::message::names::known(name).map(|known| Cow::Borrowed(known.as_str())),
    }
}

pub(crate) fn is_tchar(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b)
}

/// The identifiers of one inner list as sfv's visitor reads them, with the
/// first error among them.
#[derive(Debug, Default)]
pub(crate) struct ParsedIds {
    ids: Vec<ComponentId>,
    /// Items read, valid or not, so the component limit counts them all.
    count: usize,
    error: Option<Error>,
}

impl ParsedIds {
    /// Creates an empty list with room for `capacity` identifiers.
    pub(crate) fn with_capacity(capacity: usize) -> ParsedIds {
        ParsedIds {
            ids: Vec::with_capacity(capacity),
            count: 0,
            error: None,
        }
    }

    /// Returns how many items the list had, valid or not.
    pub(crate) fn count(&self) -> usize {
        self.count
    }

    /// Returns the identifiers, or the error of the first invalid one.
    pub(crate) fn into_result(self) -> Result<Vec<ComponentId>, Error> {
        match self.error {
            Some(error) => Err(error),
            None => Ok(self.ids),
        }
    }

    fn fail(&mut self, error: Error) {
        self.error.get_or_insert(error);
    }
}

/// Builds one identifier from sfv's visitor callbacks, in place at the end of a [`ParsedIds`].
pub(crate) struct IdVisitor<'s> {
    sink: &'s mut ParsedIds,
    /// Whether this item was a string, pushed onto `sink.ids`.
    pushed: bool,
    error: Option<String>,
}

impl<'s> IdVisitor<'s> {
    pub(crate) fn new(sink: &'s mut ParsedIds) -> IdVisitor<'s> {
        IdVisitor {
            sink,
            pushed: false,
            error: None,
        }
    }
}

impl<'de> visitor::ItemVisitor<'de> for IdVisitor<'_> {
    type Out = ();
    type Error = std::convert::Infallible;

    fn bare_item(
        self,
        bare_item: BareItemFromInput<'de>,
    ) -> Result<impl visitor::ParameterVisitor<'de, Out = Self::Out>, Self::Error> {
        let sink = self.sink;
        sink.count += 1;
        // Returns a new visitor rather than an updated `self`, because
        // writing `self` field by field and then moving it out stalls the
        // processor on every component.
        let BareItemFromInput::String(name) = bare_item else {
            return Ok(IdVisitor {
                sink,
                pushed: false,
                error: Some("a component identifier must be a quoted string".to_owned()),
            });
        };
        let name = name.as_str();
        let derived = Derived::from_name(name);
        let name = interned(name, derived).unwrap_or_else(|| Cow::Owned(name.to_owned()));
        sink.ids.push(ComponentId::bare(name, derived));
        Ok(IdVisitor {
            sink,
            pushed: true,
            error: None,
        })
    }
}

impl<'de> visitor::ParameterVisitor<'de> for IdVisitor<'_> {
    type Out = ();
    type Error = std::convert::Infallible;

    fn parameter(&mut self, key: &'de KeyRef, value: BareItemFromInput<'de>) -> Result<(), Self::Error> {
        let Some(id) = self.sink.ids.last_mut().filter(|_| self.pushed) else {
            return Ok(());
        };
        let key = key.as_str();
        let flag = match key {
            "sf" => Some(Param::Sf),
            "bs" => Some(Param::Bs),
            "req" => Some(Param::Req),
            "tr" => Some(Param::Tr),
            _ => None,
        };
        if let Some(param) = flag {
            if !matches!(value, BareItemFromInput::Boolean(true)) {
                self.error
                    .get_or_insert_with(|| format!("parameter {key} takes no value"));
                return Ok(());
            }
            let slot = match param {
                Param::Sf => &mut id.sf,
                Param::Bs => &mut id.bs,
                Param::Req => &mut id.req,
                _ => &mut id.tr,
            };
            if !*slot {
                *slot = true;
                id.order.push(param);
            }
            return Ok(());
        }
        let string = match &value {
            BareItemFromInput::String(s) => Some(s.as_str().to_owned()),
            _ => None,
        };
        match (key, string) {
            ("key", Some(member)) => {
                if id.key.is_none() {
                    id.order.push(Param::Key);
                }
                id.key = Some(member);
            }
            ("name", Some(name)) => {
                if id.param_name.is_none() {
                    id.order.push(Param::Name);
                }
                id.param_name = Some(name);
            }
            ("key" | "name", None) => {
                self.error
                    .get_or_insert_with(|| format!("parameter {key} must be a quoted string"));
            }
            _ => {
                self.error
                    .get_or_insert_with(|| format!("unknown component parameter {key}"));
            }
        }
        Ok(())
    }

    fn finish(self) -> Result<Self::Out, Self::Error> {
        let sink = self.sink;
        let error = match (self.pushed, self.error) {
            (true, None) => match sink.ids.last().map(ComponentId::validate) {
                Some(Err(error)) => error,
                _ => return Ok(()),
            },
            (true, Some(reason)) => {
                let component = sink.ids.last().map(ToString::to_string).unwrap_or_default();
                Error::invalid_component(component, reason)
            }
            (false, reason) => Error::invalid_component("(not a string)", reason.unwrap_or_default()),
        };
        if self.pushed {
            sink.ids.pop();
        }
        sink.fail(error);
        Ok(())
    }
}
