//! `verify:` against a real Prometheus (see `prometheus_real.rs` for how it is started): a
//! release to PROD whose 5xx ratio stays low is `released`; one whose service starts failing
//! during the watch is `reverted`, with Prometheus's own figure.
//!
//! The run's clock is virtual (`PROMOTE_ACTION_NOW`), so the watch's checks follow each other
//! at once while Prometheus lives in real time. To make the metric go bad *during* the watch,
//! the action talks to Prometheus through a pass-through proxy in this test: when the action's
//! query number `bad_from` arrives, the proxy makes the exporter's service fail half of its
//! requests and holds that query until Prometheus itself reports the ratio over the bound, then
//! forwards it. Every answer the action reads is Prometheus's, unchanged.

use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use promote_action::simulator::{APP_INVENTORY, STAGE_STAGING};

use crate::common::{Action, Sim, mutations};
use crate::prometheus_real::{Prometheus, prometheus_bin};

/// The 5xx share of the checkout service over a 5 s window (1 s scrapes).
const QUERY: &str = "sum(rate(http_requests_total{code=~\"5..\",service=\"checkout\"}[5s])) / sum(rate(http_requests_total{service=\"checkout\"}[5s]))";
const REQUESTS_PER_SECOND: f64 = 100.0;
const GOOD: f64 = 0.002;
const BAD: f64 = 0.5;

/// Counters that grow with real time at the current 5xx share; the share can change.
#[derive(Debug)]
struct Counters {
    last: Instant,
    ok: f64,
    errors: f64,
    ratio: f64,
}

impl Counters {
    fn advance(&mut self) -> (f64, f64) {
        let now = Instant::now();
        let n = REQUESTS_PER_SECOND * now.duration_since(self.last).as_secs_f64();
        self.last = now;
        self.ok += n * (1.0 - self.ratio);
        self.errors += n * self.ratio;
        (self.ok, self.errors)
    }
}

type Shared = Arc<Mutex<Counters>>;

fn start_exporter(counters: Shared) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind exporter");
    let addr = listener.local_addr().expect("addr").to_string();
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let (ok, errors) = counters.lock().expect("counters").advance();
            serve_metrics(stream, ok, errors);
        }
    });
    addr
}

