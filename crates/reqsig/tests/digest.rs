//! Tests of Content-Digest (RFC 9530) computation and checks against the RFC 9530 vectors.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;
use reqsig::{
    DigestAlgorithm, DigestHasher, DigestVerifier, Error, UnknownDigestAlgorithm, content_digest,
    verify_content_digest,
};
use serde_json::Value;

/// One vector of rfc9530.json, with the members this test reads.
struct Vector {
    label: String,
    body: Vec<u8>,
    field_value_as_printed: String,
    field_value_correct: String,
    all_match: bool,
    members: Vec<Member>,
}

struct Member {
    algorithm: String,
    value_base64_computed: String,
    matches: bool,
    /// The printed text is not the canonical base64, though it decodes to the right bytes.
    text_differs: bool,
}

impl Vector {
    fn has_supported_algorithm(&self) -> bool {
        self.members
            .iter()
            .any(|member| member.algorithm.parse::<DigestAlgorithm>().is_ok())
    }
}

fn load_vectors() -> Vec<Vector> {
    let path = format!("{}/../../spec/vectors/rfc9530.json", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|error| panic!("cannot read {path}: {error}"));
    let json: Value =
        serde_json::from_str(&text).unwrap_or_else(|error| panic!("{path} is not valid JSON: {error}"));
    let string = |value: &Value, key: &str| -> String {
        value[key]
            .as_str()
            .unwrap_or_else(|| panic!("vector member {key} is not a string: {value}"))
            .to_owned()
    };

    json["vectors"]
        .as_array()
        .expect("vectors is an array")
        .iter()
        .map(|vector| Vector {
            label: format!("{}: {}", string(vector, "section"), string(vector, "description")),
            body: BASE64
                .decode(string(vector, "body_base64"))
                .expect("body_base64 is base64"),
            field_value_as_printed: string(vector, "field_value_as_printed"),
            field_value_correct: string(vector, "field_value_correct"),
            all_match: vector["all_match"].as_bool().expect("all_match is a boolean"),
            members: vector["members"]
                .as_array()
                .expect("members is an array")
                .iter()
                .map(|member| Member {
                    algorithm: string(member, "algorithm"),
                    value_base64_computed: string(member, "value_base64_computed"),
                    matches: member["matches"].as_bool().expect("matches is a boolean"),
                    text_differs: member["decoded_bytes_match_but_text_differs"].as_bool() == Some(true),
                })
                .collect(),
        })
        .collect()
}

/// Summarizes a result so the one-shot and streaming checks can be compared.
fn verdict(result: &Result<(), Error>) -> String {
    match result {
        Ok(()) => "ok".to_owned(),
        Err(Error::DigestMismatch { algorithm }) => format!("mismatch {algorithm}"),
        Err(Error::DigestUnsupported { found }) => format!("unsupported {found}"),
        Err(Error::MalformedDigest { .. }) => "malformed".to_owned(),
        Err(other) => format!("unexpected error: {other}"),
    }
}

fn verify_in_chunks(field_value: &[u8], body: &[u8], chunk_size: usize) -> Result<(), Error> {
    let mut verifier = DigestVerifier::new(field_value)?;
    for chunk in body.chunks(chunk_size) {
        verifier.update(chunk);
    }
    verifier.finish()
}

fn hash_in_chunks(body: &[u8], algorithm: DigestAlgorithm, chunk_size: usize) -> String {
    let mut hasher = DigestHasher::new(algorithm);
    for chunk in body.chunks(chunk_size) {
        hasher.update(chunk);
    }
    hasher.finalize()
}

