//! Test harness: a simulator on loopback, a temp workspace, and the binary run like the runner
//! runs it (every input set, `""` when unset; no variables from the host leak in).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use promote_action::report::outputs;
use promote_action::simulator::{SimConfig, Simulator};

/// Every input of action.yml, all set to "" unless a test overrides it.
pub const INPUTS: &[&str] = &[
    "jfrog-url",
    "access-token",
    "oidc-provider-name",
    "oidc-audience",
    "project",
    "application",
    "version",
    "command",
    "target-stage",
    "policy",
    "promotion-type",
    "to-version",
    "include-repos",
    "exclude-repos",
    "overwrite-strategy",
    "properties",
    "hotfix",
    "reason",
    "from-stage",
    "github-token",
    "check-run",
    "deployment",
    "notify-issue",
    "notify-webhook",
    "summary",
    "evidence-key",
    "evidence-key-alias",
];

pub const TOKEN: &str = "simulator-token";

/// A simulator running on its own runtime thread, so the blocking binary call can run meanwhile.
pub struct Sim {
    pub sim: Simulator,
    pub url: String,
    _rt: tokio::runtime::Runtime,
}

impl Sim {
    pub fn start() -> Sim {
        Self::with(SimConfig::default())
    }

    /// A seeded simulator that delays every answer by `latency` (a network's round trip), so a
    /// test sees what its run costs away from loopback.
    pub fn with_latency(latency: std::time::Duration) -> Sim {
        Self::with(SimConfig {
            latency,
            ..SimConfig::default()
        })
    }

    /// Runs `f` to completion on the simulator's runtime.
    pub fn block_on<F: std::future::Future>(&self, f: F) -> F::Output {
        self._rt.block_on(f)
    }

    /// Runs `f` in the background on the simulator's runtime (another server beside it).
    pub fn spawn<F>(&self, f: F)
    where
        F: std::future::Future<Output = ()> + Send + 'static,
    {
        self._rt.spawn(f);
    }

    pub fn with(config: SimConfig) -> Sim {
        Self::with_state(
            promote_action::simulator::Simulator::seeded(config.clone()).state(),
            config,
        )
    }

    /// A simulator starting from `state`.
    pub fn with_state(state: promote_action::simulator::State, config: SimConfig) -> Sim {
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .enable_all()
            .build()
            .expect("runtime");
        let sim = Simulator::with_initial_state(state, config);
        let addr = rt.block_on(sim.spawn()).expect("simulator starts");
        Sim {
            sim,
            url: format!("http://{addr}"),
            _rt: rt,
        }
    }
}

/// One run of the binary.
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
    pub outputs: BTreeMap<String, String>,
    pub summary: String,
    pub record: Option<serde_json::Value>,
}

pub struct Action {
    pub inputs: BTreeMap<String, String>,
    pub env: BTreeMap<String, String>,
    pub dir: tempfile::TempDir,
    /// Further secret values the leak scan of [`Action::run`] looks for (OIDC tokens, …).
    pub extra_secrets: Vec<String>,
}

impl Action {
    /// An action promoting `app` in project bookverse against `sim`.
    pub fn new(sim: &Sim, app: &str) -> Action {
        let dir = tempfile::tempdir().expect("tempdir");
        std::fs::create_dir_all(dir.path().join("workspace")).expect("workspace");
        let mut a = Action {
            inputs: BTreeMap::new(),
            env: BTreeMap::new(),
            dir,
            extra_secrets: Vec::new(),
        };
        a.input("jfrog-url", &sim.url)
            .input("access-token", TOKEN)
            .input("project", "bookverse")
            .input("application", app);
        a.input("policy", ".github/promotion-policy.yml")
            .input("command", "promote")
            .input("promotion-type", "copy");
        a.input("summary", "true").input("hotfix", "false");
        a
    }

    pub fn input(&mut self, name: &str, value: &str) -> &mut Self {
        self.inputs.insert(name.to_string(), value.to_string());
        self
    }

    pub fn env(&mut self, name: &str, value: &str) -> &mut Self {
        self.env.insert(name.to_string(), value.to_string());
        self
    }

    /// Short timeouts and backoffs for fault scenarios: 400 ms per request, 20 ms backoff,
    /// 2 retries, 1 s of waiting out "promotion already in progress".
    pub fn fast(&mut self) -> &mut Self {
        self.env("PROMOTE_ACTION_HTTP_TIMEOUT_MS", "400")
            .env("PROMOTE_ACTION_RETRY_BACKOFF_MS", "20")
            .env("PROMOTE_ACTION_MAX_RETRIES", "2")
            .env("PROMOTE_ACTION_IN_PROGRESS_WAIT_S", "1")
    }

