//! Verified requests per second through `reqsig_tower::VerifyLayer` on
//! loopback, against the rate the cryptography and the bare server allow.
//!
//! One axum server thread, pinned to one core, serves two listeners on
//! 127.0.0.1: the same route with and without `VerifyLayer` (a `Gate` with a
//! `MemoryRegistry` and the default `Policy::server()`, so every nonce is
//! remembered and checked). The load generator, pinned to another core,
//! signs `--requests` requests with Ed25519 before the clock starts, each
//! with its own nonce, writes them pre-serialized over `--connections`
//! keep-alive connections with one request in flight on each, and reads
//! every response. By default it polls its non-blocking sockets without
//! sleeping (`--client spin`). A client thread that sleeps in epoll
//! (`--client epoll`) must be woken for every response. On this kind of
//! virtual machine the server thread pays for that wake-up inside `writev`,
//! several microseconds per request once the server is slow enough for the
//! client to fall idle, which never happens with the bare server. Each round measures the bare server, then the verifying
//! one, then the raw Ed25519 verification of the same signature base on
//! the server's core. The target is
//!
//! ```text
//! verified rate >= 0.85 / (raw Ed25519 verify time + 1 / bare rate)
//! ```
//!
//! The server thread's CPU time per request comes from
//! `/proc/self/task/<id>/schedstat`, which shows whether the server core
//! was the bottleneck. Each round also times the same gate on the server
//! core without HTTP (`Gate::check` and `Gate::complete` in a loop), which
//! separates the middleware's own cost from what running inside a server
//! adds to it.
//!
//! Usage: `middleware_rps [--requests N] [--connections C] [--rounds R]
//! [--client spin|epoll]` (defaults 20000, 4, 3 and spin). It stops by itself after the last round.

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::mpsc;
use std::time::{Duration, Instant};

use axum::Router;
use axum::routing::post;
use bytes::Bytes;
use reqsig::clock::SystemClock;
use reqsig::{Signer, VerifyingKey};
use reqsig_benches::floor::Floor;
use reqsig_benches::{Algorithm, KEY_ID, admit, ed25519_key, json_body, signer_at};
use reqsig_gate::{Gate, KeyRecord, MemoryRegistry};
use reqsig_tower::VerifyLayer;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// Raw verifications timed per round for the floor.
const FLOOR_ITERATIONS: u32 = 2_000;

/// Requests run through the gate alone per round, without HTTP.
const GATE_REQUESTS: usize = 2_000;

/// Requests sent to each server before the first round, untimed.
const WARM_UP_REQUESTS: usize = 2_000;

/// The fraction of the expected rate the middleware must reach.
const TARGET: f64 = 0.85;

struct Options {
    requests: usize,
    connections: usize,
    rounds: usize,
    client: ClientMode,
}

/// The load generator's way of waiting for responses.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum ClientMode {
    /// Polls non-blocking sockets in a loop and never sleeps, so the server
    /// never pays for waking an idle client thread.
    Spin,
    /// Waits in tokio (epoll) and sleeps while no response is ready.
    Epoll,
}

/// The load generator: its connections, mode and the threads it measures.
struct Load<'a> {
    connections: usize,
    mode: ClientMode,
    server_thread: &'a str,
    client_thread: &'a str,
    runtime: &'a tokio::runtime::Runtime,
}

impl Load<'_> {
    /// Sends every request over the keep-alive connections, one in flight on
    /// each, and measures the wall time and both threads' CPU time.
    fn run(&self, address: SocketAddr, requests: &[Vec<u8>]) -> Phase {
        let server_before = cpu_time(self.server_thread);
        let client_before = cpu_time(self.client_thread);
        let started = Instant::now();
        let failures = match self.mode {
            ClientMode::Spin => send_spinning(address, requests, self.connections),
            ClientMode::Epoll => self
                .runtime
                .block_on(send_epoll(address, requests, self.connections)),
        };
        Phase {
            elapsed: started.elapsed(),
            server_cpu: cpu_time(self.server_thread).saturating_sub(server_before),
            client_cpu: cpu_time(self.client_thread).saturating_sub(client_before),
            failures,
        }
    }
}

