//! `reqsig demo`: a verifying server on loopback and a client sending good
//! and bad requests, with the verdicts printed.

use std::net::SocketAddr;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

use axum::routing::any;
use axum::{Extension, Router};
use reqsig::clock::{Clock, FixedClock, SystemClock};
use reqsig::{Algorithm, Signer, SigningKey};
use reqsig_gate::{Gate, Identity, KeyRecord, KeyStatus, MemoryRegistry, Scope, UsageSnapshot};
use reqsig_tower::VerifyLayer;

use crate::cli::DemoArgs;
use crate::error::{CliError, CliResult};
use crate::output;

/// One request of the demo and the verdict it should get.
struct Case {
    name: &'static str,
    expected_status: u16,
    expected_code: &'static str,
    request: http::Request<Vec<u8>>,
}

struct Keys {
    active: SigningKey,
    scoped: SigningKey,
    revoked: SigningKey,
    unknown: SigningKey,
}

pub fn run(args: DemoArgs) -> CliResult {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(|e| CliError::input(format!("cannot start the async runtime: {e}")))?;
    runtime.block_on(demo(args))
}

fn generate() -> Result<SigningKey, CliError> {
    SigningKey::generate(Algorithm::Ed25519).map_err(CliError::input)
}

async fn demo(args: DemoArgs) -> CliResult {
    let keys = Keys {
        active: generate()?,
        scoped: generate()?,
        revoked: generate()?,
        unknown: generate()?,
    };
    let mut scoped = KeyRecord::new("reports-key", "reports-client", keys.scoped.verifying_key());
    scoped.scopes = vec![Scope::new(&["GET"], &["/reports/**"]).map_err(CliError::input)?];
    let mut revoked = KeyRecord::new("old-key", "demo-client", keys.revoked.verifying_key());
    revoked.status = KeyStatus::Revoked;
    let registry = MemoryRegistry::with_records([
        KeyRecord::new("demo-key", "demo-client", keys.active.verifying_key()),
        scoped,
        revoked,
    ]);
    let gate = Gate::builder(Arc::new(registry)).build();
    let layer = VerifyLayer::new(gate);

    let app = Router::new().route("/{*path}", any(echo)).layer(layer.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .map_err(|e| CliError::input(format!("cannot listen on 127.0.0.1: {e}")))?;
    let address = listener
        .local_addr()
        .map_err(|e| CliError::input(e.to_string()))?;
    let server = tokio::spawn(async move {
        let _ = axum::serve(listener, app.into_make_service_with_connect_info::<SocketAddr>()).await;
    });
    output::print_line(format!(
        "reqsig demo: verifying server (reqsig-tower on axum) listening on http://{address}"
    ))?;
    output::print_line(
        "keys: demo-key (active), reports-key (GET /reports/** only), old-key (revoked), and one the server does not know\n",
    )?;

    let cases = build_cases(&keys, address)?;
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .timeout(Duration::from_secs(10))
        .build()
        .map_err(|e| CliError::input(format!("cannot build the HTTP client: {e}")))?;

    output::print_line(format!(
        "{:>2}  {:<32} {:<26} {:<26} verdict",
        "#", "request", "expected", "actual"
    ))?;
    let mut failures = 0;
    for (index, case) in cases.into_iter().enumerate() {
        if args.verbose {
            for (name, value) in case.request.headers() {
                output::print_line(format!(
                    "      {name}: {}",
                    String::from_utf8_lossy(value.as_bytes())
                ))?;
            }
        }
        let before = layer.usage();
        let (status, code, detail) = send(&client, case.request).await?;
        let server_reason = newly_counted(&before, &layer.usage());
        let ok =
            status == case.expected_status && (case.expected_code.is_empty() || code == case.expected_code);
        if !ok {
            failures += 1;
        }
        let expected = format!("{} {}", case.expected_status, case.expected_code);
        let actual = format!("{status} {code}");
        output::print_line(format!(
            "{:>2}  {:<32} {:<26} {:<26} {}",
            index + 1,
            case.name,
            expected,
            actual,
            if ok { "ok" } else { "UNEXPECTED" }
        ))?;
        match (&server_reason, detail.is_empty()) {
            (Some(reason), _) if reason != &code => {
                output::print_line(format!("      server's reason (logged, not sent): {reason}"))?;
            }
            (_, false) => output::print_line(format!("      {detail}"))?,
            _ => {}
        }
    }
    server.abort();
    output::print_line("")?;
    if failures == 0 {
        output::print_line("all verdicts as expected")?;
        Ok(ExitCode::SUCCESS)
    } else {
        output::print_line(format!("{failures} verdicts differ from the expected ones"))?;
        Ok(ExitCode::from(1))
    }
}

async fn echo(Extension(identity): Extension<Identity>, body: String) -> String {
    format!(
        "accepted: client {} with key {} ({} body bytes)",
        identity.client_id,
        identity.key_id,
        body.len()
    )
}

fn build_cases(keys: &Keys, address: SocketAddr) -> Result<Vec<Case>, CliError> {
    let url = |path: &str| format!("http://{address}{path}");
    let now = SystemClock.now();
    let signer = |key: &SigningKey, key_id: &str| {
        Signer::builder(key.clone())
            .key_id(key_id)
            .build()
            .map_err(CliError::input)
    };
    let demo = signer(&keys.active, "demo-key")?;
    let json = r#"{"order":{"item":"coffee","quantity":2}}"#;

    let get = signed(&demo, "GET", &url("/orders?page=1"), None)?;
    let replay = get.clone();
    let mut tampered_body = signed(&demo, "POST", &url("/orders"), Some(json))?;
    *tampered_body.body_mut() = json.replace('2', "200").into_bytes();
    let mut tampered_path = signed(&demo, "GET", &url("/orders/17"), None)?;
    *tampered_path.uri_mut() = url("/orders/18")
        .parse()
        .map_err(|e| CliError::input(format!("{e}")))?;
    let expired_signer = Signer::builder(keys.active.clone())
        .key_id("demo-key")
        .clock(Arc::new(FixedClock(now - 120)))
        .expires_in(Duration::from_secs(60))
        .build()
        .map_err(CliError::input)?;

    Ok(vec![
        Case {
            name: "valid signed GET",
            expected_status: 200,
            expected_code: "",
            request: get,
        },
        Case {
            name: "valid signed POST with JSON",
            expected_status: 200,
            expected_code: "",
            request: signed(&demo, "POST", &url("/orders"), Some(json))?,
        },
        Case {
            name: "body changed after signing",
            expected_status: 401,
            expected_code: "digest_mismatch",
            request: tampered_body,
        },
        Case {
            name: "path changed after signing",
            expected_status: 401,
            expected_code: "invalid_signature",
            request: tampered_path,
        },
        Case {
            name: "unsigned request",
            expected_status: 401,
            expected_code: "missing_signature",
            request: plain("GET", &url("/orders"), None)?,
        },
        Case {
            name: "replayed request (same nonce)",
            expected_status: 401,
            expected_code: "replayed_nonce",
            request: replay,
        },
        Case {
            name: "expired signature",
            expected_status: 401,
            expected_code: "expired",
            request: signed(&expired_signer, "GET", &url("/orders"), None)?,
        },
        Case {
            name: "revoked key",
            expected_status: 401,
            expected_code: "invalid_signature",
            request: signed(&signer(&keys.revoked, "old-key")?, "GET", &url("/orders"), None)?,
        },
        Case {
            name: "path outside the key's scope",
            expected_status: 403,
            expected_code: "out_of_scope",
            request: signed(
                &signer(&keys.scoped, "reports-key")?,
                "GET",
                &url("/orders"),
                None,
            )?,
        },
        Case {
            name: "key the server does not know",
            expected_status: 401,
            expected_code: "invalid_signature",
            request: signed(
                &signer(&keys.unknown, "stranger-key")?,
                "GET",
                &url("/orders"),
                None,
            )?,
        },
    ])
}

fn plain(method: &str, url: &str, body: Option<&str>) -> Result<http::Request<Vec<u8>>, CliError> {
    let mut builder = http::Request::builder().method(method).uri(url);
    if body.is_some() {
        builder = builder.header("content-type", "application/json");
    }
    builder
        .body(body.unwrap_or_default().as_bytes().to_vec())
        .map_err(|e| CliError::input(format!("cannot build the request: {e}")))
}

fn signed(
    signer: &Signer,
    method: &str,
    url: &str,
    body: Option<&str>,
) -> Result<http::Request<Vec<u8>>, CliError> {
    let mut request = plain(method, url, body)?;
    signer.sign_request(&mut request).map_err(CliError::input)?;
    Ok(request)
}

/// Sends a request and returns its status, error code and detail (or body).
async fn send(
    client: &reqwest::Client,
    request: http::Request<Vec<u8>>,
) -> Result<(u16, String, String), CliError> {
    let request = reqwest::Request::try_from(request)
        .map_err(|e| CliError::input(format!("cannot build the request: {e}")))?;
    let response = client
        .execute(request)
        .await
        .map_err(|e| CliError::input(format!("the demo server did not respond: {e}")))?;
    let status = response.status().as_u16();
    let body = response.text().await.unwrap_or_default();
    let json: serde_json::Value = serde_json::from_str(&body).unwrap_or(serde_json::Value::Null);
    let code = json["error"].as_str().unwrap_or_default().to_owned();
    let detail = json["detail"].as_str().map_or(body, str::to_owned);
    Ok((status, code, detail))
}

/// Returns the rejection reason the server counted between two snapshots.
fn newly_counted(before: &UsageSnapshot, after: &UsageSnapshot) -> Option<String> {
    let count = |snapshot: &UsageSnapshot, key: Option<&str>, code: &str| match key {
        Some(key) => snapshot
            .keys
            .get(key)
            .and_then(|usage| usage.rejected.get(code).copied())
            .unwrap_or(0),
        None => snapshot.unattributed.get(code).copied().unwrap_or(0),
    };
    for (key, usage) in &after.keys {
        for code in usage.rejected.keys() {
            if count(after, Some(key), code) > count(before, Some(key), code) {
                return Some((*code).to_owned());
            }
        }
    }
    for code in after.unattributed.keys() {
        if count(after, None, code) > count(before, None, code) {
            return Some((*code).to_owned());
        }
    }
    None
}