    /// Adds a value the leak scan of [`Action::run`] must not find.
    pub fn secret(&mut self, value: &str) -> &mut Self {
        self.extra_secrets.push(value.to_string());
        self
    }

    pub fn workspace(&self) -> PathBuf {
        self.dir.path().join("workspace")
    }

    /// Writes a file into the workspace.
    pub fn file(&mut self, rel: &str, content: &str) -> &mut Self {
        let p = self.workspace().join(rel);
        std::fs::create_dir_all(p.parent().expect("parent")).expect("mkdir");
        std::fs::write(p, content).expect("write");
        self
    }

    pub fn run(&self) -> Run {
        let output = self.command().output().expect("binary runs");
        self.collect(output)
    }

    /// The binary with this action's environment, not started (for runs in parallel).
    pub fn command(&self) -> Command {
        let out_file = self.dir.path().join("output");
        let summary_file = self.dir.path().join("summary");
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_promote-action"));
        cmd.env_clear();
        for name in INPUTS {
            let key = format!("INPUT_{}", name.to_ascii_uppercase());
            cmd.env(
                key,
                self.inputs.get(*name).map(String::as_str).unwrap_or(""),
            );
        }
        cmd.env("GITHUB_OUTPUT", &out_file)
            .env("GITHUB_STEP_SUMMARY", &summary_file)
            .env("GITHUB_WORKSPACE", self.workspace())
            .env("RUNNER_TEMP", self.dir.path())
            .env("GITHUB_REPOSITORY", "bookverse/inventory")
            .env("GITHUB_RUN_ID", "77")
            .env("GITHUB_SHA", "0123456789abcdef0123456789abcdef01234567")
            .env("GITHUB_ACTOR", "alice")
            .env("GITHUB_EVENT_NAME", "workflow_dispatch")
            .env("GITHUB_SERVER_URL", "https://github.com")
            .env("GITHUB_API_URL", "http://127.0.0.1:9");
        for (k, v) in &self.env {
            cmd.env(k, v);
        }
        cmd
    }

    /// Reads what a finished run left (outputs, summary, record) and checks it for leaks.
    pub fn collect(&self, output: std::process::Output) -> Run {
        let out_file = self.dir.path().join("output");
        let summary_file = self.dir.path().join("summary");
        let outputs_text = std::fs::read_to_string(&out_file).unwrap_or_default();
        let outputs: BTreeMap<String, String> = outputs::parse(&outputs_text)
            .expect("GITHUB_OUTPUT parses like the runner parses it")
            .into_iter()
            .collect();
        let record = outputs
            .get("record")
            .filter(|p| !p.is_empty())
            .and_then(|p| std::fs::read_to_string(p).ok())
            .map(|t| serde_json::from_str(&t).expect("record is JSON"));
        let run = Run {
            code: output.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
            outputs,
            summary: std::fs::read_to_string(&summary_file).unwrap_or_default(),
            record,
        };
        if let Some(record) = &run.record {
            assert_valid_record(record);
        }
        run.assert_no_secret(&self.secrets());
        assert!(!run.stderr.contains("panicked at"), "panic: {}", run.stderr);
        run
    }

    fn secrets(&self) -> Vec<String> {
        ["access-token", "github-token", "notify-webhook"]
            .iter()
            .filter_map(|k| self.inputs.get(*k))
            .chain(self.extra_secrets.iter())
            .filter(|v| v.len() >= 4)
            .cloned()
            .collect()
    }
}

impl Run {
    pub fn out(&self, name: &str) -> &str {
        self.outputs
            .get(name)
            .map(String::as_str)
            .unwrap_or_else(|| panic!("output `{name}` missing; stdout:\n{}", self.stdout))
    }

    /// Fails when a secret shows up anywhere the runner or a person could see it (masked
    /// `::add-mask::` lines excepted: that is where the runner learns what to mask).
    pub fn assert_no_secret(&self, secrets: &[String]) {
        let record = self
            .record
            .as_ref()
            .map(|r| r.to_string())
            .unwrap_or_default();
        let stdout: String = self
            .stdout
            .lines()
            .filter(|l| !l.starts_with("::add-mask::"))
            .collect::<Vec<_>>()
            .join("\n");
        let outputs = format!("{:?}", self.outputs);
        for s in secrets {
            for (what, text) in [
                ("stdout", &stdout),
                ("stderr", &self.stderr),
                ("outputs", &outputs),
                ("summary", &self.summary),
                ("record", &record),
            ] {
                assert!(!text.contains(s.as_str()), "secret leaked into {what}");
            }
        }
    }
}