/// The addresses and thread of the server, sent once it listens.
struct Listening {
    plain: SocketAddr,
    verified: SocketAddr,
    thread: String,
}

/// Work the load generator sends to the server thread between phases.
enum Command {
    /// Time the raw verification of the floor and send back the mean time.
    Floor(Arc<Floor>, mpsc::Sender<Duration>),
    /// Run signed requests through the verifying server's gate, without
    /// HTTP, and send back the mean time of `Gate::check` plus `Gate::complete`.
    Gate(Vec<(http::request::Parts, Vec<u8>)>, mpsc::Sender<Duration>),
    /// Stop serving and return.
    Stop,
}

/// One measured phase: wall time and the server thread's CPU time.
struct Phase {
    elapsed: Duration,
    server_cpu: Duration,
    client_cpu: Duration,
    failures: usize,
}

fn main() {
    let options = parse_options();
    let cores = core_affinity::get_core_ids().unwrap_or_default();
    let (server_core, client_core) = match cores.as_slice() {
        [first, second, ..] => (Some(*first), Some(*second)),
        _ => {
            eprintln!("fewer than two cores: server and load generator run unpinned");
            (None, None)
        }
    };

    let key = ed25519_key();
    let public = key.verifying_key();
    let (listening_tx, listening_rx) = mpsc::channel();
    let (command_tx, command_rx) = tokio::sync::mpsc::unbounded_channel();
    let server = std::thread::spawn(move || {
        if let Some(core) = server_core {
            core_affinity::set_for_current(core);
        }
        serve(public, listening_tx, command_rx);
    });
    let listening = listening_rx.recv().expect("the server thread starts listening");

    if let Some(core) = client_core {
        core_affinity::set_for_current(core);
    }
    let client_thread = current_thread_path();
    let signer = signer_at(key, Arc::new(SystemClock));
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("tokio runtime");
    let load = Load {
        connections: options.connections,
        mode: options.client,
        server_thread: &listening.thread,
        client_thread: &client_thread,
        runtime: &runtime,
    };

    println!(
        "middleware_rps: {} requests per phase over {} connections, {} rounds, {:?} client, server on core {}, load generator on core {}",
        options.requests,
        options.connections,
        options.rounds,
        options.client,
        server_core.map_or_else(|| "any".to_owned(), |c| c.id.to_string()),
        client_core.map_or_else(|| "any".to_owned(), |c| c.id.to_string()),
    );
    let (warm_up, _) = sign_requests(&signer, listening.verified, WARM_UP_REQUESTS);
    for address in [listening.plain, listening.verified] {
        let phase = load.run(address, &warm_up);
        assert_eq!(phase.failures, 0, "warm-up requests to {address} failed");
    }

    println!(
        "round  bare req/s  verified req/s  raw verify µs  expected req/s  ratio  server CPU µs/req bare, verified  gate alone µs  client busy"
    );
    let mut ratios = Vec::with_capacity(options.rounds);
    for round in 1..=options.rounds {
        let (requests, base) = sign_requests(&signer, listening.verified, options.requests);
        let bare = load.run(listening.plain, &requests);
        let verified = load.run(listening.verified, &requests);
        assert_eq!(bare.failures, 0, "requests to the bare server failed");
        assert_eq!(
            verified.failures, 0,
            "requests to the verifying server were rejected"
        );

        let floor = Arc::new(Floor::new(Algorithm::Ed25519, base.as_bytes()));
        let (reply_tx, reply_rx) = mpsc::channel();
        command_tx
            .send(Command::Floor(floor, reply_tx))
            .expect("the server thread is running");
        let raw_verify = reply_rx.recv().expect("the server thread times the floor");
        let gate_requests = sign_parts(&signer, listening.verified, GATE_REQUESTS);
        let (reply_tx, reply_rx) = mpsc::channel();
        command_tx
            .send(Command::Gate(gate_requests, reply_tx))
            .expect("the server thread is running");
        let gate_alone = reply_rx.recv().expect("the server thread times the gate");

        let count = options.requests as f64;
        let bare_rate = count / bare.elapsed.as_secs_f64();
        let verified_rate = count / verified.elapsed.as_secs_f64();
        let expected = 1.0 / (raw_verify.as_secs_f64() + 1.0 / bare_rate);
        let ratio = verified_rate / expected;
        ratios.push(ratio);
        let client_busy = (bare.client_cpu + verified.client_cpu).as_secs_f64()
            / (bare.elapsed + verified.elapsed).as_secs_f64();
        println!(
            "{round:>5} {bare_rate:>11.0} {verified_rate:>15.0} {:>14.1} {expected:>15.0} {ratio:>6.3} {:>18.1} {:>9.1} {:>14.1} {:>11.0}%",
            raw_verify.as_secs_f64() * 1e6,
            bare.server_cpu.as_secs_f64() * 1e6 / count,
            verified.server_cpu.as_secs_f64() * 1e6 / count,
            gate_alone.as_secs_f64() * 1e6,
            client_busy * 100.0,
        );
    }
    command_tx
        .send(Command::Stop)
        .expect("the server thread is running");
    server.join().expect("the server thread exits cleanly");

    ratios.sort_by(f64::total_cmp);
    let median = ratios[ratios.len() / 2];
    let verdict = if median >= TARGET { "met" } else { "not met" };
    println!("median ratio {median:.3} (target {TARGET}): {verdict}");
}

