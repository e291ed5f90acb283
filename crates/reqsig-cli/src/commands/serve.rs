//! `reqsig serve`: the verifying gateway.

use std::io::IsTerminal;
use std::net::{IpAddr, SocketAddr};
use std::process::ExitCode;
use std::sync::Arc;

use axum::Router;
use axum::body::Body;
use axum::extract::{Request, State};
use axum::response::{IntoResponse, Response};
use ipnet::IpNet;
use reqsig::Policy;
use reqsig::message::{Scheme, TargetContext};
use reqsig_gate::replay::{MemoryReplayStore, RedisReplayStore, ReplayStore};
use reqsig_gate::{DEFAULT_REPLAY_CAPACITY, Gate, Identity, RegistryFile, parse_cidr};
use reqsig_tower::VerifyLayer;

use super::common;
use crate::cli::{ReplayKind, ServeArgs};
use crate::error::{CliError, CliResult};

/// Header fields the gateway sets from the verified identity; the same
/// fields sent by the client are removed first.
const IDENTITY_HEADERS: [&str; 3] = ["reqsig-client-id", "reqsig-key-id", "reqsig-label"];

/// Hop-by-hop fields (RFC 9110 section 7.6.1) that a proxy does not forward.
const HOP_BY_HOP: [&str; 8] = [
    "connection",
    "keep-alive",
    "proxy-connection",
    "te",
    "trailer",
    "transfer-encoding",
    "upgrade",
    "host",
];

#[derive(Clone)]
struct Upstream {
    client: reqwest::Client,
    base: Option<String>,
}

pub fn run(args: ServeArgs) -> CliResult {
    // Checked before anything starts, so a bad value stops the gateway at
    // once instead of failing every forwarded request.
    let upstream = args.upstream.as_deref().map(upstream_base).transpose()?;
    init_logging();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| CliError::input(format!("cannot start the async runtime: {e}")))?;
    runtime.block_on(serve(args, upstream))
}

/// Checks `--upstream` and returns it without a trailing `/`. It must be an
/// absolute http or https URL with a host and no query or fragment, because
/// each request's path and query are appended to it.
fn upstream_base(text: &str) -> Result<String, CliError> {
    const EXAMPLE: &str = "http://127.0.0.1:8080";
    let url = common::http_url(text, "--upstream", EXAMPLE)?;
    if url.query().is_some() || url.fragment().is_some() {
        return Err(CliError::input(format!(
            "--upstream {text:?} has a query or fragment, but each request's path and query are appended to it; give a base URL such as {EXAMPLE}"
        )));
    }
    Ok(text.trim_end_matches('/').to_owned())
}

/// Logs to standard error; `RUST_LOG` overrides the default level `info`.
pub fn init_logging() {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(colour_log())
        .try_init();
}

/// Colours the log only on a terminal, and never when `NO_COLOR` is set, so
/// a log written to a file or pipe contains no escape codes.
fn colour_log() -> bool {
    std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none_or(|value| value.is_empty())
}

async fn serve(args: ServeArgs, upstream_base: Option<String>) -> CliResult {
    let registry = RegistryFile::open(&args.registry).map_err(CliError::input)?;
    let mut policy = Policy::server();
    policy.max_age = Some(args.max_age);
    policy.limits.max_body_bytes = args.max_body;
    let mut context = TargetContext::default();
    if let Some(scheme) = args.scheme.as_deref().and_then(Scheme::parse) {
        context = context.with_scheme(scheme);
    }
    if let Some(authority) = &args.authority {
        context = context.with_authority(authority.clone());
    }
    let replay: Arc<dyn ReplayStore> = match args.replay {
        ReplayKind::Memory => Arc::new(MemoryReplayStore::new(DEFAULT_REPLAY_CAPACITY)),
        ReplayKind::Redis => {
            let url = std::env::var("REQSIG_REDIS_URL").map_err(|_| {
                CliError::input("--replay redis reads the Redis URL from REQSIG_REDIS_URL, which is not set")
            })?;
            Arc::new(RedisReplayStore::new(&url).map_err(CliError::input)?)
        }
    };
    let trusted: Vec<IpNet> = args
        .trusted_proxies
        .iter()
        .map(|cidr| parse_cidr(cidr).map_err(CliError::input))
        .collect::<Result<_, _>>()?;
    let gate = Gate::builder(Arc::new(registry))
        .policy(policy)
        .target_context(context)
        .replay_store(replay)
        .build();
    let layer = VerifyLayer::new(gate.clone()).peer_address(move |parts| client_address(parts, &trusted));

    let upstream = Upstream {
        client: reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .map_err(|e| CliError::input(format!("cannot build the HTTP client: {e}")))?,
        base: upstream_base,
    };
    let app = Router::new().fallback(gateway).with_state(upstream).layer(layer);

    let listener = tokio::net::TcpListener::bind(args.listen)
        .await
        .map_err(|e| CliError::input(format!("cannot listen on {}: {e}", args.listen)))?;
    let address = listener
        .local_addr()
        .map_err(|e| CliError::input(e.to_string()))?;
    tracing::info!(%address, registry = %args.registry.display(), "reqsig gateway listening");

    if let Some(metrics_address) = args.metrics_listen {
        let metrics_listener = tokio::net::TcpListener::bind(metrics_address)
            .await
            .map_err(|e| CliError::input(format!("cannot listen on {metrics_address}: {e}")))?;
        let metrics = Router::new().route(
            "/metrics",
            axum::routing::get(move || {
                let gate = gate.clone();
                async move {
                    (
                        [(http::header::CONTENT_TYPE, "text/plain; version=0.0.4")],
                        gate.usage().to_prometheus(),
                    )
                }
            }),
        );
        tracing::info!(address = %metrics_address, "metrics listening");
        tokio::spawn(async move {
            if let Err(error) = axum::serve(metrics_listener, metrics)
                .with_graceful_shutdown(shutdown_signal())
                .await
            {
                tracing::error!(%error, "the metrics server failed");
            }
        });
    }

    axum::serve(listener, app.into_make_service_with_connect_info::<SocketAddr>())
        .with_graceful_shutdown(shutdown_signal())
        .await
        .map_err(|e| CliError::input(format!("the server failed: {e}")))?;
    tracing::info!("reqsig gateway stopped");
    Ok(ExitCode::SUCCESS)
}

