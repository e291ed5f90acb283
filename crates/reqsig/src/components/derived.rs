//! The derived components of RFC 9421 section 2.2.

use std::fmt;

/// A derived component: a value taken from the message's control data, not a field.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Derived {
    /// `@method`: the request method (section 2.2.1).
    Method,
    /// `@target-uri`: the full target URI (section 2.2.2).
    TargetUri,
    /// `@authority`: the target URI's authority (section 2.2.3).
    Authority,
    /// `@scheme`: the target URI's scheme (section 2.2.4).
    Scheme,
    /// `@request-target`: the request-target as sent (section 2.2.5).
    RequestTarget,
    /// `@path`: the target URI's absolute path (section 2.2.6).
    Path,
    /// `@query`: the query with its leading `?` (section 2.2.7).
    Query,
    /// `@query-param`: one named query parameter (section 2.2.8).
    QueryParam,
    /// `@status`: a response's status code (section 2.2.9).
    Status,
}

impl Derived {
    /// Every derived component, in the order of section 2.2.
    pub const ALL: [Derived; 9] = [
        Derived::Method,
        Derived::TargetUri,
        Derived::Authority,
        Derived::Scheme,
        Derived::RequestTarget,
        Derived::Path,
        Derived::Query,
        Derived::QueryParam,
        Derived::Status,
    ];

    /// Returns the component name, with its `@`.
    pub const fn name(self) -> &'static str {
        match self {
            Derived::Method => "@method",
            Derived::TargetUri => "@target-uri",
            Derived::Authority => "@authority",
            Derived::Scheme => "@scheme",
            Derived::RequestTarget => "@request-target",
            Derived::Path => "@path",
            Derived::Query => "@query",
            Derived::QueryParam => "@query-param",
            Derived::Status => "@status",
        }
    }

    /// Looks a derived component up by name (with its `@`).
    pub fn from_name(name: &str) -> Option<Derived> {
        let derived = match name {
            "@method" => Derived::Method,
            "@target-uri" => Derived::TargetUri,
            "@authority" => Derived::Authority,
            "@scheme" => Derived::Scheme,
            "@request-target" => Derived::RequestTarget,
            "@path" => Derived::Path,
            "@query" => Derived::Query,
            "@query-param" => Derived::QueryParam,
            "@status" => Derived::Status,
            _ => return None,
        };
        Some(derived)
    }

    /// Reports whether the component is defined only for requests.
    pub const fn is_request_only(self) -> bool {
        !matches!(self, Derived::Status)
    }
}

impl fmt::Display for Derived {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

#[cfg(test)]
mod tests {
    use super::Derived;

    #[test]
    fn from_name_finds_every_name() {
        for derived in Derived::ALL {
            assert_eq!(Derived::from_name(derived.name()), Some(derived));
        }
        assert_eq!(Derived::from_name("@signature-params"), None);
        assert_eq!(Derived::from_name("@Method"), None);
        assert_eq!(Derived::from_name("method"), None);
    }
}
