//! Tests of the raw HTTP/1.1 parser and serializer against the RFC 9421 example messages.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;
use reqsig::message::wire::{self, MAX_LINE_BYTES, MAX_MESSAGE_BYTES};
use reqsig::{Error, Message, StartLine};
use serde_json::Value;

fn load_vectors(file: &str) -> Value {
    let path = format!("{}/../../spec/vectors/{file}", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|error| panic!("cannot read {path}: {error}"));
    serde_json::from_str(&text).unwrap_or_else(|error| panic!("{path} is not valid JSON: {error}"))
}

fn text<'a>(value: &'a Value, key: &str) -> &'a str {
    value[key]
        .as_str()
        .unwrap_or_else(|| panic!("vector member {key} is not a string: {value}"))
}

fn parse_ok(input: &[u8], label: &str) -> Message {
    wire::parse(input).unwrap_or_else(|error| panic!("{label}: parse failed: {error}"))
}

fn field_pairs(value: &Value) -> Vec<(String, Vec<u8>)> {
    value
        .as_array()
        .expect("fields are an array of [name, value] pairs")
        .iter()
        .map(|pair| {
            let name = pair[0].as_str().expect("field name is a string");
            let value = pair[1].as_str().expect("field value is a string");
            (name.to_owned(), value.as_bytes().to_vec())
        })
        .collect()
}

/// Shows field values as text, so a failed comparison prints readable values.
fn readable(fields: &[(String, Vec<u8>)]) -> Vec<(String, String)> {
    fields
        .iter()
        .map(|(name, value)| (name.clone(), String::from_utf8_lossy(value).into_owned()))
        .collect()
}

/// Collects every message text in the vector files, with a label naming where it comes from.
fn all_vector_messages() -> Vec<(String, String)> {
    let mut messages = Vec::new();
    let signatures = load_vectors("rfc9421.json");
    for (name, message) in signatures["messages"].as_object().expect("messages is an object") {
        messages.push((
            format!("messages.{name}"),
            message.as_str().expect("message is a string").to_owned(),
        ));
    }
    for case in signatures["cases"].as_array().expect("cases is an array") {
        let name = text(case, "name");
        messages.push((format!("{name}.message"), text(case, "message").to_owned()));
        if let Some(request) = case["request"].as_str() {
            messages.push((format!("{name}.request"), request.to_owned()));
        }
    }
    let components = load_vectors("rfc9421-components.json");
    for (index, entry) in components["entries"]
        .as_array()
        .expect("entries is an array")
        .iter()
        .enumerate()
    {
        let title = text(entry, "title");
        messages.push((
            format!("entry {index} ({title}).message"),
            text(entry, "message").to_owned(),
        ));
        if let Some(request) = entry["request"].as_str() {
            messages.push((format!("entry {index} ({title}).request"), request.to_owned()));
        }
    }
    messages
}

/// Converts every LF to CRLF: in the header section only, unless the body is chunked,
/// where chunk and trailer lines end in line ends too.
fn with_crlf(message: &str) -> Vec<u8> {
    let (head, body) = message.split_once("\n\n").unwrap_or((message, ""));
    let chunked = head.to_ascii_lowercase().contains("transfer-encoding: chunked");
    if !message.contains("\n\n") {
        return message.replace('\n', "\r\n").into_bytes();
    }
    let body = if chunked {
        body.replace('\n', "\r\n")
    } else {
        body.to_owned()
    };
    format!("{}\r\n\r\n{body}", head.replace('\n', "\r\n")).into_bytes()
}

fn assert_invalid(input: &[u8], expected_parts: &[&str]) {
    match wire::parse(input) {
        Err(Error::InvalidMessage { reason }) => {
            for part in expected_parts {
                assert!(
                    reason.contains(part),
                    "error for {:?} should mention {part:?}, got: {reason}",
                    String::from_utf8_lossy(input)
                );
            }
        }
        Err(other) => panic!(
            "{:?} should fail with InvalidMessage, got another error: {other}",
            String::from_utf8_lossy(input)
        ),
        Ok(message) => panic!(
            "{:?} should be rejected but parsed as {message:?}",
            String::from_utf8_lossy(input)
        ),
    }
}

