//! The `prometheus` gate against a real Prometheus: Debian's `prometheus` package (which
//! `.ci/run` installs) started on 127.0.0.1 with a 1 s scrape interval, scraping a tiny
//! exporter in this process whose counters the test sets, so `rate()` windows, no data and the
//! PromQL parser's error answers are Prometheus's own.
//!
//! Where the binary is absent (a developer machine without the package) the test says so and
//! passes; `PROMOTE_ACTION_REQUIRE_PROMETHEUS=1` (set by `.ci/run`) makes that a failure.
//! `PROMETHEUS_BIN` points at another binary (the static one from the release tarball works).

use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use crate::common::{Action, Sim};

/// Requests per second each service serves, and the share that fail with a 5xx.
const SERVICES: [(&str, f64, f64); 2] = [("cart", 100.0, 0.002), ("checkout", 40.0, 0.05)];

/// The 5xx ratio per service over a 5 s window (1 s scrapes: five samples).
fn ratio_query(selector: &str) -> String {
    format!(
        "sum by (service) (rate(http_requests_total{{code=~\"5..\"{selector}}}[5s])) / sum by (service) (rate(http_requests_total{{{}}}[5s]))",
        selector.trim_start_matches(',')
    )
}

/// The Prometheus binary, or `None` with the reason shown when the test is skipped.
pub(crate) fn prometheus_bin() -> Option<PathBuf> {
    let candidates = std::env::var_os("PROMETHEUS_BIN")
        .map(PathBuf::from)
        .into_iter()
        .chain(["/usr/bin/prometheus", "/usr/local/bin/prometheus"].map(PathBuf::from));
    for c in candidates {
        if c.is_file() {
            return Some(c);
        }
    }
    let why = "SKIPPED: no Prometheus binary (install Debian's `prometheus` package: apt-get install prometheus, or set PROMETHEUS_BIN)";
    assert!(
        std::env::var("PROMOTE_ACTION_REQUIRE_PROMETHEUS").as_deref() != Ok("1"),
        "{why}, and PROMOTE_ACTION_REQUIRE_PROMETHEUS=1 requires it"
    );
    eprintln!("{why}");
    None
}

/// A counter exporter on loopback: each service's request counters grow with time at its rate,
/// a share of them with code 500, so `rate()` gives exactly the configured ratios.
fn start_exporter() -> String {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind exporter");
    let addr = listener.local_addr().expect("addr").to_string();
    let started = Instant::now();
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            serve_metrics(stream, started.elapsed().as_secs_f64());
        }
    });
    addr
}

