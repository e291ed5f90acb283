//! Runs the httpwg structured-field test suite through sfv, the parser and
//! serializer reqsig uses for Signature-Input, Signature, Content-Digest and
//! the `sf` and `key` component parameters.
//!
//! Parse records: `must_fail` input must fail to parse. Other input must parse
//! to the `expected` value, and both the parsed value and the `expected`
//! value must serialize to `canonical` (or to the joined `raw` when there is
//! no `canonical`). A `can_fail` record may fail to parse, but if it parses the
//! result is checked like any other record.
//!
//! Serialisation records: `expected` must fail to convert or serialize when
//! `must_fail` is set, and must serialize to `canonical` otherwise.

use std::path::{Path, PathBuf};

use serde_json::Value;
use sfv::{
    BareItem, Date, Decimal, Dictionary, FieldType, InnerList, Integer, Item, Key, List, ListEntry,
    Parameters, Parser, Token,
};

fn suite_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../spec/vectors/structured-field-tests")
}

/// Lists the JSON test files of one folder, sorted by name.
fn json_files(dir: &Path) -> Vec<PathBuf> {
    let entries =
        std::fs::read_dir(dir).unwrap_or_else(|error| panic!("cannot list {}: {error}", dir.display()));
    let mut files: Vec<PathBuf> = entries
        .map(|entry| entry.expect("directory entry is readable").path())
        .filter(|path| path.extension().is_some_and(|extension| extension == "json"))
        .collect();
    files.sort();
    files
}

fn load_records(path: &Path) -> Vec<Value> {
    let text = std::fs::read_to_string(path)
        .unwrap_or_else(|error| panic!("cannot read {}: {error}", path.display()));
    let json: Value = serde_json::from_str(&text)
        .unwrap_or_else(|error| panic!("{} is not valid JSON: {error}", path.display()));
    json.as_array()
        .unwrap_or_else(|| panic!("{} is not an array of records", path.display()))
        .clone()
}

/// A parsed or built field value of one of the three top-level types.
#[derive(Debug, PartialEq)]
enum FieldValue {
    Item(Item),
    List(List),
    Dictionary(Dictionary),
}

impl FieldValue {
    fn parse(header_type: &str, input: &str) -> Result<FieldValue, String> {
        let parser = Parser::new(input);
        let parsed = match header_type {
            "item" => parser.parse::<Item>().map(FieldValue::Item),
            "list" => parser.parse::<List>().map(FieldValue::List),
            "dictionary" => parser.parse::<Dictionary>().map(FieldValue::Dictionary),
            other => return Err(format!("unknown header_type {other}")),
        };
        parsed.map_err(|error| error.to_string())
    }

    /// Serializes the value. An empty list or dictionary serializes to `None`.
    fn serialize(&self) -> Option<String> {
        match self {
            FieldValue::Item(item) => Some(item.serialize()),
            FieldValue::List(list) => list.serialize(),
            FieldValue::Dictionary(dictionary) => dictionary.serialize(),
        }
    }

    /// Builds the value that a record's `expected` member describes.
    fn from_expected(header_type: &str, expected: &Value) -> Result<FieldValue, String> {
        match header_type {
            "item" => Ok(FieldValue::Item(item_from_json(expected)?)),
            "list" => {
                let members = json_array(expected)?;
                let list = members
                    .iter()
                    .map(entry_from_json)
                    .collect::<Result<List, String>>()?;
                Ok(FieldValue::List(list))
            }
            "dictionary" => {
                let mut dictionary = Dictionary::new();
                for member in json_array(expected)? {
                    let (name, value) = json_pair(member)?;
                    dictionary.insert(key_from_json(name)?, entry_from_json(value)?);
                }
                Ok(FieldValue::Dictionary(dictionary))
            }
            other => Err(format!("unknown header_type {other}")),
        }
    }
}

fn json_array(value: &Value) -> Result<&Vec<Value>, String> {
    value
        .as_array()
        .ok_or_else(|| format!("expected a JSON array, got {value}"))
}

fn json_pair(value: &Value) -> Result<(&Value, &Value), String> {
    match json_array(value)?.as_slice() {
        [first, second] => Ok((first, second)),
        _ => Err(format!("expected a two-element array, got {value}")),
    }
}

/// Builds a list member. An Item is `[bare item, parameters]`, and an inner list is
/// `[[items...], parameters]`.
fn entry_from_json(value: &Value) -> Result<ListEntry, String> {
    let (first, parameters) = json_pair(value)?;
    if let Some(items) = first.as_array() {
        let items = items
            .iter()
            .map(item_from_json)
            .collect::<Result<Vec<Item>, String>>()?;
        Ok(ListEntry::InnerList(InnerList::with_params(
            items,
            parameters_from_json(parameters)?,
        )))
    } else {
        Ok(ListEntry::Item(item_from_json(value)?))
    }
}