fn serve_metrics(mut stream: TcpStream, ok: f64, errors: f64) {
    let mut reader = BufReader::new(stream.try_clone().expect("clone"));
    let mut line = String::new();
    while reader.read_line(&mut line).is_ok_and(|n| n > 2) {
        line.clear();
    }
    let body = format!(
        "# TYPE http_requests_total counter\nhttp_requests_total{{service=\"checkout\",code=\"200\"}} {ok}\nhttp_requests_total{{service=\"checkout\",code=\"500\"}} {errors}\n"
    );
    let _ = write!(
        stream,
        "HTTP/1.1 200 OK\r\nContent-Type: text/plain; version=0.0.4\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
}

/// The checkout 5xx ratio Prometheus reports now, if any.
async fn ratio_now(prometheus: &str) -> Option<f64> {
    let answer: serde_json::Value = reqwest::Client::new()
        .get(format!("{prometheus}/api/v1/query"))
        .query(&[("query", QUERY)])
        .send()
        .await
        .ok()?
        .json()
        .await
        .ok()?;
    answer["data"]["result"][0]["value"][1]
        .as_str()?
        .parse()
        .ok()
        .filter(|v: &f64| v.is_finite())
}

/// What the proxy shares with its handler.
#[derive(Clone)]
struct ProxyState {
    prometheus: String,
    counters: Shared,
    queries: Arc<AtomicUsize>,
    bad_from: usize,
}

async fn forward(
    axum::extract::State(s): axum::extract::State<ProxyState>,
    axum::extract::RawQuery(query): axum::extract::RawQuery,
) -> (axum::http::StatusCode, String) {
    let n = s.queries.fetch_add(1, Ordering::SeqCst) + 1;
    if n == s.bad_from {
        s.counters.lock().expect("counters").ratio = BAD;
        let deadline = Instant::now() + Duration::from_secs(30);
        while ratio_now(&s.prometheus).await.is_none_or(|r| r <= 0.01) {
            assert!(
                Instant::now() < deadline,
                "Prometheus never saw the failures"
            );
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
    }
    let url = format!(
        "{}/api/v1/query?{}",
        s.prometheus,
        query.unwrap_or_default()
    );
    let answer = reqwest::get(url).await.expect("Prometheus answers");
    let status = axum::http::StatusCode::from_u16(answer.status().as_u16())
        .unwrap_or(axum::http::StatusCode::BAD_GATEWAY);
    (status, answer.text().await.unwrap_or_default())
}

/// Starts the proxy on its own runtime; returns its URL and its query counter.
fn start_proxy(state: ProxyState) -> (String, Arc<AtomicUsize>) {
    let queries = state.queries.clone();
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind proxy");
    listener.set_nonblocking(true).expect("nonblocking");
    let url = format!("http://{}", listener.local_addr().expect("addr"));
    std::thread::spawn(move || {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("runtime");
        rt.block_on(async move {
            let listener = tokio::net::TcpListener::from_std(listener).expect("listener");
            let app = axum::Router::new()
                .route("/api/v1/query", axum::routing::get(forward))
                .with_state(state);
            let _ = axum::serve(listener, app).await;
        });
    });
    (url, queries)
}

/// Releases inventory 1.1.0 to PROD watched for 5 m, one check a minute, through `proxy`.
fn release(proxy: &str) -> (Sim, crate::common::Run) {
    let sim = Sim::start();
    let policy = format!(
        "version: 1\nstages:\n  PROD:\n    verify:\n      for: 5m\n      every: 1m\n      gates:\n        - name: checkout 5xx\n          prometheus:\n            url: {proxy}\n            query: '{QUERY}'\n            max: 0.01\n"
    );
    let mut a = Action::new(&sim, APP_INVENTORY);
    a.input("version", "1.1.0")
        .input("target-stage", "PROD")
        .env("PROMOTE_ACTION_NOW", "2026-03-05T10:00:00Z")
        .file(".github/promotion-policy.yml", &policy);
    let run = a.run();
    (sim, run)
}

#[test]
fn verify_against_a_real_prometheus_releases_or_reverts() {
    let Some(bin) = prometheus_bin() else {
        return;
    };
    let counters = Arc::new(Mutex::new(Counters {
        last: Instant::now(),
        ok: 0.0,
        errors: 0.0,
        ratio: GOOD,
    }));
    let exporter = start_exporter(counters.clone());
    let prom = Prometheus::start(&bin, &exporter);
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let deadline = Instant::now() + Duration::from_secs(60);
    while rt.block_on(ratio_now(&prom.url)).is_none() {
        assert!(
            Instant::now() < deadline,
            "Prometheus at {} never scraped",
            prom.url
        );
        std::thread::sleep(Duration::from_millis(250));
    }
    let state = |bad_from| ProxyState {
        prometheus: prom.url.clone(),
        counters: counters.clone(),
        queries: Arc::new(AtomicUsize::new(0)),
        bad_from,
    };

    // Stays good: the check before the hop and five checks, all low.
    let (proxy, queries) = start_proxy(state(usize::MAX));
    let (sim, good) = release(&proxy);
    assert_eq!(good.code, 0, "{}", good.stdout);
    assert_eq!(good.out("result"), "released");
    assert_eq!(queries.load(Ordering::SeqCst), 6);
    assert!(
        good.stdout
            .contains("[5/5 at 5m] PROD · verify: checkout 5xx: 0.002"),
        "{}",
        good.stdout
    );
    assert!(
        mutations(&sim)
            .iter()
            .all(|r| !r.path.ends_with("/rollback"))
    );

    // Goes bad at the third check (the fourth query): reverted, back in STAGING.
    let (proxy, queries) = start_proxy(state(4));
    let (sim, bad) = release(&proxy);
    assert_eq!(bad.code, 1, "{}", bad.stdout);
    assert_eq!(bad.out("result"), "reverted");
    assert_eq!(queries.load(Ordering::SeqCst), 4);
    assert_eq!(
        sim.sim
            .version(APP_INVENTORY, "1.1.0")
            .map(|v| v.current_stage),
        Some(STAGE_STAGING.to_string())
    );
    let rollbacks = mutations(&sim)
        .iter()
        .filter(|r| r.path.ends_with("/rollback"))
        .count();
    assert_eq!(rollbacks, 1);
    assert!(
        bad.stdout
            .contains("[3/5 at 3m] PROD · verify: checkout 5xx: {} 0."),
        "{}",
        bad.stdout
    );
    assert!(
        bad.summary
            .contains("reverted: PROD verification failed 3m into the watch; back in STAGING"),
        "{}",
        bad.summary
    );
}
