//! The Redis replay store against a real `redis-server` on loopback: shared
//! between two app instances, under concurrent replays, and stopped and
//! restarted mid-test.

mod common;

use std::net::TcpListener;
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::Duration;

use common::{ManualClock, key, send, serve_gate, signed, signer};
use reqsig_gate::replay::RedisReplayStore;
use reqsig_gate::{Gate, KeyRecord, MemoryRegistry};

/// A `redis-server` child process on 127.0.0.1, stopped on drop.
struct RedisProcess {
    child: Child,
    port: u16,
}

impl RedisProcess {
    fn start_on(port: u16) -> RedisProcess {
        let child = Command::new("redis-server")
            .args(["--port", &port.to_string(), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("redis-server is not installed: run scripts/test.sh, which installs it, or `apt-get install redis-server`");
        let process = RedisProcess { child, port };
        for _ in 0..100 {
            if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
                return process;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        panic!("redis-server did not start listening on 127.0.0.1:{port}");
    }

    fn start() -> RedisProcess {
        let port = TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        RedisProcess::start_on(port)
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

fn gate(redis_url: &str, clock: Arc<ManualClock>) -> Gate {
    let registry = Arc::new(MemoryRegistry::with_records([KeyRecord::new(
        "k1",
        "c",
        key(1).verifying_key(),
    )]));
    let store = RedisReplayStore::new(redis_url)
        .unwrap()
        .with_prefix(format!("test:{}:", std::process::id()));
    Gate::builder(registry)
        .clock(clock)
        .replay_store(Arc::new(store))
        .build()
}

#[tokio::test]
async fn redis_shared_between_instances() {
    let redis = RedisProcess::start();
    let clock = ManualClock::new();
    let first = serve_gate(gate(&redis.url(), clock.clone())).await;
    let second = serve_gate(gate(&redis.url(), clock.clone())).await;
    let signer = signer(&key(1), "k1", clock);

    assert_eq!(
        send(signed(&signer, "GET", &first.url("/a"), None)).await.status,
        200
    );

    // The two instances listen on different ports, so the signed authority
    // differs; the replayed part is the (key id, nonce) pair, signed anew.
    let fixed = reqsig::Signer::builder(key(1))
        .key_id("k1")
        .clock(Arc::new(reqsig::clock::FixedClock(common::START)))
        .nonce(reqsig::Nonce::Fixed("shared-nonce".to_owned()))
        .build()
        .unwrap();
    assert_eq!(
        send(signed(&fixed, "GET", &first.url("/a"), None)).await.status,
        200
    );
    let reply = send(signed(&fixed, "GET", &second.url("/a"), None)).await;
    assert_eq!(reply.status, 401);
    assert_eq!(reply.code(), "replayed_nonce");
}

#[tokio::test]
async fn redis_same_nonce_from_50_tasks_accepted_once() {
    let redis = RedisProcess::start();
    let clock = ManualClock::new();
    let server = serve_gate(gate(&redis.url(), clock.clone())).await;
    let request = signed(&signer(&key(1), "k1", clock), "GET", &server.url("/a"), None);
    let tasks: Vec<_> = (0..50)
        .map(|_| {
            let request = request.clone();
            tokio::spawn(async move { send(request).await.status })
        })
        .collect();
    let mut accepted = 0;
    let mut replayed = 0;
    for task in tasks {
        match task.await.unwrap() {
            200 => accepted += 1,
            401 => replayed += 1,
            other => panic!("unexpected status {other}"),
        }
    }
    assert_eq!(accepted, 1);
    assert_eq!(replayed, 49);
}

#[tokio::test]
async fn redis_stopped_fails_closed_then_recovers() {
    let mut redis = RedisProcess::start();
    let port = redis.port;
    let clock = ManualClock::new();
    let server = serve_gate(gate(&redis.url(), clock.clone())).await;
    let signer = signer(&key(1), "k1", clock);
    assert_eq!(
        send(signed(&signer, "GET", &server.url("/a"), None)).await.status,
        200
    );

    redis.stop();
    let reply = send(signed(&signer, "GET", &server.url("/a"), None)).await;
    assert_eq!(reply.status, 503);
    assert_eq!(reply.code(), "replay_store_unavailable");
    assert_eq!(reply.headers["retry-after"], "1");

    let _restarted = RedisProcess::start_on(port);
    let mut status = 0;
    for _ in 0..50 {
        status = send(signed(&signer, "GET", &server.url("/a"), None)).await.status;
        if status == 200 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(status, 200, "the store did not recover after Redis restarted");
}