#[test]
fn signature_cases_match_message_parts() {
    let vectors = load_vectors("rfc9421.json");
    let cases = vectors["cases"].as_array().expect("cases is an array");
    assert!(!cases.is_empty());

    for case in cases {
        let name = text(case, "name");
        let parts = &case["message_parts"];
        let message = parse_ok(text(case, "message").as_bytes(), name);

        match text(parts, "type") {
            "request" => {
                let expected = StartLine::Request {
                    method: text(parts, "method").to_owned(),
                    target: text(parts, "target").to_owned(),
                };
                assert_eq!(message.start, expected, "{name}: start line");
            }
            "response" => {
                let status = parts["status"].as_u64().expect("status is a number");
                assert_eq!(message.status().map(u64::from), Some(status), "{name}: status");
            }
            other => panic!("{name}: unknown message type {other}"),
        }
        let expected_headers = field_pairs(&parts["headers"]);
        assert_eq!(
            readable(&message.headers),
            readable(&expected_headers),
            "{name}: headers"
        );
        assert_eq!(message.headers, expected_headers, "{name}: header bytes");
        let body = BASE64
            .decode(text(parts, "body_base64"))
            .expect("body_base64 is base64");
        assert_eq!(message.body, body, "{name}: body");
        match parts.get("trailers") {
            Some(trailers) => assert_eq!(message.trailers, Some(field_pairs(trailers)), "{name}: trailers"),
            None => assert_eq!(message.trailers, None, "{name}: trailers"),
        }
    }
}

#[test]
fn every_vector_message_parses() {
    let messages = all_vector_messages();
    assert!(
        messages.len() > 60,
        "expected every vector message, found {}",
        messages.len()
    );
    for (label, message) in &messages {
        parse_ok(message.as_bytes(), label);
    }
}

#[test]
fn component_field_values_match_expected() {
    // For an identifier that is a bare field name, RFC 9421 section 2.1 joins
    // the trimmed line values with ", ", so the parsed values must give the
    // expected component value.
    let vectors = load_vectors("rfc9421-components.json");
    let mut checked = 0;
    for entry in vectors["entries"].as_array().expect("entries is an array") {
        let identifier = text(entry, "component_identifier");
        let Some(expected) = entry["expected_value"].as_str() else {
            continue;
        };
        let Some(name) = identifier
            .strip_prefix('"')
            .and_then(|rest| rest.strip_suffix('"'))
        else {
            continue;
        };
        if name.starts_with('@') || name.contains('"') {
            continue;
        }
        let message = parse_ok(text(entry, "message").as_bytes(), identifier);
        let values: Vec<&[u8]> = message.header_values(name).collect();
        assert_eq!(
            values.join(&b", "[..]),
            expected.as_bytes(),
            "component {identifier}"
        );
        checked += 1;
    }
    assert!(
        checked >= 8,
        "expected at least 8 field entries, checked {checked}"
    );
}

#[test]
fn obs_fold_becomes_single_space() {
    let vectors = load_vectors("rfc9421-components.json");
    let entry = vectors["entries"]
        .as_array()
        .expect("entries is an array")
        .iter()
        .find(|entry| entry["component_identifier"] == "\"x-obs-fold-header\"")
        .expect("the x-obs-fold-header entry exists");
    let message = parse_ok(text(entry, "message").as_bytes(), "obs-fold entry");
    let value = message
        .header_values("x-obs-fold-header")
        .next()
        .expect("the field is present");
    assert_eq!(value, text(entry, "expected_value").as_bytes());
    assert_eq!(value, b"Obsolete line folding.");

    let crlf = parse_ok(
        b"GET / HTTP/1.1\r\nX-Fold: a \r\n\t \r\n   b\t\r\n\r\n",
        "crlf fold",
    );
    assert_eq!(crlf.headers, vec![("X-Fold".to_owned(), b"a b".to_vec())]);
}

#[test]
fn crlf_and_lf_give_same_message() {
    for (label, message) in all_vector_messages() {
        let from_lf = parse_ok(message.as_bytes(), &label);
        let from_crlf = parse_ok(&with_crlf(&message), &format!("{label} with CRLF"));
        assert_eq!(from_lf, from_crlf, "{label}");
    }
}

#[test]
fn mixed_line_ends_are_accepted() {
    let message = parse_ok(
        b"GET /a HTTP/1.1\r\nHost: example.com\nAccept: */*\r\n\nbody\r\n",
        "mixed",
    );
    assert_eq!(message.headers.len(), 2);
    assert_eq!(message.body, b"body\r\n");
}