/// A stand-in for GitHub's ID-token endpoint (`ACTIONS_ID_TOKEN_REQUEST_URL`) on loopback:
/// answers `{"value": <id_token>}` to `Authorization: Bearer <request_token>`, 401 otherwise,
/// and remembers the query string of every request (the `audience`).
pub struct IdTokenServer {
    pub url: String,
    pub queries: std::sync::Arc<std::sync::Mutex<Vec<Option<String>>>>,
    _rt: tokio::runtime::Runtime,
}

impl IdTokenServer {
    pub fn start(request_token: &str, id_token: &str) -> IdTokenServer {
        use axum::http::{HeaderMap, StatusCode, Uri};
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .enable_all()
            .build()
            .expect("runtime");
        let queries = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
        let seen = queries.clone();
        let expected = format!("Bearer {request_token}");
        let body = serde_json::json!({ "value": id_token }).to_string();
        let app = axum::Router::new().route(
            "/idtoken",
            axum::routing::get(move |headers: HeaderMap, uri: Uri| {
                let ok = headers
                    .get("authorization")
                    .and_then(|v| v.to_str().ok())
                    .is_some_and(|v| v == expected);
                seen.lock()
                    .expect("lock")
                    .push(uri.query().map(str::to_string));
                let body = body.clone();
                async move {
                    if ok {
                        (StatusCode::OK, body)
                    } else {
                        (
                            StatusCode::UNAUTHORIZED,
                            r#"{"message":"bad request token"}"#.to_string(),
                        )
                    }
                }
            }),
        );
        let listener = rt
            .block_on(tokio::net::TcpListener::bind("127.0.0.1:0"))
            .expect("bind");
        let addr = listener.local_addr().expect("addr");
        rt.spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        IdTokenServer {
            url: format!("http://{addr}/idtoken"),
            queries,
            _rt: rt,
        }
    }
}

pub fn fixture(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(rel)
}

/// Every record written must validate against the committed schema.
pub fn assert_valid_record(record: &serde_json::Value) {
    static SCHEMA: std::sync::OnceLock<jsonschema::Validator> = std::sync::OnceLock::new();
    let validator = SCHEMA.get_or_init(|| {
        let text = std::fs::read_to_string(
            Path::new(env!("CARGO_MANIFEST_DIR")).join("schema/record.schema.json"),
        )
        .expect("schema file");
        let schema: serde_json::Value = serde_json::from_str(&text).expect("schema is JSON");
        jsonschema::validator_for(&schema).expect("schema compiles")
    });
    let errors: Vec<String> = validator
        .iter_errors(record)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect();
    assert!(
        errors.is_empty(),
        "record does not match schema/record.schema.json: {errors:?}"
    );
}

/// Requests that could have changed something: every one but reads, the queries JFrog's
/// read APIs take as POST (AQL, GraphQL) and AppTrust dry runs (a plan's question).
pub fn mutations(sim: &Sim) -> Vec<promote_action::simulator::LoggedRequest> {
    sim.sim
        .requests()
        .into_iter()
        .filter(|r| {
            r.method != "GET"
                && r.path != "/artifactory/api/search/aql"
                && r.path != "/onemodel/api/v1/graphql"
                && !is_dry_run(r)
        })
        .collect()
}

/// A promote or release sent with `promotion_type: dry_run`.
pub fn is_dry_run(r: &promote_action::simulator::LoggedRequest) -> bool {
    r.method == "POST"
        && r.body
            .as_deref()
            .and_then(|b| serde_json::from_str::<serde_json::Value>(b).ok())
            .is_some_and(|b| b["promotion_type"] == "dry_run")
}

/// A wiremock GitHub on its own runtime, so the blocking binary call can run meanwhile.
pub struct Gh {
    pub server: wiremock::MockServer,
    rt: tokio::runtime::Runtime,
}

impl Gh {
    pub fn start() -> Gh {
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .enable_all()
            .build()
            .expect("rt");
        let server = rt.block_on(wiremock::MockServer::start());
        Gh { server, rt }
    }

    pub fn mount(&self, m: wiremock::Mock) {
        self.rt.block_on(m.mount(&self.server));
    }

    /// Every request GitHub received so far.
    pub fn requests(&self) -> Vec<wiremock::Request> {
        self.rt
            .block_on(self.server.received_requests())
            .expect("wiremock records requests")
    }
}
