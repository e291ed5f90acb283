//! Forwards the gate's `tracing` events to Python's `logging` module.
//!
//! The gate logs every rejection (warning), every accepted request (info),
//! and failures of the replay store and the registry file (error), such as a
//! registry edit that does not load. In Python these become records of the
//! logger `reqsig.gate`. The message is the event's text followed by its
//! fields, and the fields are also passed as the record's `reqsig` attribute
//! (a dict) for structured handlers. Only events of the reqsig crates at
//! level info or above are forwarded, and only when the logger is enabled
//! for their level.

use std::fmt::Write as _;
use std::sync::Once;

use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::PyDict;
use tracing::field::{Field, Visit};
use tracing::{Event, Level, Metadata, Subscriber};
use tracing_subscriber::layer::{Context, Layer, SubscriberExt};

/// The name of the Python logger that receives the events.
const LOGGER: &str = "reqsig.gate";

/// Installs the forwarding subscriber once per process. Another subscriber
/// cannot be installed from Python, so this one always wins.
pub(crate) fn install() {
    static INSTALL: Once = Once::new();
    INSTALL.call_once(|| {
        let subscriber = tracing_subscriber::registry().with(PythonLogging);
        let _ = tracing::subscriber::set_global_default(subscriber);
    });
}

struct PythonLogging;

fn forwarded(metadata: &Metadata<'_>) -> bool {
    metadata.target().starts_with("reqsig") && *metadata.level() <= Level::INFO
}

/// Maps a `tracing` level to the number of the `logging` level.
fn python_level(level: Level) -> u8 {
    match level {
        Level::ERROR => 40,
        Level::WARN => 30,
        Level::INFO => 20,
        Level::DEBUG => 10,
        Level::TRACE => 5,
    }
}

/// The message and fields of one event.
#[derive(Default)]
struct Fields {
    message: String,
    fields: Vec<(&'static str, String)>,
}

impl Visit for Fields {
    fn record_str(&mut self, field: &Field, value: &str) {
        if field.name() == "message" {
            self.message = value.to_owned();
        } else {
            self.fields.push((field.name(), value.to_owned()));
        }
    }

    fn record_debug(&mut self, field: &Field, value: &dyn std::fmt::Debug) {
        if field.name() == "message" {
            self.message = format!("{value:?}");
        } else {
            self.fields.push((field.name(), plain(format!("{value:?}"))));
        }
    }
}

/// Shows an optional string field (`Some("key-1")`, logged with `?`) as its
/// value alone (`key-1`), as a Python reader expects.
fn plain(debug: String) -> String {
    let Some(inner) = debug
        .strip_prefix("Some(")
        .and_then(|rest| rest.strip_suffix(')'))
    else {
        return debug;
    };
    inner
        .strip_prefix('"')
        .and_then(|rest| rest.strip_suffix('"'))
        .unwrap_or(inner)
        .to_owned()
}

impl<S: Subscriber> Layer<S> for PythonLogging {
    fn register_callsite(&self, metadata: &'static Metadata<'static>) -> tracing::subscriber::Interest {
        if forwarded(metadata) {
            tracing::subscriber::Interest::always()
        } else {
            tracing::subscriber::Interest::never()
        }
    }

    fn enabled(&self, metadata: &Metadata<'_>, _context: Context<'_, S>) -> bool {
        forwarded(metadata)
    }

    fn on_event(&self, event: &Event<'_>, _context: Context<'_, S>) {
        let mut fields = Fields::default();
        event.record(&mut fields);
        let level = python_level(*event.metadata().level());
        // An interpreter that is shutting down cannot log, so the event is dropped.
        let _ = Python::try_attach(|py| {
            if let Err(error) = log(py, level, &fields) {
                error.write_unraisable(py, None);
            }
        });
    }
}

fn log(py: Python<'_>, level: u8, fields: &Fields) -> PyResult<()> {
    static LOGGER_OBJECT: PyOnceLock<Py<PyAny>> = PyOnceLock::new();
    let logger = LOGGER_OBJECT.get_or_try_init(py, || {
        py.import("logging")?
            .getattr("getLogger")?
            .call1((LOGGER,))
            .map(Bound::unbind)
    })?;
    let logger = logger.bind(py);
    if !logger.call_method1("isEnabledFor", (level,))?.is_truthy()? {
        return Ok(());
    }
    let mut text = fields.message.clone();
    let extra = PyDict::new(py);
    for (index, (name, value)) in fields.fields.iter().enumerate() {
        let separator = if index == 0 { ": " } else { ", " };
        let _ = write!(text, "{separator}{name}={value}");
        extra.set_item(name, value)?;
    }
    let keywords = PyDict::new(py);
    let record_extra = PyDict::new(py);
    record_extra.set_item("reqsig", extra)?;
    keywords.set_item("extra", record_extra)?;
    logger.call_method("log", (level, "%s", text), Some(&keywords))?;
    Ok(())
}