#[test]
fn vectors_give_expected_verdict() {
    let vectors = load_vectors();
    assert!(
        vectors.len() >= 20,
        "expected the RFC 9530 vectors, found {}",
        vectors.len()
    );

    let (mut matched, mut mismatched, mut unsupported) = (0, 0, 0);
    for vector in &vectors {
        let result = verify_content_digest(vector.field_value_as_printed.as_bytes(), &vector.body);
        let label = &vector.label;

        if !vector.has_supported_algorithm() {
            let algorithms: Vec<&str> = vector
                .members
                .iter()
                .map(|member| member.algorithm.as_str())
                .collect();
            match result {
                Err(Error::DigestUnsupported { found }) => {
                    assert_eq!(found, algorithms.join(", "), "{label}")
                }
                other => panic!("{label}: expected DigestUnsupported, got {}", verdict(&other)),
            }
            unsupported += 1;
        } else if vector.members.iter().any(|member| member.text_differs) {
            // RFC 9530 Appendix B.5 prints a 32-byte digest with "==" padding
            // where one "=" is correct. That is invalid base64, so a strict
            // structured-field parser rejects the field (RFC 9651 section 4.2.7).
            assert_eq!(verdict(&result), "malformed", "{label}");
        } else if vector.all_match {
            assert!(
                result.is_ok(),
                "{label}: expected a match, got {}",
                verdict(&result)
            );
            matched += 1;
        } else {
            let failing = vector
                .members
                .iter()
                .find(|member| !member.matches)
                .expect("a vector that does not match has a failing member");
            match result {
                Err(Error::DigestMismatch { algorithm }) => {
                    assert_eq!(algorithm, failing.algorithm, "{label}")
                }
                other => panic!("{label}: expected DigestMismatch, got {}", verdict(&other)),
            }
            mismatched += 1;
        }
    }
    assert!(matched >= 15, "only {matched} matching vectors");
    assert!(mismatched >= 1, "no mismatching vector");
    assert!(unsupported >= 6, "only {unsupported} unsupported vectors");
}

#[test]
fn extra_padding_is_malformed() {
    let vectors = load_vectors();
    let padded = vectors
        .iter()
        .find(|vector| vector.members.iter().any(|member| member.text_differs))
        .expect("the Appendix B.5 vector with extra padding exists");
    assert!(padded.field_value_as_printed.contains("=="));
    let result = verify_content_digest(padded.field_value_as_printed.as_bytes(), &padded.body);
    match result {
        Err(Error::MalformedDigest { reason }) => assert!(reason.contains("byte sequence"), "{reason}"),
        other => panic!("expected MalformedDigest, got {}", verdict(&other)),
    }
    assert!(verify_content_digest(padded.field_value_correct.as_bytes(), &padded.body).is_ok());
}

#[test]
fn correct_field_values_match() {
    let mut checked = 0;
    for vector in load_vectors() {
        if !vector.has_supported_algorithm() {
            continue;
        }
        let result = verify_content_digest(vector.field_value_correct.as_bytes(), &vector.body);
        assert!(result.is_ok(), "{}: {}", vector.label, verdict(&result));
        checked += 1;
    }
    assert!(checked >= 15, "only {checked} vectors were checked");
}

#[test]
fn content_digest_reproduces_vectors() {
    let mut checked = 0;
    for vector in load_vectors() {
        for member in &vector.members {
            let Ok(algorithm) = member.algorithm.parse::<DigestAlgorithm>() else {
                continue;
            };
            let expected = format!("{}=:{}:", algorithm.name(), member.value_base64_computed);
            assert_eq!(
                content_digest(&vector.body, algorithm),
                expected,
                "{}",
                vector.label
            );
            checked += 1;
        }
        if let [member] = vector.members.as_slice()
            && let Ok(algorithm) = member.algorithm.parse::<DigestAlgorithm>()
        {
            assert_eq!(
                content_digest(&vector.body, algorithm),
                vector.field_value_correct,
                "{}",
                vector.label
            );
        }
    }
    assert!(checked >= 15, "only {checked} digests were compared");
}

#[test]
fn streaming_matches_one_shot() {
    for vector in load_vectors() {
        let field_value = vector.field_value_as_printed.as_bytes();
        let one_shot = verdict(&verify_content_digest(field_value, &vector.body));
        for chunk_size in [1, 7] {
            let streamed = verdict(&verify_in_chunks(field_value, &vector.body, chunk_size));
            assert_eq!(streamed, one_shot, "{} in {chunk_size}-byte chunks", vector.label);
        }

        for algorithm in DigestAlgorithm::ALL {
            let expected = content_digest(&vector.body, algorithm);
            for chunk_size in [1, 7] {
                assert_eq!(
                    hash_in_chunks(&vector.body, algorithm, chunk_size),
                    expected,
                    "{} {algorithm} in {chunk_size}-byte chunks",
                    vector.label
                );
            }
        }
    }
}