#[test]
fn chunked_trailer_entry_decodes() {
    let vectors = load_vectors("rfc9421-components.json");
    let entry = vectors["entries"]
        .as_array()
        .expect("entries is an array")
        .iter()
        .find(|entry| entry["section"] == "RFC 9421 Section 2.1.4" && entry["trailers"].is_array())
        .expect("a Section 2.1.4 entry with trailers exists");
    let message = parse_ok(text(entry, "message").as_bytes(), "2.1.4 entry");

    assert_eq!(message.status(), Some(200));
    assert_eq!(message.body, b"HTTPMessageSignatures");
    // The vector keeps the space after the colon in its trailer values; the
    // parser strips it, as it does for header values.
    let expected: Vec<(String, Vec<u8>)> = field_pairs(&entry["trailers"])
        .into_iter()
        .map(|(name, value)| (name, value.trim_ascii().to_vec()))
        .collect();
    assert_eq!(message.trailers, Some(expected));
    assert_eq!(
        message.header_values("transfer-encoding").next(),
        Some(&b"chunked"[..])
    );
}

#[test]
fn chunked_extensions_and_hex_case() {
    let input = b"HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip, Chunked\r\n\r\n\
        A;name=value\r\n0123456789\r\n1 ; ext\r\n!\r\n0\r\n\r\n";
    let message = parse_ok(input, "extensions");
    assert_eq!(message.body, b"0123456789!");
    assert_eq!(message.trailers, Some(Vec::new()));
}

#[test]
fn chunked_without_trailers_has_empty_trailers() {
    let message = parse_ok(
        b"POST / HTTP/1.1\nTransfer-Encoding: chunked\n\n0\n",
        "empty chunked",
    );
    assert_eq!(message.body, b"");
    assert_eq!(message.trailers, Some(Vec::new()));
}

#[test]
fn chunk_data_may_contain_line_ends() {
    let message = parse_ok(
        b"POST / HTTP/1.1\nTransfer-Encoding: chunked\n\n3\na\nb\n0\n\n",
        "data with LF",
    );
    assert_eq!(message.body, b"a\nb");
}

#[test]
fn body_is_kept_byte_for_byte() {
    let message = parse_ok(b"POST / HTTP/1.1\nContent-Length: 99\n\n\r\nline\n\n", "body");
    assert_eq!(message.body, b"\r\nline\n\n");
}

#[test]
fn end_after_headers_means_empty_body() {
    let without_newline = parse_ok(b"GET / HTTP/1.1\nHost: a", "no final newline");
    assert_eq!(without_newline.headers, vec![("Host".to_owned(), b"a".to_vec())]);
    assert!(without_newline.body.is_empty());

    let with_newline = parse_ok(b"GET / HTTP/1.1\r\nHost: a\r\n", "final newline");
    assert_eq!(with_newline, without_newline);

    let start_line_only = parse_ok(b"HTTP/1.1 204 No Content", "start line only");
    assert_eq!(start_line_only.status(), Some(204));
    assert!(start_line_only.headers.is_empty());
}

#[test]
fn request_target_forms_are_kept() {
    for (line, method, target) in [
        ("GET /path?q=%2F HTTP/1.1", "GET", "/path?q=%2F"),
        (
            "GET https://www.example.com/path?param=value HTTP/1.1",
            "GET",
            "https://www.example.com/path?param=value",
        ),
        (
            "CONNECT www.example.com:80 HTTP/1.1",
            "CONNECT",
            "www.example.com:80",
        ),
        ("OPTIONS * HTTP/1.0", "OPTIONS", "*"),
    ] {
        let message = parse_ok(line.as_bytes(), line);
        let expected = StartLine::Request {
            method: method.to_owned(),
            target: target.to_owned(),
        };
        assert_eq!(message.start, expected, "{line}");
    }
}

#[test]
fn status_line_variants() {
    for (line, status) in [
        ("HTTP/1.1 200 OK", 200),
        ("HTTP/1.1 404", 404),
        ("HTTP/1.0 503 Service Unavailable", 503),
        ("HTTP/1.1 299 ", 299),
        ("HTTP/1.1 418 I'm a \t teapot \u{00e9}", 418),
    ] {
        let message = parse_ok(line.as_bytes(), line);
        assert_eq!(message.status(), Some(status), "{line}");
    }
}

