//! Option handling shared by the commands: sign, verify and base, and the URLs of send and serve.

use std::sync::Arc;

use reqsig::clock::{Clock, FixedClock, SystemClock};
use reqsig::components::{ComponentId, FieldTypes, StructuredType};
use reqsig::message::{Message, Scheme, TargetContext};

use crate::cli::MessageOptions;
use crate::error::CliError;
use crate::input::read_message;

/// Returns the target context from `--scheme`.
pub fn context(options: &MessageOptions) -> TargetContext {
    let scheme = Scheme::parse(&options.scheme).unwrap_or_default();
    TargetContext::default().with_scheme(scheme)
}

/// Returns the field types from `--field-type NAME=TYPE`.
pub fn field_types(options: &MessageOptions) -> Result<FieldTypes, CliError> {
    let mut types = FieldTypes::default();
    for declaration in &options.field_types {
        let (name, kind) = declaration.split_once('=').ok_or_else(|| {
            CliError::input(format!(
                "--field-type {declaration:?}: expected NAME=dictionary|list|item"
            ))
        })?;
        let kind = StructuredType::parse(kind.trim()).ok_or_else(|| {
            CliError::input(format!(
                "--field-type {declaration:?}: the type must be dictionary, list or item"
            ))
        })?;
        types.insert(name.trim(), kind);
    }
    Ok(types)
}

/// Parses `--components` (or `--require`) in the inner-list form.
pub fn components(text: &str, option: &str) -> Result<Vec<ComponentId>, CliError> {
    if text.trim().is_empty() || text.trim() == "()" {
        return Ok(Vec::new());
    }
    ComponentId::parse_list(text).map_err(|e| match e {
        // A component listed twice is a reason no base can be built, not a syntax error.
        reqsig::Error::DuplicateComponent { .. } => CliError::check(format!("{option}: {e} ({})", e.code())),
        _ => CliError::input(format!("{option}: {e}")),
    })
}

/// Parses the time for `created`: a number of seconds, `now`, or `None` for `none`.
pub fn created(text: &str) -> Result<Option<u64>, CliError> {
    match text {
        "now" => Ok(Some(SystemClock.now())),
        "none" => Ok(None),
        number => number.parse().map(Some).map_err(|_| {
            CliError::input(format!(
                "--created {number:?}: expected seconds since the Unix epoch, now or none"
            ))
        }),
    }
}

/// Returns a clock fixed at `now`, or the system clock.
pub fn clock(now: Option<u64>) -> Arc<dyn Clock> {
    match now {
        Some(now) => Arc::new(FixedClock(now)),
        None => Arc::new(SystemClock),
    }
}

/// Reads the message, and the request it responds to when `--request` names one.
pub fn read_messages(options: &MessageOptions) -> Result<(Message, Option<Message>), CliError> {
    let message = read_message(options.file.as_deref())?;
    let request = options
        .request
        .as_deref()
        .map(|path| read_message(Some(path)))
        .transpose()?;
    Ok((message, request))
}

/// Parses `text`, given as `role` (such as "--upstream"), and checks that
/// it is an absolute http or https URL with a host. The error names the
/// value and shows `example`.
pub fn http_url(text: &str, role: &str, example: &str) -> Result<reqwest::Url, CliError> {
    let problem = match reqwest::Url::parse(text) {
        Err(error) => error.to_string(),
        Ok(url) if !matches!(url.scheme(), "http" | "https") => {
            format!("its scheme is {}", url.scheme())
        }
        Ok(url) if url.host_str().is_none_or(str::is_empty) => "it has no host".to_owned(),
        Ok(url) => return Ok(url),
    };
    Err(CliError::input(format!(
        "{role} {text:?} is not an absolute http or https URL ({problem}); give one such as {example}"
    )))
}

/// Joins an error and each of its causes with `: `, so that a failed request
/// names the cause, such as `Connection refused`, and not only the URL.
pub fn with_causes(error: &dyn std::error::Error) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        let cause_text = cause.to_string();
        if !text.contains(&cause_text) {
            text.push_str(": ");
            text.push_str(&cause_text);
        }
        source = cause.source();
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn http_url_accepts_absolute_http_and_https() {
        for text in ["http://127.0.0.1:8080", "https://api.example.com/orders?id=7"] {
            assert!(http_url(text, "URL", "http://127.0.0.1:8080").is_ok(), "{text}");
        }
    }

    #[test]
    fn http_url_rejects_others_naming_value_and_example() {
        for (text, problem) in [
            ("notaurl", "relative URL without a base"),
            ("ftp://files.example.com/a", "its scheme is ftp"),
            ("http://", "empty host"),
            ("/orders", "relative URL without a base"),
        ] {
            let error = http_url(text, "--upstream", "http://127.0.0.1:8080").unwrap_err();
            assert_eq!(error.exit_code, 2, "{text}");
            assert!(error.message.contains(&format!("{text:?}")), "{}", error.message);
            assert!(error.message.contains(problem), "{}", error.message);
            assert!(
                error.message.contains("http://127.0.0.1:8080"),
                "{}",
                error.message
            );
        }
    }

    #[test]
    fn with_causes_joins_the_chain_once() {
        let refused = std::io::Error::new(std::io::ErrorKind::ConnectionRefused, "connection refused");
        let connect = Layer("tcp connect error", Some(Box::new(refused)));
        // A cause whose text the message already contains is not repeated.
        let repeated = Layer("tcp connect error", Some(Box::new(connect)));
        let error = Layer(
            "error sending request for url (http://127.0.0.1:1/x)",
            Some(Box::new(repeated)),
        );
        assert_eq!(
            with_causes(&error),
            "error sending request for url (http://127.0.0.1:1/x): tcp connect error: connection refused"
        );
        assert_eq!(with_causes(&Layer("alone", None)), "alone");
    }

    #[derive(Debug)]
    struct Layer(&'static str, Option<Box<dyn std::error::Error + 'static>>);

    impl std::fmt::Display for Layer {
        fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str(self.0)
        }
    }

    impl std::error::Error for Layer {
        fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
            self.1.as_deref()
        }
    }
}
