//! The verifying middleware on loopback: every response, the order of checks,
//! rotation, revocation, registry reload and scope bypass attempts.

mod common;

use std::sync::Arc;

use common::{ManualClock, key, request, send, serve, serve_gate, signed, signer};
use reqsig::Nonce;
use reqsig_gate::replay::MemoryReplayStore;
use reqsig_gate::{Gate, KeyRecord, KeyStatus, MemoryRegistry, RateLimit, RegistryFile, Scope, parse_cidr};
use reqsig_tower::VerifyLayer;

fn gate_with(records: Vec<KeyRecord>, clock: Arc<ManualClock>) -> (Gate, Arc<MemoryRegistry>) {
    let registry = Arc::new(MemoryRegistry::with_records(records));
    let gate = Gate::builder(registry.clone())
        .clock(clock.clone())
        .replay_store(Arc::new(MemoryReplayStore::new(1000).with_clock(clock)))
        .public_route(Scope::new(&["GET"], &["/public/**"]).unwrap())
        .build();
    (gate, registry)
}

#[tokio::test]
async fn signed_get_and_post_accepted() {
    let clock = ManualClock::new();
    let (gate, _) = gate_with(
        vec![KeyRecord::new("k1", "client-a", key(1).verifying_key())],
        clock.clone(),
    );
    let server = serve_gate(gate).await;
    let signer = signer(&key(1), "k1", clock);

    let reply = send(signed(&signer, "GET", &server.url("/orders?page=2"), None)).await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    assert_eq!(reply.body, "client-a|k1|");

    let reply = send(signed(
        &signer,
        "POST",
        &server.url("/orders"),
        Some(r#"{"item":42}"#),
    ))
    .await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    assert_eq!(reply.body, r#"client-a|k1|{"item":42}"#);

    let usage = server.layer.usage();
    assert_eq!(usage.keys["k1"].accepted, 2);
    assert_eq!(usage.keys["k1"].last_used, Some(common::START));
}

#[tokio::test]
async fn unsigned_request_challenged() {
    let clock = ManualClock::new();
    let (gate, _) = gate_with(
        vec![KeyRecord::new("k1", "client-a", key(1).verifying_key())],
        clock,
    );
    let server = serve_gate(gate).await;

    let reply = send(request("GET", &server.url("/orders"), None)).await;
    assert_eq!(reply.status, 401);
    assert_eq!(reply.code(), "missing_signature");
    assert_eq!(reply.headers["www-authenticate"], "Signature realm=\"reqsig\"");
    let accept = reply.headers["accept-signature"].to_str().unwrap();
    assert_eq!(
        accept,
        r#"sig1=("@method" "@authority" "@path" "@query");created;nonce"#
    );

    let reply = send(request("GET", &server.url("/public/health"), None)).await;
    assert_eq!(reply.status, 200);
    assert_eq!(reply.body, "public");
}

#[tokio::test]
async fn bad_signatures_hidden_behind_one_code() {
    let clock = ManualClock::new();
    let mut revoked = KeyRecord::new("k-revoked", "client-a", key(2).verifying_key());
    revoked.status = KeyStatus::Revoked;
    let (gate, _) = gate_with(
        vec![KeyRecord::new("k1", "client-a", key(1).verifying_key()), revoked],
        clock.clone(),
    );
    let server = serve_gate(gate).await;

    // Signed by another key than the registered one.
    let wrong_key = signer(&key(9), "k1", clock.clone());
    let bad_signature = send(signed(&wrong_key, "GET", &server.url("/a"), None)).await;
    let unknown = send(signed(
        &signer(&key(1), "nobody", clock.clone()),
        "GET",
        &server.url("/a"),
        None,
    ))
    .await;
    let revoked = send(signed(
        &signer(&key(2), "k-revoked", clock),
        "GET",
        &server.url("/a"),
        None,
    ))
    .await;
    for reply in [&bad_signature, &unknown, &revoked] {
        assert_eq!(reply.status, 401);
        assert_eq!(reply.code(), "invalid_signature");
        assert_eq!(reply.json()["detail"], "the signature could not be verified");
    }

    let usage = server.layer.usage();
    assert_eq!(usage.keys["k1"].rejected["invalid_signature"], 1);
    assert_eq!(usage.keys["k-revoked"].rejected["key_revoked"], 1);
    assert_eq!(usage.unattributed["unknown_key"], 1);
}

#[tokio::test]
async fn development_switch_exposes_reason() {
    let clock = ManualClock::new();
    let registry = Arc::new(MemoryRegistry::with_records([KeyRecord::new(
        "k1",
        "c",
        key(1).verifying_key(),
    )]));
    let gate = Gate::builder(registry)
        .clock(clock.clone())
        .dangerous_expose_rejection_reasons(true)
        .build();
    let server = serve_gate(gate).await;
    let reply = send(signed(
        &signer(&key(1), "nobody", clock),
        "GET",
        &server.url("/a"),
        None,
    ))
    .await;
    assert_eq!(reply.status, 401);
    assert_eq!(reply.code(), "unknown_key");
}

#[tokio::test]
async fn tampered_path_and_body_rejected() {
    let clock = ManualClock::new();
    let (gate, _) = gate_with(
        vec![KeyRecord::new("k1", "client-a", key(1).verifying_key())],
        clock.clone(),
    );
    let server = serve_gate(gate).await;
    let signer = signer(&key(1), "k1", clock);

    let mut tampered_path = signed(&signer, "GET", &server.url("/orders/1"), None);
    *tampered_path.uri_mut() = server.url("/orders/2").parse().unwrap();
    let reply = send(tampered_path).await;
    assert_eq!(reply.status, 401);
    assert_eq!(reply.code(), "invalid_signature");

    let mut tampered_body = signed(&signer, "POST", &server.url("/orders"), Some(r#"{"item":1}"#));
    *tampered_body.body_mut() = br#"{"item":9}"#.to_vec();
    let reply = send(tampered_body).await;
    assert_eq!(reply.status, 401);
    assert_eq!(reply.code(), "digest_mismatch");
}

#[tokio::test]
async fn replay_expired_and_future_rejected() {
    let clock = ManualClock::new();
    let (gate, _) = gate_with(
        vec![KeyRecord::new("k1", "client-a", key(1).verifying_key())],
        clock.clone(),
    );
    let server = serve_gate(gate).await;
    let signer = signer(&key(1), "k1", clock.clone());

    let request = signed(&signer, "GET", &server.url("/orders"), None);
    let replayed = request.clone();
    assert_eq!(send(request).await.status, 200);
    let reply = send(replayed).await;
    assert_eq!(reply.status, 401);
    assert_eq!(reply.code(), "replayed_nonce");

    let old = signed(&signer, "GET", &server.url("/orders"), None);
    clock.advance(301);
    let reply = send(old).await;
    assert_eq!(reply.status, 401);
    assert_eq!(reply.code(), "too_old");

    let expiring = reqsig::Signer::builder(key(1))
        .key_id("k1")
        .clock(clock.clone())
        .expires_in(std::time::Duration::from_secs(10))
        .build()
        .unwrap();
    let request = signed(&expiring, "GET", &server.url("/orders"), None);
    clock.advance(11);
    let reply = send(request).await;
    assert_eq!(reply.code(), "expired");
}

#[tokio::test]
async fn scope_and_source_forbidden() {
    let clock = ManualClock::new();
    let mut scoped = KeyRecord::new("k-scoped", "client-a", key(1).verifying_key());
    scoped.scopes = vec![Scope::new(&["GET"], &["/reports/**"]).unwrap()];
    let mut elsewhere = KeyRecord::new("k-elsewhere", "client-b", key(2).verifying_key());
    elsewhere.source_cidrs = vec![parse_cidr("10.0.0.0/8").unwrap()];
    let mut local = KeyRecord::new("k-local", "client-c", key(3).verifying_key());
    local.source_cidrs = vec![parse_cidr("127.0.0.0/8").unwrap()];
    let (gate, _) = gate_with(vec![scoped, elsewhere, local], clock.clone());
    let server = serve_gate(gate).await;

    let scoped = signer(&key(1), "k-scoped", clock.clone());
    assert_eq!(
        send(signed(&scoped, "GET", &server.url("/reports/2026"), None))
            .await
            .status,
        200
    );
    let reply = send(signed(&scoped, "DELETE", &server.url("/reports/2026"), None)).await;
    assert_eq!(reply.status, 403);
    assert_eq!(reply.code(), "out_of_scope");
    let reply = send(signed(&scoped, "GET", &server.url("/admin"), None)).await;
    assert_eq!(reply.status, 403);

    let reply = send(signed(
        &signer(&key(2), "k-elsewhere", clock.clone()),
        "GET",
        &server.url("/a"),
        None,
    ))
    .await;
    assert_eq!(reply.status, 403);
    assert_eq!(reply.code(), "source_not_allowed");
    let reply = send(signed(
        &signer(&key(3), "k-local", clock),
        "GET",
        &server.url("/a"),
        None,
    ))
    .await;
    assert_eq!(reply.status, 200);
}

#[tokio::test]
async fn scope_bypass_attempts_rejected() {
    let clock = ManualClock::new();
    let mut scoped = KeyRecord::new("k-scoped", "client-a", key(1).verifying_key());
    scoped.scopes = vec![Scope::new(&[], &["/public-api/**"]).unwrap()];
    let (gate, _) = gate_with(vec![scoped], clock.clone());
    let server = serve_gate(gate).await;
    let signer = signer(&key(1), "k-scoped", clock);

    for path in [
        "/public-api/../admin",
        "/public-api/%2E%2E/admin",
        "/public-api%2F..%2Fadmin",
        "/public-api/x%2fadmin",
    ] {
        // Build the URI by hand so no client normalises the dot segments away.
        let mut request = request("GET", &server.url("/placeholder"), None);
        *request.uri_mut() = format!("http://{}{path}", server.addr).parse().unwrap();
        signer.sign_request(&mut request).unwrap();
        let reply = send_raw(server.addr, &request).await;
        assert!(reply.starts_with("HTTP/1.1 403"), "{path}: {reply}");
        assert!(
            reply.contains("unsafe_path") || reply.contains("out_of_scope"),
            "{path}: {reply}"
        );
    }
}

/// Sends a request over a raw TCP connection, keeping the path exactly as given.
async fn send_raw(addr: std::net::SocketAddr, request: &http::Request<Vec<u8>>) -> String {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut stream = tokio::net::TcpStream::connect(addr).await.unwrap();
    let mut text = format!(
        "{} {} HTTP/1.1\r\nhost: {}\r\nconnection: close\r\n",
        request.method(),
        request.uri().path_and_query().unwrap(),
        addr
    );
    for (name, value) in request.headers() {
        text.push_str(&format!("{}: {}\r\n", name, value.to_str().unwrap()));
    }
    text.push_str("\r\n");
    stream.write_all(text.as_bytes()).await.unwrap();
    let mut reply = String::new();
    stream.read_to_string(&mut reply).await.unwrap();
    reply
}

#[tokio::test]
async fn rate_limit_answers_429() {
    let clock = ManualClock::new();
    let mut limited = KeyRecord::new("k1", "client-a", key(1).verifying_key());
    limited.rate_limit = Some(RateLimit {
        requests: 1,
        per_seconds: 60,
        burst: 2,
    });
    let (gate, _) = gate_with(vec![limited], clock.clone());
    let server = serve_gate(gate).await;
    let signer = signer(&key(1), "k1", clock);

    assert_eq!(
        send(signed(&signer, "GET", &server.url("/a"), None)).await.status,
        200
    );
    assert_eq!(
        send(signed(&signer, "GET", &server.url("/a"), None)).await.status,
        200
    );
    let reply = send(signed(&signer, "GET", &server.url("/a"), None)).await;
    assert_eq!(reply.status, 429);
    assert_eq!(reply.code(), "rate_limited");
    let retry_after: u64 = reply.headers["retry-after"].to_str().unwrap().parse().unwrap();
    assert!((1..=60).contains(&retry_after), "{retry_after}");
}

#[tokio::test]
async fn large_body_answers_413() {
    let clock = ManualClock::new();
    let registry = Arc::new(MemoryRegistry::with_records([KeyRecord::new(
        "k1",
        "c",
        key(1).verifying_key(),
    )]));
    let mut policy = reqsig::Policy::server();
    policy.limits.max_body_bytes = 64;
    let gate = Gate::builder(registry)
        .clock(clock.clone())
        .policy(policy)
        .build();
    let server = serve_gate(gate).await;
    let signer = signer(&key(1), "k1", clock);

    let body = format!("{{\"pad\":\"{}\"}}", "x".repeat(100));
    let reply = send(signed(&signer, "POST", &server.url("/upload"), Some(&body))).await;
    assert_eq!(reply.status, 413);
    assert_eq!(reply.code(), "body_too_large");

    // The body check comes after the digest limit, so a mismatching digest on a large body still gets 413.
    let mut tampered = signed(&signer, "POST", &server.url("/upload"), Some(&body));
    tampered.body_mut().push(b' ');
    assert_eq!(send(tampered).await.status, 413);
}

#[tokio::test]
async fn checks_run_in_documented_order() {
    let clock = ManualClock::new();
    let mut scoped = KeyRecord::new("k1", "client-a", key(1).verifying_key());
    scoped.scopes = vec![Scope::new(&["GET"], &["/allowed/**"]).unwrap()];
    scoped.rate_limit = Some(RateLimit {
        requests: 1,
        per_seconds: 3600,
        burst: 1,
    });
    let (gate, _) = gate_with(vec![scoped], clock.clone());
    let server = serve_gate(gate).await;
    let fixed_nonce = reqsig::Signer::builder(key(1))
        .key_id("k1")
        .clock(clock.clone())
        .nonce(Nonce::Fixed("same".to_owned()))
        .build()
        .unwrap();

    // Signature before scope: a bad signature on an out-of-scope path is 401.
    let wrong = signer(&key(9), "k1", clock.clone());
    assert_eq!(
        send(signed(&wrong, "GET", &server.url("/elsewhere"), None))
            .await
            .status,
        401
    );
    // Scope before rate limit and nonce: out of scope is 403 even with a used nonce.
    assert_eq!(
        send(signed(&fixed_nonce, "GET", &server.url("/allowed/x"), None))
            .await
            .status,
        200
    );
    assert_eq!(
        send(signed(&fixed_nonce, "GET", &server.url("/elsewhere"), None))
            .await
            .status,
        403
    );
    // Rate limit before nonce: the replay of a used nonce, over the limit, is 429.
    let reply = send(signed(&fixed_nonce, "GET", &server.url("/allowed/x"), None)).await;
    assert_eq!(reply.status, 429);
}

#[tokio::test]
async fn rotation_accepts_both_keys_until_old_expires() {
    let clock = ManualClock::new();
    let mut old = KeyRecord::new("k-2025", "client-a", key(1).verifying_key());
    old.not_after = Some(common::START + 100);
    let new = KeyRecord::new("k-2026", "client-a", key(2).verifying_key());
    let (gate, _) = gate_with(vec![old, new], clock.clone());
    let server = serve_gate(gate).await;
    let old_signer = signer(&key(1), "k-2025", clock.clone());
    let new_signer = signer(&key(2), "k-2026", clock.clone());

    assert_eq!(
        send(signed(&old_signer, "GET", &server.url("/a"), None))
            .await
            .body,
        "client-a|k-2025|"
    );
    assert_eq!(
        send(signed(&new_signer, "GET", &server.url("/a"), None))
            .await
            .body,
        "client-a|k-2026|"
    );
    clock.advance(101);
    assert_eq!(
        send(signed(&old_signer, "GET", &server.url("/a"), None))
            .await
            .status,
        401
    );
    assert_eq!(
        send(signed(&new_signer, "GET", &server.url("/a"), None))
            .await
            .status,
        200
    );
    assert_eq!(server.layer.usage().keys["k-2025"].rejected["key_expired"], 1);
}

#[tokio::test]
async fn revocation_takes_effect_immediately() {
    let clock = ManualClock::new();
    let (gate, registry) = gate_with(
        vec![KeyRecord::new("k1", "client-a", key(1).verifying_key())],
        clock.clone(),
    );
    let server = serve_gate(gate).await;
    let signer = signer(&key(1), "k1", clock);
    assert_eq!(
        send(signed(&signer, "GET", &server.url("/a"), None)).await.status,
        200
    );
    let mut revoked = KeyRecord::new("k1", "client-a", key(1).verifying_key());
    revoked.status = KeyStatus::Revoked;
    registry.insert(revoked);
    assert_eq!(
        send(signed(&signer, "GET", &server.url("/a"), None)).await.status,
        401
    );
}

#[tokio::test]
async fn registry_file_reload_and_broken_edit() {
    let clock = ManualClock::new();
    let dir = std::env::temp_dir().join(format!("reqsig-registry-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("registry.toml");
    let entry = |key_id: &str, seed: u8, status: &str| {
        format!(
            "[[keys]]\nkey_id = \"{key_id}\"\nclient_id = \"client-a\"\nalgorithm = \"ed25519\"\nstatus = \"{status}\"\npublic_key = \"\"\"\n{}\"\"\"\n",
            key(seed).verifying_key().to_spki_pem().unwrap()
        )
    };
    std::fs::write(&path, format!("version = 1\n{}", entry("k1", 1, "active"))).unwrap();
    let registry = Arc::new(
        RegistryFile::open(&path)
            .unwrap()
            .check_interval(std::time::Duration::ZERO),
    );
    let gate = Gate::builder(registry).clock(clock.clone()).build();
    let server = serve(VerifyLayer::new(gate)).await;
    let first = signer(&key(1), "k1", clock.clone());
    let second = signer(&key(2), "k2", clock);

    assert_eq!(
        send(signed(&first, "GET", &server.url("/a"), None)).await.status,
        200
    );
    assert_eq!(
        send(signed(&second, "GET", &server.url("/a"), None)).await.status,
        401
    );

    // Add a key and revoke the first; the size changes, so the reload is seen even within one second.
    std::fs::write(
        &path,
        format!(
            "version = 1\n{}{}",
            entry("k1", 1, "revoked"),
            entry("k2", 2, "active")
        ),
    )
    .unwrap();
    assert_eq!(
        send(signed(&second, "GET", &server.url("/a"), None)).await.status,
        200
    );
    assert_eq!(
        send(signed(&first, "GET", &server.url("/a"), None)).await.status,
        401
    );

    // A broken edit keeps the last good registry.
    std::fs::write(
        &path,
        "version = 1\n[[keys]]\nkey_id = \"k3\"\nunknown_field = 1\n",
    )
    .unwrap();
    assert_eq!(
        send(signed(&second, "GET", &server.url("/a"), None)).await.status,
        200
    );
    std::fs::remove_dir_all(&dir).ok();
}

#[tokio::test]
async fn test_keys_refused_by_default() {
    let clock = ManualClock::new();
    let vectors: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../spec/vectors/rfc9421.json"
        ))
        .unwrap(),
    )
    .unwrap();
    let pem = vectors["keys"]["test-key-ed25519"]["private_pem"]
        .as_str()
        .unwrap();
    let test_key = reqsig::SigningKey::from_pem(pem, None).unwrap();
    let record = KeyRecord::new("test-key-ed25519", "c", test_key.verifying_key());
    let (gate, _) = gate_with(vec![record.clone()], clock.clone());
    let server = serve_gate(gate).await;
    let signer = signer(&test_key, "test-key-ed25519", clock.clone());
    assert_eq!(
        send(signed(&signer, "GET", &server.url("/a"), None)).await.status,
        401
    );
    assert_eq!(
        server.layer.usage().keys["test-key-ed25519"].rejected["test_key_refused"],
        1
    );

    let registry = Arc::new(MemoryRegistry::with_records([record]));
    let gate = Gate::builder(registry)
        .clock(clock)
        .allow_rfc9421_test_keys(true)
        .build();
    let server = serve_gate(gate).await;
    assert_eq!(
        send(signed(&signer, "GET", &server.url("/a"), None)).await.status,
        200
    );
}

#[tokio::test]
async fn full_memory_store_answers_503() {
    let clock = ManualClock::new();
    let registry = Arc::new(MemoryRegistry::with_records([KeyRecord::new(
        "k1",
        "c",
        key(1).verifying_key(),
    )]));
    let gate = Gate::builder(registry)
        .clock(clock.clone())
        .replay_store(Arc::new(MemoryReplayStore::new(2).with_clock(clock.clone())))
        .build();
    let server = serve_gate(gate).await;
    let signer = signer(&key(1), "k1", clock);
    assert_eq!(
        send(signed(&signer, "GET", &server.url("/a"), None)).await.status,
        200
    );
    assert_eq!(
        send(signed(&signer, "GET", &server.url("/a"), None)).await.status,
        200
    );
    let reply = send(signed(&signer, "GET", &server.url("/a"), None)).await;
    assert_eq!(reply.status, 503);
    assert_eq!(reply.code(), "replay_store_unavailable");
}

#[tokio::test]
async fn same_nonce_from_50_tasks_accepted_once() {
    let clock = ManualClock::new();
    let (gate, _) = gate_with(
        vec![KeyRecord::new("k1", "c", key(1).verifying_key())],
        clock.clone(),
    );
    let server = serve_gate(gate).await;
    let signer = signer(&key(1), "k1", clock);
    let request = signed(&signer, "GET", &server.url("/a"), None);
    let mut tasks = Vec::new();
    for _ in 0..50 {
        let request = request.clone();
        tasks.push(tokio::spawn(async move { send(request).await.status }));
    }
    let mut statuses = Vec::new();
    for task in tasks {
        statuses.push(task.await.unwrap());
    }
    assert_eq!(statuses.iter().filter(|s| **s == 200).count(), 1);
    assert_eq!(statuses.iter().filter(|s| **s == 401).count(), 49);
}

#[tokio::test]
async fn strip_unsigned_headers_option() {
    let clock = ManualClock::new();
    let registry = Arc::new(MemoryRegistry::with_records([KeyRecord::new(
        "k1",
        "c",
        key(1).verifying_key(),
    )]));
    let gate = Gate::builder(registry).clock(clock.clone()).build();
    let app = axum::Router::new()
        .route(
            "/headers",
            axum::routing::get(|headers: http::HeaderMap| async move {
                let mut names: Vec<String> = headers.keys().map(|k| k.to_string()).collect();
                names.sort();
                names.join(",")
            }),
        )
        .layer(VerifyLayer::new(gate).strip_unsigned_headers(true));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let task = tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    let signer = signer(&key(1), "k1", clock);
    let mut request = request("GET", &format!("http://{addr}/headers"), None);
    request
        .headers_mut()
        .insert("x-unsigned", http::HeaderValue::from_static("1"));
    signer.sign_request(&mut request).unwrap();
    let reply = send(request).await;
    task.abort();
    assert_eq!(reply.status, 200);
    assert!(!reply.body.contains("x-unsigned"), "{}", reply.body);
    assert!(reply.body.contains("host"), "{}", reply.body);
}

#[tokio::test]
async fn tag_policy_applies_to_tagged_signature() {
    let clock = ManualClock::new();
    let registry = Arc::new(MemoryRegistry::with_records([KeyRecord::new(
        "k1",
        "c",
        key(1).verifying_key(),
    )]));
    let strict = reqsig::Policy {
        require_expires: true,
        ..reqsig::Policy::server()
    };
    let gate = Gate::builder(registry)
        .clock(clock.clone())
        .tag_policy("strict", strict)
        .build();
    let server = serve_gate(gate).await;
    let tagged = reqsig::Signer::builder(key(1))
        .key_id("k1")
        .clock(clock.clone())
        .tag("strict")
        .build()
        .unwrap();
    let reply = send(signed(&tagged, "GET", &server.url("/a"), None)).await;
    assert_eq!(reply.status, 401);
    assert_eq!(reply.code(), "missing_parameter");
    let plain = signer(&key(1), "k1", clock);
    assert_eq!(
        send(signed(&plain, "GET", &server.url("/a"), None)).await.status,
        200
    );
}

#[tokio::test]
async fn responses_signed_and_bound_to_request() {
    use reqsig::message::{TargetContext, ToMessageView};
    use reqsig::{Policy, Selection, StaticKey, Verifier};
    use reqsig_gate::{RESPONSE_TAG, ResponseSigner};

    let clock = ManualClock::new();
    let registry = Arc::new(MemoryRegistry::with_records([KeyRecord::new(
        "k1",
        "c",
        key(1).verifying_key(),
    )]));
    let gate = Gate::builder(registry).clock(clock.clone()).build();
    let server_key = key(7);
    let layer =
        VerifyLayer::new(gate).sign_responses(ResponseSigner::new(Arc::new(server_key.clone()), "server-1"));
    let server = serve(layer).await;

    let request = signed(
        &signer(&key(1), "k1", clock.clone()),
        "POST",
        &server.url("/orders?x=1"),
        Some(r#"{"a":1}"#),
    );
    let reply = send(request.clone()).await;
    assert_eq!(reply.status, 200, "{}", reply.body);

    // Rebuild the response as the client received it and verify it against the request it answers.
    let mut response = http::Response::builder().status(reply.status);
    for (name, value) in &reply.headers {
        response = response.header(name.as_str(), value.as_bytes());
    }
    let response = response.body(reply.body.clone().into_bytes()).unwrap();
    let (request_parts, request_body) = request.into_parts();
    let context = TargetContext::default();
    let request_view =
        reqsig::message::MessageView::from_request_parts(&request_parts, Some(&request_body), &context);
    let response_view = response.to_view(&context).unwrap();
    let policy = Policy {
        tag: Some(RESPONSE_TAG.to_owned()),
        ..Policy::default()
    };
    // The response signer uses the system clock, and so does this verifier.
    let verifier = Verifier::new(policy).select(Selection::Tag(RESPONSE_TAG.to_owned()));
    let resolver = StaticKey::new("server-1", server_key.verifying_key());
    let verified = verifier
        .verify(&response_view, Some(&request_view), &resolver)
        .expect("response verifies");
    assert!(
        verified
            .components()
            .iter()
            .any(|c| c.name() == "signature" && c.req())
    );

    // The same response does not verify against another request.
    let other = signed(
        &signer(&key(1), "k1", clock),
        "POST",
        &server.url("/orders?x=2"),
        Some(r#"{"a":1}"#),
    );
    let (other_parts, other_body) = other.into_parts();
    let other_view =
        reqsig::message::MessageView::from_request_parts(&other_parts, Some(&other_body), &context);
    let error = verifier
        .verify(&response_view, Some(&other_view), &resolver)
        .unwrap_err();
    assert_eq!(error.code(), "invalid_signature");
}