#[test]
fn header_values_keep_inner_bytes() {
    let message = parse_ok(
        b"GET / HTTP/1.1\nX-A:\t  a  b\t\nX-B:\nX-C: caf\xc3\xa9 \xff\n\n",
        "values",
    );
    assert_eq!(
        message.headers,
        vec![
            ("X-A".to_owned(), b"a  b".to_vec()),
            ("X-B".to_owned(), Vec::new()),
            ("X-C".to_owned(), b"caf\xc3\xa9 \xff".to_vec()),
        ]
    );
}

#[test]
fn round_trip_preserves_vector_messages() {
    for (label, message) in all_vector_messages() {
        let parsed = parse_ok(message.as_bytes(), &label);
        let written = wire::serialize(&parsed);
        let reparsed = parse_ok(&written, &format!("{label} after serialize"));
        assert_eq!(reparsed, parsed, "{label}");
    }
}

#[test]
fn serialize_writes_crlf_and_reason_phrase() {
    let message = Message::response(503)
        .with_header("Content-Type", "text/plain")
        .with_body("busy\n");
    assert_eq!(
        wire::serialize(&message),
        b"HTTP/1.1 503 Service Unavailable\r\nContent-Type: text/plain\r\n\r\nbusy\n"
    );

    let unknown = Message::response(299);
    assert_eq!(wire::serialize(&unknown), b"HTTP/1.1 299 \r\n\r\n");

    let request = Message::request("GET", "/").with_header("Host", "example.com");
    assert_eq!(
        wire::serialize(&request),
        b"GET / HTTP/1.1\r\nHost: example.com\r\n\r\n"
    );
}

#[test]
fn serialize_chunks_body_with_trailers() {
    let message = Message::response(200)
        .with_header("Transfer-Encoding", "chunked")
        .with_body("HTTPMessageSignatures")
        .with_trailer("Expires", "Wed, 9 Nov 2022 07:28:00 GMT");
    let written = wire::serialize(&message);
    assert_eq!(
        written,
        b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n15\r\nHTTPMessageSignatures\r\n0\r\nExpires: Wed, 9 Nov 2022 07:28:00 GMT\r\n\r\n"
    );
    assert_eq!(parse_ok(&written, "chunked round trip"), message);
}

#[test]
fn serialize_adds_chunked_for_trailers() {
    let message = Message::response(200).with_trailer("Expires", "never");
    let written = wire::serialize(&message);
    assert_eq!(
        written,
        b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n0\r\nExpires: never\r\n\r\n"
    );
    let reparsed = parse_ok(&written, "added Transfer-Encoding");
    assert_eq!(reparsed.trailers, message.trailers);
    assert_eq!(reparsed.body, message.body);
}

#[test]
fn serialize_replaces_line_breaks_in_values() {
    let message = Message::request("GET", "/").with_header("X-Evil", "a\r\nInjected: yes");
    let written = wire::serialize(&message);
    assert_eq!(written, b"GET / HTTP/1.1\r\nX-Evil: a  Injected: yes\r\n\r\n");
    let reparsed = parse_ok(&written, "sanitized");
    assert_eq!(reparsed.headers.len(), 1);
}

