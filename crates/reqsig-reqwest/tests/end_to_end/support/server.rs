//! The loopback test server: it verifies each request with `reqsig::Verifier`
//! under `Policy::server()`, rejects replayed nonces, records what it
//! received, and can sign its responses under the reqsig response profile.
//!
//! Verification sits in one axum middleware layer, `verify_layer`, so that
//! the project's tower middleware can take its place.

use std::collections::{HashMap, HashSet};
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

use axum::Router;
use axum::body::{Body, Bytes, to_bytes};
use axum::extract::{Query, Request, State};
use axum::middleware::{Next, from_fn_with_state};
use axum::response::{IntoResponse, Response};
use axum::routing::any;
use http::{HeaderMap, HeaderValue, StatusCode, header};
use reqsig::components::{ComponentId, Derived};
use reqsig::message::{Scheme, TargetContext, ToMessageView};
use reqsig::{Nonce, Policy, SignatureParams, Signer, SigningKey, StaticKey, Verifier};

/// The key id of the client's key on the server.
pub const CLIENT_KEY_ID: &str = "client-1";
/// The key id of the server's response-signing key.
pub const SERVER_KEY_ID: &str = "server-1";

const MAX_BODY: usize = 4 * 1024 * 1024;

/// How a test server behaves.
#[derive(Clone, Default)]
pub struct ServerOptions {
    /// Accept every request without checking signatures, as a server of
    /// another origin would.
    pub open: bool,
    /// The `Accept-Signature` value sent with each 401.
    pub accept_signature: Option<&'static str>,
    /// Sign each response under the response profile.
    pub sign_responses: bool,
    /// Change the response body after signing it.
    pub tamper_responses: bool,
}

/// One request as the server received it, with the verification outcome.
#[derive(Clone, Debug)]
pub struct Seen {
    pub method: String,
    /// The request-target: path and query as received.
    pub target: String,
    pub headers: HeaderMap,
    pub body: Bytes,
    /// The nonce of a verified signature, or the error code of a rejected one.
    pub verdict: Result<Option<String>, String>,
}

impl Seen {
    pub fn is_signed(&self) -> bool {
        self.headers.contains_key("signature") || self.headers.contains_key("signature-input")
    }

    pub fn nonce(&self) -> String {
        match &self.verdict {
            Ok(Some(nonce)) => nonce.clone(),
            other => panic!("expected a verified signature with a nonce, got {other:?}"),
        }
    }

    /// Returns the covered component list of the first signature, such as
    /// `("@method" "@authority")`.
    pub fn covered(&self) -> String {
        let input = self.headers["signature-input"].to_str().unwrap();
        let members = SignatureParams::parse_signature_input(input.as_bytes()).unwrap();
        let components: Vec<String> = members[0]
            .1
            .components()
            .iter()
            .map(ToString::to_string)
            .collect();
        format!("({})", components.join(" "))
    }
}

struct ServerState {
    options: ServerOptions,
    client_keys: StaticKey,
    server_key: SigningKey,
    nonces: Mutex<HashSet<String>>,
    seen: Mutex<Vec<Seen>>,
    flaky_calls: Mutex<u32>,
}

/// A running test server on 127.0.0.1 and an ephemeral port.
pub struct TestServer {
    addr: SocketAddr,
    state: Arc<ServerState>,
}

impl TestServer {
    pub async fn start(
        client_key: &SigningKey,
        server_key: &SigningKey,
        options: ServerOptions,
    ) -> TestServer {
        let state = Arc::new(ServerState {
            options,
            client_keys: StaticKey::new(CLIENT_KEY_ID, client_key.verifying_key()),
            server_key: server_key.clone(),
            nonces: Mutex::new(HashSet::new()),
            seen: Mutex::new(Vec::new()),
            flaky_calls: Mutex::new(0),
        });
        let router = Router::new()
            .route("/echo", any(echo))
            .route("/flaky", any(flaky))
            .route("/redirect", any(redirect))
            .route("/loop", any(redirect_loop))
            .layer(from_fn_with_state(Arc::clone(&state), verify_layer))
            .with_state(Arc::clone(&state));
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        tokio::spawn(async move {
            axum::serve(listener, router).await.unwrap();
        });
        TestServer { addr, state }
    }

    /// Returns `http://127.0.0.1:<port><path>`.
    pub fn url(&self, path_and_query: &str) -> String {
        format!("http://{}{}", self.addr, path_and_query)
    }

    pub fn port(&self) -> u16 {
        self.addr.port()
    }

    pub fn seen(&self) -> Vec<Seen> {
        self.state.seen.lock().unwrap().clone()
    }
}

