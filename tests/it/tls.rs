//! HTTP/2 where the server offers it: the simulator behind TLS offering `h2` and `http/1.1` by
//! ALPN (as JFrog SaaS does), the action trusting its private CA through `SSL_CERT_FILE`. Every
//! request of a run — the evidence downloads, many at once, included — goes over HTTP/2 on one
//! connection, and the debug log says so.

use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use axum::http::Version;
use promote_action::simulator::{DEMO_PUBLIC_KEY, EVIDENCE_TEST_RESULT, SimConfig, Simulator};
use tokio_rustls::TlsAcceptor;
use tokio_rustls::rustls::{self, pki_types};

use crate::common::{Action, Sim, fixture};

/// Accepts TCP connections and completes a TLS handshake on each (one at a time: enough for a
/// test), counting them.
struct TlsListener {
    tcp: tokio::net::TcpListener,
    tls: TlsAcceptor,
    accepted: Arc<AtomicUsize>,
}

impl axum::serve::Listener for TlsListener {
    type Io = tokio_rustls::server::TlsStream<tokio::net::TcpStream>;
    type Addr = SocketAddr;

    async fn accept(&mut self) -> (Self::Io, Self::Addr) {
        loop {
            let Ok((tcp, addr)) = self.tcp.accept().await else {
                continue;
            };
            if let Ok(tls) = self.tls.accept(tcp).await {
                self.accepted.fetch_add(1, Ordering::SeqCst);
                return (tls, addr);
            }
        }
    }

    fn local_addr(&self) -> std::io::Result<Self::Addr> {
        self.tcp.local_addr()
    }
}

/// What the TLS front saw: connections accepted and each request's HTTP version.
struct Seen {
    connections: Arc<AtomicUsize>,
    versions: Arc<Mutex<Vec<Version>>>,
}

fn server_config() -> rustls::ServerConfig {
    use pki_types::pem::PemObject;
    let certs: Vec<pki_types::CertificateDer<'static>> =
        pki_types::CertificateDer::pem_file_iter(fixture("tls/server.pem"))
            .expect("server.pem")
            .map(|c| c.expect("a certificate"))
            .collect();
    let key =
        pki_types::PrivateKeyDer::from_pem_file(fixture("tls/server.key")).expect("server.key");
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let mut config = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .expect("TLS versions")
        .with_no_client_auth()
        .with_single_cert(certs, key)
        .expect("certificate and key match");
    config.alpn_protocols = vec![b"h2".to_vec(), b"http/1.1".to_vec()];
    config
}

/// Serves `sim` over TLS on the harness simulator's runtime; returns the `https://` URL.
fn serve_tls(harness: &Sim, sim: &Simulator) -> (String, Seen) {
    let seen = Seen {
        connections: Arc::new(AtomicUsize::new(0)),
        versions: Arc::new(Mutex::new(Vec::new())),
    };
    let versions = seen.versions.clone();
    let router = sim.router().layer(axum::middleware::from_fn(
        move |req: axum::extract::Request, next: axum::middleware::Next| {
            versions.lock().expect("lock").push(req.version());
            next.run(req)
        },
    ));
    let accepted = seen.connections.clone();
    let tcp = harness
        .block_on(tokio::net::TcpListener::bind("127.0.0.1:0"))
        .expect("bind");
    let addr = tcp.local_addr().expect("addr");
    let listener = TlsListener {
        tcp,
        tls: TlsAcceptor::from(Arc::new(server_config())),
        accepted,
    };
    harness.spawn(async move {
        let _ = axum::serve(listener, router).await;
    });
    (format!("https://{addr}"), seen)
}

#[test]
fn a_server_offering_http2_gets_every_request_over_one_connection() {
    let harness = Sim::with(SimConfig::default());
    let sim = harness.sim.clone();
    // Forty records to download at once, each signed by the demo key.
    for _ in 0..39 {
        sim.add_evidence("bookverse-inventory", "1.2.0", EVIDENCE_TEST_RESULT);
    }
    let (url, seen) = serve_tls(&harness, &sim);
    let ca = fixture("tls/ca.pem");
    let mut action = Action::new(&harness, "bookverse-inventory");
    action
        .input("jfrog-url", &url)
        .input("version", "1.2.0")
        .input("command", "plan")
        .env("SSL_CERT_FILE", ca.to_str().expect("utf-8 path"))
        .env("RUNNER_DEBUG", "1")
        .file(".github/keys/ci.pub", DEMO_PUBLIC_KEY)
        .file(
            ".github/promotion-policy.yml",
            &format!(
                "version: 1\nstages:\n  QA:\n    gates:\n      - evidence:\n          required: [\"{EVIDENCE_TEST_RESULT}\"]\n          signed-by: [.github/keys/ci.pub]\n"
            ),
        );
    let run = action.run();
    assert_eq!(run.code, 0, "{}\n{}", run.stdout, run.stderr);
    assert_eq!(run.out("result"), "planned");
    let versions = seen.versions.lock().expect("lock").clone();
    assert!(
        versions.len() > 40,
        "every download went through the TLS front: {}",
        versions.len()
    );
    assert!(
        versions.iter().all(|v| *v == Version::HTTP_2),
        "every request over HTTP/2: {versions:?}"
    );
    // The lifecycle and the version are read together before any connection is up (ALPN
    // has not yet said h2), so each may open one; every later request, the forty downloads
    // included, is multiplexed on them.
    let connections = seen.connections.load(Ordering::SeqCst);
    assert!(
        (1..=2).contains(&connections),
        "{connections} connections for {} requests",
        versions.len()
    );
    let debug = run
        .stdout
        .lines()
        .find(|l| l.starts_with("::debug::promote-action: network:"))
        .unwrap_or_else(|| panic!("no network line in the debug log:\n{}", run.stdout));
    assert!(
        debug.contains(&format!("{} requests over HTTP/2.0", versions.len())),
        "{debug}"
    );
    let record = run.record.expect("record");
    assert_eq!(record["outcome"]["network"]["http_versions"][0], "HTTP/2.0");
}