/// Resolves when SIGTERM or Ctrl-C arrives; requests in flight then finish.
async fn shutdown_signal() {
    let interrupt = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(error) => {
                tracing::error!(%error, "cannot listen for SIGTERM");
                std::future::pending::<()>().await;
            }
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = interrupt => {},
        () = terminate => {},
    }
    tracing::info!("shutting down; finishing requests in flight");
}

/// The client address: the TCP peer, or, when the peer is a trusted proxy,
/// the last address in `X-Forwarded-For` that is not a trusted proxy.
fn client_address(parts: &http::request::Parts, trusted: &[IpNet]) -> Option<IpAddr> {
    let peer = parts
        .extensions
        .get::<axum::extract::ConnectInfo<SocketAddr>>()?
        .0
        .ip();
    let is_trusted = |address: &IpAddr| trusted.iter().any(|net| net.contains(address));
    if !is_trusted(&peer) {
        return Some(peer);
    }
    let forwarded: Vec<IpAddr> = parts
        .headers
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(','))
        .filter_map(|item| item.trim().parse().ok())
        .collect();
    forwarded
        .into_iter()
        .rev()
        .find(|address| !is_trusted(address))
        .or(Some(peer))
}

async fn gateway(State(upstream): State<Upstream>, request: Request) -> Response {
    let Some(identity) = request.extensions().get::<Identity>().cloned() else {
        return (http::StatusCode::UNAUTHORIZED, "unverified").into_response();
    };
    match &upstream.base {
        None => identity_response(&identity),
        Some(base) => forward(&upstream.client, base, &identity, request).await,
    }
}

fn identity_response(identity: &Identity) -> Response {
    let components: Vec<String> = identity.components.iter().map(ToString::to_string).collect();
    let body = serde_json::json!({
        "client_id": identity.client_id,
        "key_id": identity.key_id,
        "label": identity.label,
        "algorithm": identity.algorithm.name(),
        "components": components,
        "tag": identity.tag,
    });
    (
        [(http::header::CONTENT_TYPE, "application/json")],
        body.to_string(),
    )
        .into_response()
}

async fn forward(client: &reqwest::Client, base: &str, identity: &Identity, request: Request) -> Response {
    let (parts, body) = request.into_parts();
    let path = parts.uri.path_and_query().map_or("/", |pq| pq.as_str());
    let mut headers = parts.headers.clone();
    for name in HOP_BY_HOP.iter().chain(IDENTITY_HEADERS.iter()) {
        headers.remove(*name);
    }
    for (name, value) in IDENTITY_HEADERS
        .iter()
        .zip([&identity.client_id, &identity.key_id, &identity.label])
    {
        if let Ok(value) = http::HeaderValue::from_str(value) {
            headers.insert(*name, value);
        }
    }
    let outgoing = client
        .request(parts.method.clone(), format!("{base}{path}"))
        .headers(headers)
        .body(reqwest::Body::wrap_stream(body.into_data_stream()));
    match outgoing.send().await {
        Ok(response) => {
            let mut builder = Response::builder().status(response.status());
            for (name, value) in response.headers() {
                if !HOP_BY_HOP.contains(&name.as_str()) {
                    builder = builder.header(name, value);
                }
            }
            builder
                .body(Body::from_stream(response.bytes_stream()))
                .unwrap_or_else(|_| {
                    (http::StatusCode::BAD_GATEWAY, "invalid upstream response").into_response()
                })
        }
        Err(error) => {
            let error = common::with_causes(&error);
            tracing::error!(key_id = %identity.key_id, %error, "the upstream request failed");
            (
                http::StatusCode::BAD_GATEWAY,
                "the upstream service did not respond",
            )
                .into_response()
        }
    }
}