#[test]
fn changed_body_is_mismatch() {
    let mut checked = 0;
    for vector in load_vectors() {
        if !vector.has_supported_algorithm() || vector.body.is_empty() {
            continue;
        }
        let field_value = vector.field_value_correct.as_bytes();
        for index in [0, vector.body.len() - 1] {
            let mut changed = vector.body.clone();
            changed[index] ^= 0x01;
            for chunk_size in [changed.len(), 1, 7] {
                let result = verify_in_chunks(field_value, &changed, chunk_size);
                assert!(
                    matches!(result, Err(Error::DigestMismatch { .. })),
                    "{}: byte {index} changed, {chunk_size}-byte chunks: {}",
                    vector.label,
                    verdict(&result)
                );
            }
        }

        let mut longer = vector.body.clone();
        longer.push(b'\n');
        let result = verify_content_digest(field_value, &longer);
        assert!(
            matches!(result, Err(Error::DigestMismatch { .. })),
            "{}: one byte added",
            vector.label
        );
        checked += 1;
    }
    assert!(checked >= 10, "only {checked} bodies were changed");
}

#[test]
fn malformed_fields_are_rejected() {
    let cases: &[(&str, &[u8], &str)] = &[
        (
            "garbage",
            b"this is not a dictionary!",
            "not a structured-field dictionary",
        ),
        ("token value", b"sha-256=abc", "is a token"),
        ("integer value", b"sha-256=42", "is an integer"),
        (
            "string value",
            b"sha-256=\"RK/0qy18MlBSVnWgjwz6lZEWjP/lF5HF9bvEF8FabDg=\"",
            "is a string",
        ),
        ("bare key", b"sha-256", "is a boolean"),
        ("inner list", b"sha-256=(:AA==:)", "inner list"),
        (
            "invalid base64",
            b"sha-256=:not*base64:",
            "not a structured-field dictionary",
        ),
        (
            "unterminated byte sequence",
            b"sha-256=:AAAA",
            "not a structured-field dictionary",
        ),
        ("empty string", b"", "empty"),
        ("only whitespace", b"   ", "empty"),
        (
            "uppercase key",
            b"SHA-256=:AA==:",
            "not a structured-field dictionary",
        ),
        (
            "trailing comma",
            b"sha-256=:AA==:,",
            "not a structured-field dictionary",
        ),
        (
            "deprecated member not bytes",
            b"sha-256=:AA==:, md5=abc",
            "member md5 is a token",
        ),
        (
            "repeated algorithm",
            b"sha-256=:AA==:, sha-256=:AA==:",
            "more than once",
        ),
    ];
    for (name, field_value, expected) in cases {
        let result = verify_content_digest(field_value, b"body");
        match &result {
            Err(Error::MalformedDigest { reason }) => {
                assert!(
                    reason.contains(expected),
                    "{name}: reason should mention {expected:?}, got {reason:?}"
                );
            }
            other => panic!("{name}: expected MalformedDigest, got {}", verdict(other)),
        }
        assert!(
            matches!(
                DigestVerifier::new(field_value),
                Err(Error::MalformedDigest { .. })
            ),
            "{name}: DigestVerifier::new"
        );
    }
}

#[test]
fn wrong_length_is_mismatch() {
    let body = b"{\"hello\": \"world\"}";
    let sha512 = content_digest(body, DigestAlgorithm::Sha512);
    let sha512_bytes = sha512.trim_start_matches("sha-512=");
    for field_value in [
        "sha-256=:AAAA:".to_owned(),
        "sha-256=::".to_owned(),
        format!("sha-256={sha512_bytes}"),
    ] {
        let result = verify_content_digest(field_value.as_bytes(), body);
        assert_eq!(verdict(&result), "mismatch sha-256", "{field_value}");
    }
}

#[test]
fn unsupported_members_are_ignored() {
    let body = b"{\"hello\": \"world\"}";
    let sha256 = content_digest(body, DigestAlgorithm::Sha256);
    for field_value in [
        format!("md5=:Sd/dVLAcvNLSq16eXua5uQ==:, {sha256}"),
        format!("{sha256}, unixsum=:AAAA:, crc32c=:AAAAAA==:"),
        format!("new-algorithm=:AAAA:, {sha256}"),
        format!("{sha256};param=1, adler=:OZkGFw==:"),
    ] {
        assert!(
            verify_content_digest(field_value.as_bytes(), body).is_ok(),
            "{field_value}"
        );
    }

    let result = verify_content_digest(b"sha=:07CavjDP4u3/TungoUHJO/Wzr4c=:, new-algorithm=:AAAA:", body);
    assert_eq!(verdict(&result), "unsupported sha, new-algorithm");
}