/// Runs both servers on a current-thread runtime until [`Command::Stop`].
fn serve(
    public: VerifyingKey,
    listening: mpsc::Sender<Listening>,
    mut commands: tokio::sync::mpsc::UnboundedReceiver<Command>,
) {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("tokio runtime");
    runtime.block_on(async move {
        let plain = TcpListener::bind("127.0.0.1:0").await.expect("bind 127.0.0.1");
        let verified = TcpListener::bind("127.0.0.1:0").await.expect("bind 127.0.0.1");
        listening
            .send(Listening {
                plain: plain.local_addr().expect("bound address"),
                verified: verified.local_addr().expect("bound address"),
                thread: current_thread_path(),
            })
            .expect("the load generator waits");

        let registry = MemoryRegistry::with_records([KeyRecord::new(KEY_ID, "bench-client", public)]);
        let gate = Gate::builder(Arc::new(registry)).build();
        let bare_app = app();
        let verifying_app = app().layer(VerifyLayer::new(gate.clone()));
        for (listener, app) in [(plain, bare_app), (verified, verifying_app)] {
            tokio::spawn(async move {
                axum::serve(listener, app.into_make_service_with_connect_info::<SocketAddr>())
                    .await
                    .expect("the server runs");
            });
        }

        while let Some(command) = commands.recv().await {
            match command {
                Command::Floor(floor, reply) => {
                    let started = Instant::now();
                    for _ in 0..FLOOR_ITERATIONS {
                        floor.ed25519_verify_only();
                    }
                    let _ = reply.send(started.elapsed() / FLOOR_ITERATIONS);
                }
                Command::Gate(requests, reply) => {
                    let started = Instant::now();
                    for (parts, body) in &requests {
                        admit(&gate, parts, body).await;
                    }
                    let count = u32::try_from(requests.len()).unwrap_or(u32::MAX).max(1);
                    let _ = reply.send(started.elapsed() / count);
                }
                Command::Stop => break,
            }
        }
    });
}

/// Builds the route both servers serve: it reads the body and returns `ok`.
fn app() -> Router {
    Router::new().route(
        "/v1/orders",
        post(|body: Bytes| async move { if body.len() == 1024 { "ok" } else { "short body" } }),
    )
}

/// Signs `count` requests to `address`, each with its own nonce, and
/// serializes them as HTTP/1.1. Also returns the last signature base.
fn sign_requests(signer: &Signer, address: SocketAddr, count: usize) -> (Vec<Vec<u8>>, String) {
    let mut base = String::new();
    let requests = (0..count)
        .map(|_| {
            let (request, signed_base) = signed_request(signer, address);
            base = signed_base;
            serialize(&request)
        })
        .collect();
    (requests, base)
}

