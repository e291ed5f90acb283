//! Two figures of the replay stores of `reqsig-gate`:
//!
//! 1. Memory per remembered nonce in `MemoryReplayStore`: the bytes still
//!    allocated after one million distinct nonces were inserted, divided by
//!    one million, counted by `allocation-counter`. The nonces arrive over
//!    the 330 s retention of the server policy (3031 per simulated second),
//!    so they fill the store's time buckets as steady traffic would. The
//!    figure for one million nonces in a single second is printed as well.
//! 2. Redis round trips per verified request: the example starts
//!    `redis-server` on a free port of 127.0.0.1, verifies requests through
//!    a `Gate` with the `RedisReplayStore`, and reads the number of commands
//!    the server executed from `INFO commandstats`. Without `redis-server`
//!    on the PATH this part is skipped.
//!
//! Run with `cargo run --release -p reqsig-benches --features count-allocations
//! --example replay_store`.

use std::fmt::Write as _;
use std::net::TcpListener;
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use reqsig::clock::{Clock, SystemClock};
use reqsig_benches::{KEY_ID, admit, ed25519_key, request, signer_at};
use reqsig_gate::replay::{Freshness, MemoryReplayStore, RedisReplayStore};
use reqsig_gate::{Gate, KeyRecord, MemoryRegistry};

/// Nonces inserted for the memory figure.
const NONCES: u64 = 1_000_000;

/// The nonce retention of `Policy::server()`: maximum age plus skew, in seconds.
const RETENTION: Duration = Duration::from_secs(330);

/// Requests verified for the Redis figure.
const REDIS_REQUESTS: usize = 1_000;

/// A clock the example moves forward by hand.
struct ManualClock(AtomicU64);

impl Clock for ManualClock {
    fn now(&self) -> u64 {
        self.0.load(Ordering::Relaxed)
    }
}

fn main() {
    let per_second = NONCES.div_ceil(RETENTION.as_secs());
    let (spread, spread_peak) = bytes_per_nonce(per_second);
    let (burst, burst_peak) = bytes_per_nonce(NONCES);
    println!(
        "memory replay store, {NONCES} nonces over {} s: {spread:.1} bytes per nonce live, {spread_peak:.1} at peak",
        RETENTION.as_secs()
    );
    println!(
        "memory replay store, {NONCES} nonces in one second: {burst:.1} bytes per nonce live, {burst_peak:.1} at peak"
    );

    match which("redis-server") {
        true => redis_round_trips(),
        false => println!("redis round trips: skipped, redis-server is not on the PATH"),
    }
}

/// Inserts [`NONCES`] distinct nonces, `per_second` per simulated second, and
/// returns the live and the peak bytes per nonce.
fn bytes_per_nonce(per_second: u64) -> (f64, f64) {
    let clock = Arc::new(ManualClock(AtomicU64::new(1_800_000_000)));
    let store = MemoryReplayStore::new(NONCES as usize).with_clock(clock.clone());
    let mut nonce = String::with_capacity(32);
    let info = allocation_counter::measure(|| {
        for i in 0..NONCES {
            if i > 0 && i % per_second == 0 {
                clock.0.fetch_add(1, Ordering::Relaxed);
            }
            nonce.clear();
            // Distinct 22-character nonces, the length of reqsig's random ones.
            write!(nonce, "{i:022}").expect("writing to a String cannot fail");
            let fresh = store.check_now(KEY_ID, &nonce, RETENTION);
            assert_eq!(fresh, Ok(Freshness::Fresh), "nonce {i} was not stored");
        }
    });
    assert_eq!(store.len(), NONCES as usize);
    let nonces = NONCES as f64;
    (info.bytes_current as f64 / nonces, info.bytes_max as f64 / nonces)
}

/// Verifies [`REDIS_REQUESTS`] requests through a gate backed by Redis and
/// prints the commands Redis executed per request.
fn redis_round_trips() {
    let mut redis = RedisProcess::start();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("tokio runtime");
    let result = runtime.block_on(count_commands(&redis.url()));
    redis.stop();
    match result {
        Ok(line) => println!("{line}"),
        Err(error) => println!("redis round trips: failed: {error}"),
    }
}

async fn count_commands(url: &str) -> Result<String, redis::RedisError> {
    let key = ed25519_key();
    let registry =
        MemoryRegistry::with_records([KeyRecord::new(KEY_ID, "bench-client", key.verifying_key())]);
    let store = RedisReplayStore::new(url).expect("valid Redis URL");
    let gate = Gate::builder(Arc::new(registry))
        .replay_store(Arc::new(store))
        .build();
    let signer = signer_at(key, Arc::new(SystemClock));
    let mut requests = Vec::with_capacity(REDIS_REQUESTS + 1);
    for _ in 0..=REDIS_REQUESTS {
        let mut request = request();
        signer.sign_request(&mut request).expect("sign");
        requests.push(request.into_parts());
    }

    let client = redis::Client::open(url)?;
    let mut stats = client.get_multiplexed_async_connection().await?;
    // The first request opens the store's connection; its commands are not counted.
    let (first_parts, first_body) = &requests[0];
    admit(&gate, first_parts, first_body).await;
    redis::cmd("CONFIG")
        .arg("RESETSTAT")
        .query_async::<()>(&mut stats)
        .await?;
    for (parts, body) in &requests[1..] {
        admit(&gate, parts, body).await;
    }
    let info: String = redis::cmd("INFO")
        .arg("commandstats")
        .query_async(&mut stats)
        .await?;

    let mut counted = Vec::new();
    let mut total = 0;
    for line in info.lines() {
        let Some((name, fields)) = line.strip_prefix("cmdstat_").and_then(|l| l.split_once(':')) else {
            continue;
        };
        // The statistics connection's own commands are not the gate's.
        if name.starts_with("config") || name == "info" {
            continue;
        }
        let calls: u64 = fields
            .split(',')
            .find_map(|field| field.strip_prefix("calls="))
            .and_then(|calls| calls.parse().ok())
            .unwrap_or(0);
        total += calls;
        counted.push(format!("{name} {calls}"));
    }
    Ok(format!(
        "redis round trips: {} commands for {REDIS_REQUESTS} verified requests ({}), {:.2} per request",
        total,
        counted.join(", "),
        total as f64 / REDIS_REQUESTS as f64
    ))
}

/// A `redis-server` child process on 127.0.0.1, stopped on drop.
struct RedisProcess {
    child: Child,
    port: u16,
}

impl RedisProcess {
    fn start() -> RedisProcess {
        let port = TcpListener::bind("127.0.0.1:0")
            .and_then(|listener| listener.local_addr())
            .expect("a free port on 127.0.0.1")
            .port();
        let child = Command::new("redis-server")
            .args([
                "--port",
                &port.to_string(),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
            ])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("redis-server starts");
        // Built before the wait, so that a panic below stops the child on drop.
        let process = RedisProcess { child, port };
        for _ in 0..100 {
            if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
                return process;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        panic!("redis-server did not start listening on 127.0.0.1:{port}");
    }

    fn url(&self) -> String {
        format!("redis://127.0.0.1:{}/", self.port)
    }

    fn stop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for RedisProcess {
    fn drop(&mut self) {
        self.stop();
    }
}

fn which(program: &str) -> bool {
    std::env::var_os("PATH")
        .is_some_and(|path| std::env::split_paths(&path).any(|dir| dir.join(program).is_file()))
}