#[test]
fn every_supported_member_must_match() {
    let body = b"{\"hello\": \"world\"}";
    let sha256 = content_digest(body, DigestAlgorithm::Sha256);
    let sha512 = content_digest(body, DigestAlgorithm::Sha512);
    let wrong256 = content_digest(b"other", DigestAlgorithm::Sha256);
    let wrong512 = content_digest(b"other", DigestAlgorithm::Sha512);

    let both = format!("{sha256}, {sha512}");
    assert!(verify_content_digest(both.as_bytes(), body).is_ok());

    let bad_second = format!("{sha256}, {wrong512}");
    assert_eq!(
        verdict(&verify_content_digest(bad_second.as_bytes(), body)),
        "mismatch sha-512"
    );

    let bad_first = format!("{wrong256}, {sha512}");
    assert_eq!(
        verdict(&verify_content_digest(bad_first.as_bytes(), body)),
        "mismatch sha-256"
    );
}

#[test]
fn joined_field_lines_are_checked() {
    let body = b"payload";
    let lines = [
        content_digest(body, DigestAlgorithm::Sha512),
        content_digest(body, DigestAlgorithm::Sha256),
    ];
    let joined = lines.join(", ");
    assert!(verify_content_digest(joined.as_bytes(), body).is_ok());

    let verifier = DigestVerifier::new(joined.as_bytes()).expect("joined lines parse");
    let algorithms: Vec<DigestAlgorithm> = verifier.algorithms().collect();
    assert_eq!(algorithms, [DigestAlgorithm::Sha512, DigestAlgorithm::Sha256]);
}

#[test]
fn verifier_rejects_before_body() {
    assert!(matches!(
        DigestVerifier::new(b"md5=:Sd/dVLAcvNLSq16eXua5uQ==:"),
        Err(Error::DigestUnsupported { .. })
    ));
    assert!(matches!(
        DigestVerifier::new(b"sha-256=abc"),
        Err(Error::MalformedDigest { .. })
    ));
}

#[test]
fn algorithm_names_round_trip() {
    for algorithm in DigestAlgorithm::ALL {
        assert_eq!(algorithm.name().parse::<DigestAlgorithm>(), Ok(algorithm));
        assert_eq!(algorithm.to_string(), algorithm.name());
        let digest = content_digest(b"", algorithm);
        let encoded = digest
            .strip_prefix(&format!("{}=:", algorithm.name()))
            .and_then(|rest| rest.strip_suffix(':'))
            .expect("field value is name=:base64:");
        let bytes = BASE64.decode(encoded).expect("digest is base64");
        assert_eq!(bytes.len(), algorithm.output_len());
    }
    assert_eq!(
        "SHA-256".parse::<DigestAlgorithm>(),
        Err(UnknownDigestAlgorithm("SHA-256".to_owned()))
    );
    assert!("md5".parse::<DigestAlgorithm>().is_err());
}

/// A field shaped like one sha-256 member is compared as text first. Every
/// field of that shape must get the verdict of the full check.
#[test]
fn one_member_shape_agrees_with_full_check() {
    let body = b"{\"hello\": \"world\"}\n";
    let correct = content_digest(body, DigestAlgorithm::Sha256);
    let encoded = &correct["sha-256=:".len()..correct.len() - 1];
    assert_eq!(encoded.len(), 44);
    let mut last_changed = encoded.to_owned();
    last_changed.replace_range(42..43, if &encoded[42..43] == "A" { "B" } else { "A" });
    let other_body = content_digest(b"other", DigestAlgorithm::Sha256);
    let fields = [
        correct.clone(),
        other_body,
        format!("sha-256=:{last_changed}:"),
        format!("sha-256=:{}:", "!".repeat(44)),
        // The 44 characters hold the end of one member and a second member.
        format!("sha-256=:{}:, md5=:{}:", &encoded[..24], &encoded[..12]),
        format!("sha-256=:{}:,sha-512=:{}:", &encoded[..20], &encoded[..13]),
    ];
    for field in &fields {
        assert_eq!(field.len(), correct.len(), "{field}");
        let one_shot = verdict(&verify_content_digest(field.as_bytes(), body));
        let streamed = verdict(&verify_in_chunks(field.as_bytes(), body, 5));
        assert_eq!(one_shot, streamed, "{field}");
    }
    assert_eq!(verdict(&verify_content_digest(correct.as_bytes(), body)), "ok");
    assert_eq!(
        verdict(&verify_content_digest(fields[1].as_bytes(), body)),
        "mismatch sha-256"
    );
}