async fn verify_layer(State(state): State<Arc<ServerState>>, request: Request, next: Next) -> Response {
    let (parts, body) = request.into_parts();
    let body = to_bytes(body, MAX_BODY).await.unwrap();
    let request = http::Request::from_parts(parts, body);
    let verdict = if state.options.open {
        Ok(None)
    } else {
        verify(&state, &request)
    };
    state.seen.lock().unwrap().push(Seen {
        method: request.method().to_string(),
        target: request.uri().to_string(),
        headers: request.headers().clone(),
        body: request.body().clone(),
        verdict: verdict.clone(),
    });
    if let Err(code) = verdict {
        let mut response = (
            StatusCode::UNAUTHORIZED,
            axum::Json(serde_json::json!({ "error": code })),
        )
            .into_response();
        if let Some(accept) = state.options.accept_signature {
            response
                .headers_mut()
                .insert("accept-signature", HeaderValue::from_static(accept));
        }
        return response;
    }

    let (parts, body) = request.into_parts();
    let received = http::Request::from_parts(parts.clone(), body.clone());
    let response = next.run(Request::from_parts(parts, Body::from(body))).await;
    if state.options.sign_responses {
        sign_response(&state, &received, response).await
    } else {
        response
    }
}

fn verify(state: &ServerState, request: &http::Request<Bytes>) -> Result<Option<String>, String> {
    let verifier =
        Verifier::new(Policy::server()).target_context(TargetContext::default().with_scheme(Scheme::Http));
    let verified = verifier
        .verify_request(request, &state.client_keys)
        .map_err(|error| error.code().to_owned())?;
    let nonce = verified.nonce().ok_or("missing_nonce")?.to_owned();
    if !state.nonces.lock().unwrap().insert(nonce.clone()) {
        return Err("replayed_nonce".to_owned());
    }
    Ok(Some(nonce))
}

/// Signs `response` under the response profile, binding it to `request`.
async fn sign_response(state: &ServerState, request: &http::Request<Bytes>, response: Response) -> Response {
    let (parts, body) = response.into_parts();
    let body = to_bytes(body, MAX_BODY).await.unwrap();
    let mut response = http::Response::from_parts(parts, body);

    let input = request.headers()["signature-input"].to_str().unwrap();
    let label = SignatureParams::parse_signature_input(input.as_bytes()).unwrap()[0]
        .0
        .clone();
    let mut components = vec![ComponentId::derived(Derived::Status)];
    if response.headers().contains_key(header::CONTENT_TYPE) {
        components.push(ComponentId::field("content-type").unwrap());
    }
    if !response.body().is_empty() {
        components.push(ComponentId::field("content-digest").unwrap());
    }
    for derived in [Derived::Method, Derived::Authority, Derived::Path, Derived::Query] {
        components.push(ComponentId::derived(derived).with_req());
    }
    components.push(
        ComponentId::field("signature")
            .unwrap()
            .with_req()
            .with_key(&label),
    );
    components.push(
        ComponentId::field("signature-input")
            .unwrap()
            .with_req()
            .with_key(&label),
    );

    let signer = Signer::builder(state.server_key.clone())
        .key_id(SERVER_KEY_ID)
        .components(components)
        .tag("reqsig-response")
        .nonce(Nonce::None)
        .build()
        .unwrap();
    let context = TargetContext::default().with_scheme(Scheme::Http);
    let request_view = request.to_view(&context).unwrap();
    signer.sign_response(&mut response, Some(&request_view)).unwrap();

    if state.options.tamper_responses {
        let mut changed = response.body().to_vec();
        changed.extend_from_slice(b" ");
        *response.body_mut() = Bytes::from(changed);
    }
    response.map(Body::from)
}

/// Returns the method and body length as JSON.
async fn echo(request: Request) -> Response {
    let method = request.method().to_string();
    let body = to_bytes(request.into_body(), MAX_BODY).await.unwrap();
    axum::Json(serde_json::json!({ "method": method, "body_bytes": body.len() })).into_response()
}

/// Fails the first call with 503 and succeeds afterwards.
async fn flaky(State(state): State<Arc<ServerState>>) -> Response {
    let mut calls = state.flaky_calls.lock().unwrap();
    *calls += 1;
    if *calls == 1 {
        StatusCode::SERVICE_UNAVAILABLE.into_response()
    } else {
        (StatusCode::OK, "recovered").into_response()
    }
}

/// Redirects with `status` to `to`, both from the query.
async fn redirect(Query(query): Query<HashMap<String, String>>) -> Response {
    let status = StatusCode::from_u16(query["status"].parse().unwrap()).unwrap();
    (status, [(header::LOCATION, query["to"].clone())]).into_response()
}

/// Redirects to itself, forever.
async fn redirect_loop() -> Response {
    (StatusCode::FOUND, [(header::LOCATION, "/loop")]).into_response()
}