#[test]
fn malformed_messages_are_rejected() {
    let cases: &[(&str, &[u8], &[&str])] = &[
        ("empty input", b"", &["empty"]),
        (
            "blank first line",
            b"\nGET / HTTP/1.1\n\n",
            &["line 1", "first line is empty"],
        ),
        (
            "header instead of start line",
            b"Host: example.com\n\n",
            &["line 1", "looks like a header line"],
        ),
        (
            "header with spaces as start line",
            b"X-A: b c\n\n",
            &["line 1", "looks like a header line"],
        ),
        (
            "two-part request line",
            b"GET /\n\n",
            &["line 1", "not a valid request line"],
        ),
        (
            "double space in request line",
            b"GET  / HTTP/1.1\n\n",
            &["line 1", "not a valid request line"],
        ),
        (
            "bad version",
            b"GET / HTTP/2.0\n\n",
            &["line 1", "unsupported HTTP version", "HTTP/2.0"],
        ),
        (
            "lowercase version",
            b"GET / http/1.1\n\n",
            &["line 1", "invalid HTTP version"],
        ),
        (
            "version without minor",
            b"HTTP/1 200 OK\n\n",
            &["line 1", "invalid HTTP version"],
        ),
        ("bad method", b"G(T / HTTP/1.1\n\n", &["line 1", "method", "'('"]),
        (
            "control in target",
            b"GET /a\x01b HTTP/1.1\n\n",
            &["line 1", "request-target", "0x01"],
        ),
        (
            "non-numeric status",
            b"HTTP/1.1 2x0 OK\n\n",
            &["line 1", "three-digit status code"],
        ),
        (
            "short status",
            b"HTTP/1.1 20 OK\n\n",
            &["line 1", "three-digit status code"],
        ),
        (
            "long status",
            b"HTTP/1.1 2000 OK\n\n",
            &["line 1", "more than three digits"],
        ),
        (
            "status out of range",
            b"HTTP/1.1 999 Odd\n\n",
            &["line 1", "999", "outside the range 100 to 599"],
        ),
        (
            "missing status",
            b"HTTP/1.1\n\n",
            &["line 1", "three-digit status code"],
        ),
        (
            "control in reason",
            b"HTTP/1.1 200 O\x00K\n\n",
            &["line 1", "reason phrase", "0x00"],
        ),
        (
            "header without colon",
            b"GET / HTTP/1.1\nHost example.com\n\n",
            &["line 2", "no colon"],
        ),
        (
            "space before colon",
            b"GET / HTTP/1.1\nHost : example.com\n\n",
            &["line 2", "\"Host\"", "before the colon"],
        ),
        (
            "tab before colon",
            b"GET / HTTP/1.1\nA: b\nHost\t: example.com\n\n",
            &["line 3", "before the colon"],
        ),
        (
            "empty name",
            b"GET / HTTP/1.1\n: value\n\n",
            &["line 2", "starts with a colon"],
        ),
        (
            "control in name",
            b"GET / HTTP/1.1\nX-\x01Bad: v\n\n",
            &["line 2", "field name", "0x01"],
        ),
        (
            "space in name",
            b"GET / HTTP/1.1\nX Bad: v\n\n",
            &["line 2", "field name", "a space"],
        ),
        (
            "non-ASCII name",
            b"GET / HTTP/1.1\nX-\xc3\xa9: v\n\n",
            &["line 2", "field name", "non-ASCII byte 0xc3"],
        ),
        (
            "NUL in value",
            b"GET / HTTP/1.1\nX-A: a\x00b\n\n",
            &["line 2", "\"X-A\"", "0x00"],
        ),
        (
            "bare CR in value",
            b"GET / HTTP/1.1\nX-A: a\rb\n\n",
            &["line 2", "carriage return"],
        ),
        (
            "fold before any field",
            b"GET / HTTP/1.1\n  folded\n\n",
            &["line 2", "starts with whitespace"],
        ),
        (
            "control in folded line",
            b"GET / HTTP/1.1\nX-A: a\n b\x7f\n\n",
            &["line 3", "0x7f"],
        ),
        (
            "bad chunk size",
            b"POST / HTTP/1.1\nTransfer-Encoding: chunked\n\nzz\nab\n0\n\n",
            &["line 4", "invalid chunk size", "hexadecimal"],
        ),
        (
            "chunk size with junk",
            b"POST / HTTP/1.1\nTransfer-Encoding: chunked\n\n2 x\nab\n0\n\n",
            &["line 4", "chunk extensions"],
        ),
        (
            "chunk size overflow",
            b"POST / HTTP/1.1\nTransfer-Encoding: chunked\n\nffffffffffffffffffff\n\n",
            &["line 4", "too large"],
        ),
        (
            "truncated chunk",
            b"POST / HTTP/1.1\nTransfer-Encoding: chunked\n\na\nabc",
            &["line 4", "truncated", "10 bytes"],
        ),
        (
            "chunk longer than size",
            b"POST / HTTP/1.1\nTransfer-Encoding: chunked\n\n2\nabc\n0\n\n",
            &["line 5", "longer than its size"],
        ),
        (
            "missing last chunk",
            b"POST / HTTP/1.1\nTransfer-Encoding: chunked\n\n2\nab\n",
            &["line 6", "before its last chunk"],
        ),
        (
            "chunked with no body",
            b"POST / HTTP/1.1\nTransfer-Encoding: chunked\n",
            &["before its last chunk"],
        ),
        (
            "chunk data at end of input",
            b"POST / HTTP/1.1\nTransfer-Encoding: chunked\n\n2\nab",
            &["before its last chunk"],
        ),
        (
            "bad trailer",
            b"POST / HTTP/1.1\nTransfer-Encoding: chunked\n\n0\nBad Trailer: x\n\n",
            &["line 5", "trailer field name"],
        ),
        (
            "data after trailers",
            b"POST / HTTP/1.1\nTransfer-Encoding: chunked\n\n0\n\nextra",
            &["line 6", "remove it"],
        ),
        (
            "chunked not final",
            b"POST / HTTP/1.1\nTransfer-Encoding: chunked, gzip\n\n",
            &["\"chunked, gzip\"", "final transfer coding"],
        ),
        (
            "chunked twice",
            b"POST / HTTP/1.1\nTransfer-Encoding: chunked\nTransfer-Encoding: chunked\n\n0\n\n",
            &["occur only once"],
        ),
    ];
    for (name, input, expected_parts) in cases {
        eprintln!("case: {name}");
        assert_invalid(input, expected_parts);
    }
}