fn item_from_json(value: &Value) -> Result<Item, String> {
    let (bare_item, parameters) = json_pair(value)?;
    Ok(Item::with_params(
        bare_item_from_json(bare_item)?,
        parameters_from_json(parameters)?,
    ))
}

fn parameters_from_json(value: &Value) -> Result<Parameters, String> {
    let mut parameters = Parameters::new();
    for parameter in json_array(value)? {
        let (name, value) = json_pair(parameter)?;
        parameters.insert(key_from_json(name)?, bare_item_from_json(value)?);
    }
    Ok(parameters)
}

fn key_from_json(value: &Value) -> Result<Key, String> {
    let name = value
        .as_str()
        .ok_or_else(|| format!("a key must be a JSON string, got {value}"))?;
    Key::from_string(name.to_owned()).map_err(|(error, name)| format!("invalid key {name:?}: {error}"))
}

fn bare_item_from_json(value: &Value) -> Result<BareItem, String> {
    match value {
        Value::Bool(boolean) => Ok(BareItem::Boolean(*boolean)),
        Value::Number(number) => {
            if let Some(integer) = number.as_i64() {
                Integer::try_from(integer)
                    .map(BareItem::Integer)
                    .map_err(|error| format!("integer {integer}: {error}"))
            } else if let Some(float) = number.as_f64().filter(|_| number.is_f64()) {
                Decimal::try_from(float)
                    .map(BareItem::Decimal)
                    .map_err(|error| format!("decimal {float}: {error}"))
            } else {
                Err(format!("number {number} is out of range"))
            }
        }
        Value::String(text) => sfv::String::from_string(text.clone())
            .map(BareItem::String)
            .map_err(|(error, text)| format!("invalid string {text:?}: {error}")),
        Value::Object(object) => {
            let kind = object.get("__type").and_then(Value::as_str).unwrap_or_default();
            let inner = object
                .get("value")
                .ok_or_else(|| format!("typed value without value: {value}"))?;
            match (kind, inner) {
                ("token", Value::String(token)) => Token::from_string(token.clone())
                    .map(BareItem::Token)
                    .map_err(|(error, token)| format!("invalid token {token:?}: {error}")),
                ("binary", Value::String(encoded)) => base32_decode(encoded).map(BareItem::ByteSequence),
                ("date", Value::Number(seconds)) => {
                    let seconds = seconds
                        .as_i64()
                        .ok_or_else(|| format!("date {seconds} is not an integer"))?;
                    let seconds =
                        Integer::try_from(seconds).map_err(|error| format!("date {seconds}: {error}"))?;
                    Ok(BareItem::Date(Date::from_unix_seconds(seconds)))
                }
                ("displaystring", Value::String(text)) => Ok(BareItem::DisplayString(text.clone())),
                _ => Err(format!("unknown typed value {value}")),
            }
        }
        Value::Null | Value::Array(_) => Err(format!("{value} is not a bare item")),
    }
}

/// Decodes RFC 4648 base32 with padding, as the suite writes binary content.
fn base32_decode(encoded: &str) -> Result<Vec<u8>, String> {
    const ALPHABET: &[u8; 32] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
    let mut bytes = Vec::new();
    let (mut buffer, mut bits) = (0u32, 0u32);
    for character in encoded.bytes().take_while(|&character| character != b'=') {
        let value = ALPHABET
            .iter()
            .position(|&symbol| symbol == character)
            .ok_or_else(|| {
                format!(
                    "invalid base32 character {:?} in {encoded:?}",
                    char::from(character)
                )
            })?;
        buffer = (buffer << 5) | value as u32;
        bits += 5;
        if bits >= 8 {
            bits -= 8;
            bytes.push((buffer >> bits) as u8);
            buffer &= (1 << bits) - 1;
        }
    }
    Ok(bytes)
}

/// Joins a JSON array of field lines with ", ", as a recipient combines field lines.
fn join_lines(value: &Value) -> Result<String, String> {
    let lines = json_array(value)?
        .iter()
        .map(|line| {
            line.as_str()
                .map(str::to_owned)
                .ok_or_else(|| format!("line {line} is not a string"))
        })
        .collect::<Result<Vec<String>, String>>()?;
    Ok(lines.join(", "))
}

/// Returns the serialization a record expects, which is `None` for an empty list or dictionary.
fn expected_serialization(record: &Value, raw: &str) -> Result<Option<String>, String> {
    match record.get("canonical") {
        None => Ok(Some(raw.to_owned())),
        Some(canonical) if json_array(canonical)?.is_empty() => Ok(None),
        Some(canonical) => join_lines(canonical).map(Some),
    }
}

#[derive(Debug, Default)]
struct Counts {
    /// Records whose parse result and serialization were compared.
    checked: usize,
    /// `must_fail` records that failed as required.
    failed_as_required: usize,
    /// `can_fail` records that failed to parse.
    allowed_failures: usize,
}

