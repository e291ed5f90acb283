//! Scopes: which methods and paths a key may call.

use std::fmt;

/// A path pattern of `/`-separated segments, where `*` matches one segment
/// and a final `**` matches the rest of the path (zero or more segments).
///
/// Patterns match the raw `@path` that was signed, byte for byte, with no
/// decoding or normalisation.
///
/// ```
/// use reqsig_gate::PathPattern;
///
/// let pattern = PathPattern::parse("/orders/*/items/**").unwrap();
/// assert!(pattern.matches("/orders/7/items"));
/// assert!(pattern.matches("/orders/7/items/3/notes"));
/// assert!(!pattern.matches("/orders/7/refunds"));
/// ```
#[derive(Clone, PartialEq, Eq)]
pub struct PathPattern {
    text: String,
    segments: Vec<Segment>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
enum Segment {
    Literal(String),
    One,
    Rest,
}

impl PathPattern {
    /// Parses a pattern; it must start with `/`, and `**` may only be the last segment.
    ///
    /// # Errors
    /// A message naming the pattern and the problem.
    pub fn parse(text: &str) -> Result<PathPattern, String> {
        let Some(rest) = text.strip_prefix('/') else {
            return Err(format!("path pattern {text:?} must start with '/'"));
        };
        let parts: Vec<&str> = rest.split('/').collect();
        let mut segments = Vec::with_capacity(parts.len());
        for (i, part) in parts.iter().enumerate() {
            let segment = match *part {
                "**" if i + 1 == parts.len() => Segment::Rest,
                "**" => {
                    return Err(format!(
                        "path pattern {text:?} may use '**' only as its last segment"
                    ));
                }
                "*" => Segment::One,
                literal if literal.contains('*') => {
                    return Err(format!(
                        "path pattern {text:?} has '*' inside the segment {literal:?}; a wildcard must be a whole segment"
                    ));
                }
                literal => Segment::Literal(literal.to_owned()),
            };
            segments.push(segment);
        }
        Ok(PathPattern {
            text: text.to_owned(),
            segments,
        })
    }

    /// Reports whether `path` (the signed `@path`) matches.
    pub fn matches(&self, path: &str) -> bool {
        let Some(rest) = path.strip_prefix('/') else {
            return false;
        };
        let mut parts = rest.split('/');
        for segment in &self.segments {
            match segment {
                Segment::Rest => return true,
                Segment::One => match parts.next() {
                    Some(part) if !part.is_empty() => {}
                    _ => return false,
                },
                Segment::Literal(literal) => match parts.next() {
                    Some(part) if part == literal => {}
                    _ => return false,
                },
            }
        }
        parts.next().is_none()
    }

    /// Returns the pattern as written.
    pub fn as_str(&self) -> &str {
        &self.text
    }
}

impl fmt::Debug for PathPattern {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "PathPattern({:?})", self.text)
    }
}

/// Methods and path patterns a key may use; an empty method list allows every method.
///
/// ```
/// use reqsig_gate::Scope;
///
/// let scope = Scope::new(&["GET", "HEAD"], &["/reports/**"]).unwrap();
/// assert!(scope.allows("GET", "/reports/2026/q1"));
/// assert!(!scope.allows("DELETE", "/reports/2026/q1"));
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Scope {
    /// Allowed methods, stored in uppercase; empty allows all.
    pub methods: Vec<String>,
    /// Allowed path patterns.
    pub paths: Vec<PathPattern>,
}

impl Scope {
    /// Creates a scope from method names and path patterns.
    ///
    /// # Errors
    /// A message naming the invalid pattern or method.
    pub fn new(methods: &[&str], paths: &[&str]) -> Result<Scope, String> {
        let methods = methods
            .iter()
            .map(|m| {
                if m.is_empty()
                    || !m
                        .bytes()
                        .all(|b| b.is_ascii_alphabetic() || b == b'-' || b == b'_')
                {
                    Err(format!("method {m:?} is not a valid HTTP method name"))
                } else {
                    // Methods are matched in uppercase, the form every standard method has.
                    Ok(m.to_ascii_uppercase())
                }
            })
            .collect::<Result<Vec<_>, _>>()?;
        let paths = paths
            .iter()
            .map(|p| PathPattern::parse(p))
            .collect::<Result<Vec<_>, _>>()?;
        if paths.is_empty() {
            return Err("a scope needs at least one path pattern, such as \"/**\"".to_owned());
        }
        Ok(Scope { methods, paths })
    }

    /// Reports whether the scope allows `method` on `path`.
    pub fn allows(&self, method: &str, path: &str) -> bool {
        let method_ok = self.methods.is_empty() || self.methods.iter().any(|m| m == method);
        method_ok && self.paths.iter().any(|p| p.matches(path))
    }
}

/// Reports why a signed path must not be matched against scopes, or `None`.
///
/// A server that decodes or normalises the path after matching could route
/// `/public/../admin` or `/public%2F..%2Fadmin` elsewhere than the pattern
/// saw, so keys with scopes reject dot segments and encoded separators.
pub fn unsafe_path_reason(path: &str) -> Option<&'static str> {
    if path.split('/').any(|segment| segment == "." || segment == "..") {
        return Some("the path has a '.' or '..' segment");
    }
    let lower = path.to_ascii_lowercase();
    if lower.contains("%2f") || lower.contains("%5c") || path.contains('\\') {
        return Some("the path has an encoded '/' or a '\\'");
    }
    if lower.contains("%2e") {
        return Some("the path has an encoded '.'");
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pattern_segment_globs() {
        let pattern = PathPattern::parse("/a/*/c").unwrap();
        assert!(pattern.matches("/a/b/c"));
        assert!(!pattern.matches("/a/b/c/d"));
        assert!(!pattern.matches("/a//c"));
        assert!(PathPattern::parse("/**").unwrap().matches("/"));
        assert!(PathPattern::parse("/a/**").unwrap().matches("/a"));
    }

    #[test]
    fn pattern_invalid_rejected() {
        assert!(PathPattern::parse("a/b").is_err());
        assert!(PathPattern::parse("/a/**/b").is_err());
        assert!(PathPattern::parse("/a/b*").is_err());
    }

    #[test]
    fn unsafe_paths_detected() {
        assert!(unsafe_path_reason("/public/../admin").is_some());
        assert!(unsafe_path_reason("/public/%2E%2E/admin").is_some());
        assert!(unsafe_path_reason("/public%2Fadmin").is_some());
        assert!(unsafe_path_reason("/public%5cadmin").is_some());
        assert!(unsafe_path_reason("/public/./x").is_some());
        assert!(unsafe_path_reason("/orders/7").is_none());
    }
}