#[test]
fn oversized_input_is_rejected() {
    let mut huge = b"POST / HTTP/1.1\n\n".to_vec();
    huge.resize(MAX_MESSAGE_BYTES + 1, b'a');
    assert_invalid(&huge, &["16 MiB", &(MAX_MESSAGE_BYTES + 1).to_string()]);

    let mut at_limit = b"POST / HTTP/1.1\n\n".to_vec();
    at_limit.resize(MAX_MESSAGE_BYTES, b'a');
    let message = parse_ok(&at_limit, "message at the size limit");
    assert_eq!(message.body.len(), MAX_MESSAGE_BYTES - 17);
}

#[test]
fn long_lines_are_rejected() {
    let mut long_header = b"GET / HTTP/1.1\nX-Long: ".to_vec();
    long_header.resize(long_header.len() + MAX_LINE_BYTES, b'a');
    long_header.extend_from_slice(b"\n\n");
    assert_invalid(&long_header, &["line 2", "64 KiB"]);

    let mut long_last_line = b"GET / HTTP/1.1\nX-Long: ".to_vec();
    long_last_line.resize(long_last_line.len() + MAX_LINE_BYTES, b'a');
    assert_invalid(&long_last_line, &["line 2", "64 KiB"]);

    // A line of exactly the limit is accepted, with either line end.
    for line_end in ["\n", "\r\n"] {
        let mut longest = b"GET / HTTP/1.1\n".to_vec();
        let name = b"X-Long: ";
        longest.extend_from_slice(name);
        longest.resize(longest.len() + MAX_LINE_BYTES - name.len(), b'a');
        longest.extend_from_slice(line_end.as_bytes());
        let message = parse_ok(&longest, "line at the limit");
        assert_eq!(message.headers[0].1.len(), MAX_LINE_BYTES - name.len());
    }

    // Body lines have no length limit.
    let mut long_body = b"POST / HTTP/1.1\n\n".to_vec();
    long_body.resize(long_body.len() + 2 * MAX_LINE_BYTES, b'b');
    assert_eq!(parse_ok(&long_body, "long body").body.len(), 2 * MAX_LINE_BYTES);
}

#[test]
fn mutated_inputs_never_panic() {
    // Every prefix, and every single-byte replacement with a byte that matters
    // to the grammar, of each vector message must return rather than panic.
    let replacements = [0u8, b'\n', b'\r', b' ', b'\t', b':', b';', b'0', b'f', 0xff];
    let mut messages: Vec<String> = all_vector_messages()
        .into_iter()
        .map(|(_, message)| message)
        .collect();
    messages.sort();
    messages.dedup();
    assert!(messages.iter().any(|message| message.contains("chunked")));

    let mut inputs = 0;
    for message in &messages {
        let bytes = with_crlf(message);
        for end in 0..=bytes.len() {
            let _ = wire::parse(&bytes[..end]);
            inputs += 1;
        }
        for index in 0..bytes.len() {
            for &replacement in &replacements {
                let mut mutated = bytes.clone();
                mutated[index] = replacement;
                let _ = wire::parse(&mutated);
                inputs += 1;
            }
        }
    }
    assert!(inputs > 10_000, "only {inputs} inputs were tried");
}
