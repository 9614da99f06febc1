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
    "hotfix",
    "reason",
    "from-stage",
    "github-token",
    "check-run",
    "deployment",
    "notify-issue",
    "notify-webhook",
    "summary",
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

    pub fn with(config: SimConfig) -> Sim {
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .enable_all()
            .build()
            .expect("runtime");
        let sim = Simulator::seeded(config);
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
            .env("GITHUB_API_URL", "http://127.0.0.1:9")
            .env("PROMOTE_ACTION_TEST_FAST", "1");
        for (k, v) in &self.env {
            cmd.env(k, v);
        }
        let output = cmd.output().expect("binary runs");
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
        run.assert_no_secret(&self.secrets());
        assert!(!run.stderr.contains("panicked at"), "panic: {}", run.stderr);
        run
    }

    fn secrets(&self) -> Vec<String> {
        ["access-token", "github-token", "notify-webhook"]
            .iter()
            .filter_map(|k| self.inputs.get(*k))
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

pub fn fixture(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(rel)
}