fn serve_metrics(mut stream: TcpStream, t: f64) {
    let mut reader = BufReader::new(stream.try_clone().expect("clone"));
    let mut line = String::new();
    // Read the request head; its content does not matter.
    while reader.read_line(&mut line).is_ok_and(|n| n > 2) {
        line.clear();
    }
    let mut body = String::from("# TYPE http_requests_total counter\n");
    for (service, rps, ratio) in SERVICES {
        let total = rps * t;
        body.push_str(&format!(
            "http_requests_total{{service=\"{service}\",code=\"200\"}} {}\n",
            total * (1.0 - ratio)
        ));
        body.push_str(&format!(
            "http_requests_total{{service=\"{service}\",code=\"500\"}} {}\n",
            total * ratio
        ));
    }
    let _ = write!(
        stream,
        "HTTP/1.1 200 OK\r\nContent-Type: text/plain; version=0.0.4\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
}

/// A Prometheus process, killed when dropped.
pub(crate) struct Prometheus {
    child: Child,
    pub(crate) url: String,
    _dir: tempfile::TempDir,
}

impl Drop for Prometheus {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port")
}

impl Prometheus {
    pub(crate) fn start(bin: &PathBuf, target: &str) -> Prometheus {
        let dir = tempfile::tempdir().expect("tempdir");
        let config = dir.path().join("prometheus.yml");
        std::fs::write(
            &config,
            format!(
                "global:\n  scrape_interval: 1s\n  evaluation_interval: 1s\nscrape_configs:\n  - job_name: app\n    static_configs:\n      - targets: ['{target}']\n"
            ),
        )
        .expect("config");
        let port = free_port();
        let child = Command::new(bin)
            .arg(format!("--config.file={}", config.display()))
            .arg(format!(
                "--storage.tsdb.path={}",
                dir.path().join("data").display()
            ))
            .arg(format!("--web.listen-address=127.0.0.1:{port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("prometheus starts");
        Prometheus {
            child,
            url: format!("http://127.0.0.1:{port}"),
            _dir: dir,
        }
    }

    /// Waits until the rate window holds samples of both services (a few scrapes).
    fn wait_ready(&self) {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("runtime");
        let query = format!(
            "{}/api/v1/query?query=count(rate(http_requests_total%5B5s%5D)%20%3E%200)",
            self.url
        );
        let deadline = Instant::now() + Duration::from_secs(60);
        while Instant::now() < deadline {
            let answer = rt.block_on(async { reqwest::get(&query).await.ok()?.text().await.ok() });
            let ready = answer
                .and_then(|t| serde_json::from_str::<serde_json::Value>(&t).ok())
                .and_then(|v| {
                    v["data"]["result"][0]["value"][1]
                        .as_str()
                        .map(str::to_string)
                })
                .is_some_and(|n| n == "4");
            if ready {
                return;
            }
            std::thread::sleep(Duration::from_millis(250));
        }
        panic!(
            "Prometheus at {} did not scrape the exporter within 60 s",
            self.url
        );
    }
}

fn run_gate(prom: &Prometheus, query: &str) -> crate::common::Run {
    let sim = Sim::start();
    let mut a = Action::new(&sim, "bookverse-inventory");
    let policy = format!(
        "version: 1\nstages:\n  QA:\n    gates:\n      - name: 5xx ratio\n        prometheus:\n          url: {}\n          query: '{}'\n          max: 0.01\n",
        prom.url,
        query.replace('\'', "''")
    );
    a.input("version", "1.2.0")
        .file(".github/promotion-policy.yml", &policy);
    a.run()
}

#[test]
fn a_5xx_ratio_gate_against_a_real_prometheus() {
    let Some(bin) = prometheus_bin() else {
        return;
    };
    let exporter = start_exporter();
    let prom = Prometheus::start(&bin, &exporter);
    prom.wait_ready();

    // Below the bound: cart fails 0.2 % of its requests.
    let below = run_gate(&prom, &ratio_query(",service=\"cart\""));
    assert_eq!(below.code, 0, "{}", below.stdout);
    assert_eq!(below.out("result"), "promoted");
    let gates: serde_json::Value = serde_json::from_str(below.out("gates")).expect("gates");
    assert_eq!(gates[0]["status"], "pass", "{gates}");

    // Above it: checkout fails 5 %; the failing series is named by its labels.
    let above = run_gate(&prom, &ratio_query(""));
    assert_eq!(above.code, 1, "{}", above.stdout);
    assert_eq!(above.out("result"), "blocked");
    assert_eq!(above.out("failed-gates"), "5xx ratio");
    let gates: serde_json::Value = serde_json::from_str(above.out("gates")).expect("gates");
    let detail = gates[0]["detail"].as_str().unwrap_or_default();
    assert!(
        detail.starts_with("{service=\"checkout\"} 0.05 > 0.01"),
        "{detail}"
    );
    assert!(
        !detail.contains("cart"),
        "only the failing series: {detail}"
    );
    assert!(
        above.summary.contains(
            "1 of 2 series out of bounds — {service=&quot;checkout&quot;} 0.05 &gt; 0.01"
        ),
        "{}",
        above.summary
    );

    // No data: a service nobody scrapes.
    let none = run_gate(&prom, &ratio_query(",service=\"search\""));
    assert_eq!(none.code, 1, "{}", none.stdout);
    let gates: serde_json::Value = serde_json::from_str(none.out("gates")).expect("gates");
    assert!(
        gates[0]["detail"]
            .as_str()
            .is_some_and(|d| d.starts_with("the query returned no series")),
        "{gates}"
    );

    // A PromQL syntax error: a policy error in Prometheus's own words, nothing promoted.
    let broken = run_gate(&prom, "sum(rate(http_requests_total[5s])");
    assert_eq!(broken.code, 2, "{}", broken.stdout);
    assert_eq!(broken.out("result"), "failed");
    assert!(
        broken.stdout.contains(
            "Prometheus cannot use the query: invalid parameter \"query\": 1:34: parse error: unclosed left parenthesis"
        ),
        "{}",
        broken.stdout
    );
    assert!(
        broken.stdout.contains("QA gate `5xx ratio`"),
        "{}",
        broken.stdout
    );
}