/// Checks one parse record, returning a description of each problem.
fn check_parse_record(record: &Value, counts: &mut Counts) -> Result<(), String> {
    let header_type = record["header_type"].as_str().ok_or("header_type is missing")?;
    let raw = join_lines(&record["raw"])?;
    let must_fail = record["must_fail"].as_bool() == Some(true);
    let can_fail = record["can_fail"].as_bool() == Some(true);

    let parsed = match (FieldValue::parse(header_type, &raw), must_fail, can_fail) {
        (Err(_), true, _) => {
            counts.failed_as_required += 1;
            return Ok(());
        }
        (Ok(value), true, _) => return Err(format!("parsed as {value:?}, but must fail")),
        (Err(_), false, true) => {
            counts.allowed_failures += 1;
            return Ok(());
        }
        (Err(error), false, false) => return Err(format!("failed to parse: {error}")),
        (Ok(value), false, _) => value,
    };

    let expected = FieldValue::from_expected(header_type, &record["expected"])
        .map_err(|error| format!("cannot build the expected value: {error}"))?;
    if parsed != expected {
        return Err(format!("parsed {parsed:?}, expected {expected:?}"));
    }

    let serialization = expected_serialization(record, &raw)?;
    if parsed.serialize() != serialization {
        return Err(format!(
            "parsed value serializes to {:?}, expected {serialization:?}",
            parsed.serialize()
        ));
    }
    if expected.serialize() != serialization {
        return Err(format!(
            "expected value serializes to {:?}, expected {serialization:?}",
            expected.serialize()
        ));
    }
    counts.checked += 1;
    Ok(())
}

/// Checks one serialisation record, returning a description of the problem.
fn check_serialisation_record(record: &Value, counts: &mut Counts) -> Result<(), String> {
    let header_type = record["header_type"].as_str().ok_or("header_type is missing")?;
    let must_fail = record["must_fail"].as_bool() == Some(true);
    let serialized =
        FieldValue::from_expected(header_type, &record["expected"]).map(|value| value.serialize());

    match (serialized, must_fail) {
        (Err(_), true) | (Ok(None), true) => {
            counts.failed_as_required += 1;
            Ok(())
        }
        (Ok(Some(text)), true) => Err(format!("serialized to {text:?}, but must fail")),
        (Err(error), false) => Err(format!("failed to serialize: {error}")),
        (Ok(serialization), false) => {
            let expected = match record.get("canonical") {
                Some(canonical) if !json_array(canonical)?.is_empty() => Some(join_lines(canonical)?),
                _ => None,
            };
            if serialization != expected {
                return Err(format!("serialized to {serialization:?}, expected {expected:?}"));
            }
            counts.checked += 1;
            Ok(())
        }
    }
}

fn run_folder(dir: &Path, check: fn(&Value, &mut Counts) -> Result<(), String>) -> Vec<String> {
    let files = json_files(dir);
    assert!(!files.is_empty(), "no test files in {}", dir.display());

    let mut problems = Vec::new();
    for file in files {
        let file_name = file
            .strip_prefix(suite_dir())
            .unwrap_or(&file)
            .display()
            .to_string();
        let mut counts = Counts::default();
        for record in load_records(&file) {
            let name = record["name"].as_str().unwrap_or("(unnamed)").to_owned();
            if let Err(problem) = check(&record, &mut counts) {
                problems.push(format!("{file_name}: {name}: {problem}"));
            }
        }
        println!(
            "{file_name}: {} checked, {} failed as required, {} allowed failures",
            counts.checked, counts.failed_as_required, counts.allowed_failures
        );
        assert!(
            counts.checked + counts.failed_as_required > 0,
            "{file_name}: no record was checked"
        );
    }
    problems
}

#[test]
fn parse_suite_passes() {
    let problems = run_folder(&suite_dir(), check_parse_record);
    assert!(
        problems.is_empty(),
        "{} records failed:\n{}",
        problems.len(),
        problems.join("\n")
    );
}

#[test]
fn serialisation_suite_passes() {
    let problems = run_folder(
        &suite_dir().join("serialisation-tests"),
        check_serialisation_record,
    );
    assert!(
        problems.is_empty(),
        "{} records failed:\n{}",
        problems.len(),
        problems.join("\n")
    );
}

#[test]
fn base32_decoder_matches_rfc4648() {
    // RFC 4648 section 10 test vectors.
    for (encoded, decoded) in [
        ("", ""),
        ("MY======", "f"),
        ("MZXQ====", "fo"),
        ("MZXW6===", "foo"),
        ("MZXW6YQ=", "foob"),
        ("MZXW6YTB", "fooba"),
        ("MZXW6YTBOI======", "foobar"),
    ] {
        assert_eq!(
            base32_decode(encoded).as_deref(),
            Ok(decoded.as_bytes()),
            "{encoded}"
        );
    }
}