/// Signs `count` requests to `address` and splits them into head and body, for the gate alone.
fn sign_parts(signer: &Signer, address: SocketAddr, count: usize) -> Vec<(http::request::Parts, Vec<u8>)> {
    (0..count)
        .map(|_| signed_request(signer, address).0.into_parts())
        .collect()
}

/// Signs the typical request to `address`; returns it and its signature base.
fn signed_request(signer: &Signer, address: SocketAddr) -> (http::Request<Vec<u8>>, String) {
    let body = json_body();
    let mut request = http::Request::post("/v1/orders?customer=42")
        .header("host", address.to_string())
        .header("content-type", "application/json")
        .header("content-length", body.len().to_string())
        .body(body)
        .expect("valid request");
    let base = signer.sign_request(&mut request).expect("sign").base;
    (request, base)
}

fn serialize(request: &http::Request<Vec<u8>>) -> Vec<u8> {
    let mut bytes = Vec::with_capacity(2048);
    bytes.extend_from_slice(request.method().as_str().as_bytes());
    bytes.push(b' ');
    bytes.extend_from_slice(request.uri().to_string().as_bytes());
    bytes.extend_from_slice(b" HTTP/1.1\r\n");
    for (name, value) in request.headers() {
        bytes.extend_from_slice(name.as_str().as_bytes());
        bytes.extend_from_slice(b": ");
        bytes.extend_from_slice(value.as_bytes());
        bytes.extend_from_slice(b"\r\n");
    }
    bytes.extend_from_slice(b"\r\n");
    bytes.extend_from_slice(request.body());
    bytes
}

/// Sends the requests over `connections` connections from tokio tasks and
/// returns how many responses were not 200.
async fn send_epoll(address: SocketAddr, requests: &[Vec<u8>], connections: usize) -> usize {
    let shared: Arc<Vec<Vec<u8>>> = Arc::new(requests.to_vec());
    let mut tasks = Vec::with_capacity(connections);
    for connection in 0..connections {
        let shared = shared.clone();
        tasks.push(tokio::spawn(async move {
            let mut stream = TcpStream::connect(address).await.expect("connect to the server");
            stream.set_nodelay(true).expect("set TCP_NODELAY");
            let mut buffer = Vec::with_capacity(4096);
            let mut chunk = [0u8; 4096];
            let mut failures = 0;
            for request in shared.iter().skip(connection).step_by(connections) {
                stream.write_all(request).await.expect("send the request");
                buffer.clear();
                let status = loop {
                    if let Some(status) = parse_response(&buffer) {
                        break status;
                    }
                    let read = stream.read(&mut chunk).await.expect("read the response");
                    assert!(read > 0, "the server closed the connection");
                    buffer.extend_from_slice(&chunk[..read]);
                };
                if status != 200 {
                    failures += 1;
                }
            }
            failures
        }));
    }
    let mut failures = 0;
    for task in tasks {
        failures += task.await.expect("the connection task completes");
    }
    failures
}

/// One connection of the spinning load generator.
struct SpinConnection {
    stream: std::net::TcpStream,
    /// The indexes of this connection's requests that are still to be sent.
    next: std::iter::StepBy<std::ops::Range<usize>>,
    /// Bytes of the response being read.
    buffer: Vec<u8>,
    awaiting: bool,
}

/// Sends the requests over `connections` non-blocking sockets from this
/// thread, polling them in turn without sleeping, and returns how many
/// responses were not 200.
fn send_spinning(address: SocketAddr, requests: &[Vec<u8>], connections: usize) -> usize {
    let mut open: Vec<SpinConnection> = (0..connections)
        .map(|connection| {
            let stream = std::net::TcpStream::connect(address).expect("connect to the server");
            stream.set_nodelay(true).expect("set TCP_NODELAY");
            stream
                .set_nonblocking(true)
                .expect("make the socket non-blocking");
            SpinConnection {
                stream,
                next: (connection..requests.len()).step_by(connections),
                buffer: Vec::with_capacity(4096),
                awaiting: false,
            }
        })
        .collect();
    let mut chunk = [0u8; 4096];
    let mut failures = 0;
    while !open.is_empty() {
        open.retain_mut(|connection| {
            if !connection.awaiting {
                let Some(index) = connection.next.next() else {
                    return false;
                };
                write_spinning(&mut connection.stream, &requests[index]);
                connection.awaiting = true;
                connection.buffer.clear();
            }
            match std::io::Read::read(&mut connection.stream, &mut chunk) {
                Ok(0) => panic!("the server closed the connection"),
                Ok(read) => connection.buffer.extend_from_slice(&chunk[..read]),
                Err(error) if error.kind() == std::io::ErrorKind::WouldBlock => {}
                Err(error) => panic!("failed to read a response: {error}"),
            }
            if let Some(status) = parse_response(&connection.buffer) {
                if status != 200 {
                    failures += 1;
                }
                connection.awaiting = false;
            }
            true
        });
    }
    failures
}

/// Writes all of `bytes` to a non-blocking socket, retrying while it is full.
fn write_spinning(stream: &mut std::net::TcpStream, mut bytes: &[u8]) {
    while !bytes.is_empty() {
        match std::io::Write::write(stream, bytes) {
            Ok(written) => bytes = &bytes[written..],
            Err(error) if error.kind() == std::io::ErrorKind::WouldBlock => std::hint::spin_loop(),
            Err(error) => panic!("failed to send a request: {error}"),
        }
    }
}

/// Returns the status code of the response in `buffer` once it contains the
/// whole response (head and `content-length` body).
fn parse_response(buffer: &[u8]) -> Option<u16> {
    let header_end = find(buffer, b"\r\n\r\n")? + 4;
    let head = std::str::from_utf8(&buffer[..header_end]).expect("an ASCII response head");
    let status: u16 = head
        .get(9..12)
        .and_then(|code| code.parse().ok())
        .expect("a status line");
    let length: usize = head
        .lines()
        .find_map(|line| {
            let (name, value) = line.split_once(':')?;
            name.eq_ignore_ascii_case("content-length")
                .then(|| value.trim().parse().ok())
                .flatten()
        })
        .expect("a content-length header");
    (buffer.len() >= header_end + length).then_some(status)
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|window| window == needle)
}

/// Returns `/proc/self/task/<id>` of the calling thread.
fn current_thread_path() -> String {
    let link = std::fs::read_link("/proc/thread-self").expect("/proc/thread-self exists on Linux");
    let id = link
        .file_name()
        .and_then(|name| name.to_str())
        .expect("a thread id")
        .to_owned();
    format!("/proc/self/task/{id}")
}

/// Returns the CPU time a thread has run, from its `schedstat`.
fn cpu_time(thread: &str) -> Duration {
    let text = std::fs::read_to_string(format!("{thread}/schedstat")).unwrap_or_default();
    let nanos = text
        .split_whitespace()
        .next()
        .and_then(|field| field.parse().ok())
        .unwrap_or(0);
    Duration::from_nanos(nanos)
}

fn parse_options() -> Options {
    let mut options = Options {
        requests: 20_000,
        connections: 4,
        rounds: 3,
        client: ClientMode::Spin,
    };
    let mut args = std::env::args().skip(1);
    while let Some(flag) = args.next() {
        if flag == "--client" {
            options.client = match args.next().as_deref() {
                Some("spin") => ClientMode::Spin,
                Some("epoll") => ClientMode::Epoll,
                other => panic!("--client takes spin or epoll, not {other:?}"),
            };
            continue;
        }
        let value = args
            .next()
            .and_then(|value| value.parse().ok())
            .unwrap_or_else(|| panic!("{flag} needs a positive number"));
        match flag.as_str() {
            "--requests" => options.requests = value,
            "--connections" => options.connections = value,
            "--rounds" => options.rounds = value,
            _ => panic!("unknown option {flag}: expected --requests, --connections, --rounds or --client"),
        }
    }
    assert!(
        options.requests > 0 && options.connections > 0 && options.rounds > 0,
        "options must be positive"
    );
    options
}
