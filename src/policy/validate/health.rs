//! Validation of the gates that ask the running system (`bake`, `prometheus`, `health`) and of
//! a stage's `verify` block.

use super::Ctx;
use crate::policy::error::{ErrorKind, PolicyError};
use crate::policy::locate::{At, KeyPath};
use crate::policy::model::Verify;
use crate::policy::model::{ConditionCheck, GateSpec};
use crate::policy::model_health::{HealthGate, JOB_LIMIT, PrometheusGate, parse_duration};
use crate::policy::raw::RawVerify;
use crate::policy::raw_health::{RawBake, RawHealth, RawPrometheus};

impl Ctx<'_> {
    /// `bake`: a positive duration.
    pub(super) fn bake(&self, p: &KeyPath, b: RawBake) -> Result<GateSpec, PolicyError> {
        let min = self.duration(&p.key("min"), "min", &b.min)?;
        Ok(GateSpec::Bake { min })
    }

    /// `prometheus`: an `http(s)` URL, a query, at least one finite bound (`min ≤ max`), and a
    /// well-formed `token-env`.
    pub(super) fn prometheus(
        &self,
        p: &KeyPath,
        g: RawPrometheus,
    ) -> Result<GateSpec, PolicyError> {
        let url = self.http_url(&p.key("url"), &g.url)?;
        let query = self.non_empty(
            &p.key("query"),
            &g.query,
            "a PromQL expression, e.g. `sum(rate(http_requests_total{code=~\"5..\"}[5m])) / sum(rate(http_requests_total[5m]))`",
        )?;
        let (min, max) = self.bounds(p, g.min, g.max, true, "prometheus gate")?;
        let token_env = match g.token_env {
            Some(name) => Some(self.token_env(&p.key("token-env"), &name)?),
            None => None,
        };
        Ok(GateSpec::Prometheus(PrometheusGate {
            url,
            query,
            max,
            min,
            token_env,
        }))
    }

    /// `health`: an `http(s)` URL, a status, and a pointer exactly when a condition is given.
    pub(super) fn health(&self, p: &KeyPath, g: RawHealth) -> Result<GateSpec, PolicyError> {
        let url = self.http_url(&p.key("url"), &g.url)?;
        if !(100..=599).contains(&g.status) {
            return Err(self.invalid(
                &p.key("status"),
                At::Value,
                format!("`status` is {}, not an HTTP status", g.status),
                "Give the status a healthy endpoint answers, e.g. `status: 200` (the default).",
            ));
        }
        let has_condition = g.equals.is_some() || g.min.is_some() || g.max.is_some();
        let condition = match (g.pointer, has_condition) {
            (None, false) => None,
            (None, true) => {
                return Err(self.err(
                    ErrorKind::MissingKey,
                    p,
                    At::Key,
                    "health gate has a condition but no `pointer`",
                    "Add `pointer: /status` (an RFC 6901 pointer into the JSON body) to say which value `equals`, `min` or `max` is about.",
                ));
            }
            (Some(_), false) => {
                return Err(self.err(
                    ErrorKind::MissingKey,
                    &p.key("pointer"),
                    At::Key,
                    "health gate has a `pointer` but no condition",
                    "Add `equals: ok`, or a bound such as `min: 1`, or remove `pointer`.",
                ));
            }
            (Some(pointer), true) => {
                self.pointer(&p.key("pointer"), &pointer)?;
                let check = match g.equals {
                    Some(v) if g.min.is_some() || g.max.is_some() => {
                        let key = if g.min.is_some() { "min" } else { "max" };
                        let _ = v;
                        return Err(self.invalid(
                            &p.key(key),
                            At::Key,
                            format!("`{key}` cannot be combined with `equals`"),
                            "A health condition is either a range (`min` and/or `max`) or an exact value (`equals`).",
                        ));
                    }
                    Some(v) if v.is_array() || v.is_object() => {
                        return Err(self.invalid(
                            &p.key("equals"),
                            At::Value,
                            "`equals` is a list or mapping",
                            "Compare with one value: a string, number, boolean or null.",
                        ));
                    }
                    Some(v) => ConditionCheck::Equals(v),
                    None => {
                        let (min, max) = self.bounds(p, g.min, g.max, false, "health gate")?;
                        ConditionCheck::Range { min, max }
                    }
                };
                Some((pointer, check))
            }
        };
        Ok(GateSpec::Health(HealthGate {
            url,
            status: g.status,
            condition,
        }))
    }

    /// `verify`: durations (`every ≤ for`), at least one gate, each `prometheus` or `health`.
    pub(super) fn verify(&self, p: &KeyPath, v: RawVerify) -> Option<Verify> {
        let watch_for = self.keep(self.duration(&p.key("for"), "for", &v.watch_for));
        let every = self.keep(self.duration(&p.key("every"), "every", &v.every));
        if let (Some(f), Some(e)) = (watch_for, every) {
            if e > f {
                self.report(self.invalid(
                    &p.key("every"),
                    At::Value,
                    format!("`every` ({}) is longer than `for` ({})", v.every.trim(), v.watch_for.trim()),
                    "The watch checks every `every` until `for` has passed; make `every` shorter, e.g. `for: 10m` with `every: 1m`.",
                ));
                return None;
            }
            if f > JOB_LIMIT {
                self.warn(self.err(
                    ErrorKind::InvalidValue,
                    &p.key("for"),
                    At::Value,
                    format!("`for` ({}) is longer than the 6 h a GitHub-hosted job may run", v.watch_for.trim()),
                    "The watch ends before the job does and says it was cut short; watch for less, or set PROMOTE_ACTION_JOB_TIMEOUT_MINUTES on a self-hosted runner with a longer job timeout.",
                ));
            }
        }
        let gates_path = p.key("gates");
        if v.gates.is_empty() {
            self.report(self.invalid(
                &gates_path,
                At::Value,
                "`verify.gates` is empty",
                "List the `prometheus` or `health` gates to check during the watch.",
            ));
            return None;
        }
        let mut specs = Vec::with_capacity(v.gates.len());
        let mut ok = true;
        for (i, g) in v.gates.into_iter().enumerate() {
            let gp = gates_path.index(i);
            let name = g
                .name
                .as_deref()
                .map(str::trim)
                .filter(|n| !n.is_empty())
                .map(str::to_string);
            match self.keep(self.gate_spec(&gp, g)) {
                Some(spec @ (GateSpec::Prometheus(_) | GateSpec::Health(_))) => {
                    specs.push((i, name, spec))
                }
                Some(spec) => {
                    ok = false;
                    self.report(self.invalid(
                        &gp.key(spec.kind()),
                        At::Key,
                        format!("a `{}` gate cannot verify a promotion", spec.kind()),
                        "A watch re-evaluates what the running system says: use `prometheus` or `health` gates under `verify.gates`, and put this gate under the stage's `gates`.",
                    ));
                }
                None => ok = false,
            }
        }
        let gates = self.name_gates(&gates_path, specs);
        match (watch_for, every, ok) {
            (Some(watch_for), Some(every), true) => Some(Verify {
                watch_for,
                every,
                gates,
                on_failure: v.on_failure,
            }),
            _ => None,
        }
    }

    /// A positive duration at `p` (its key is `key`).
    fn duration(
        &self,
        p: &KeyPath,
        key: &str,
        v: &str,
    ) -> Result<std::time::Duration, PolicyError> {
        parse_duration(key, v).map_err(|(message, help)| self.invalid(p, At::Value, message, help))
    }

    /// Finite bounds with `min ≤ max`; `required`: at least one.
    fn bounds(
        &self,
        p: &KeyPath,
        min: Option<f64>,
        max: Option<f64>,
        required: bool,
        what: &str,
    ) -> Result<(Option<f64>, Option<f64>), PolicyError> {
        self.finite(p, &[("max", max), ("min", min)])?;
        if required && min.is_none() && max.is_none() {
            return Err(self.err(
                ErrorKind::MissingKey,
                p,
                At::Key,
                format!("{what} has no bound"),
                "Add `max` and/or `min`, e.g. `max: 0.01` for an error ratio.",
            ));
        }
        if let Some((lo, hi)) = min.zip(max).filter(|(lo, hi)| lo > hi) {
            return Err(self.invalid(
                &p.key("min"),
                At::Value,
                format!("`min` ({lo}) is greater than `max` ({hi})"),
                "No value can pass; swap or correct the bounds.",
            ));
        }
        Ok((min, max))
    }

    /// An absolute `http://` or `https://` URL with a host and no credentials in it.
    fn http_url(&self, p: &KeyPath, v: &str) -> Result<String, PolicyError> {
        let t = self.non_empty(p, v, "an `https://` URL")?;
        let help = "Write an absolute URL such as `https://prometheus.example.com`.";
        let url = reqwest::Url::parse(&t)
            .map_err(|e| self.invalid(p, At::Value, format!("`{t}` is not a URL ({e})"), help))?;
        if !matches!(url.scheme(), "http" | "https") {
            return Err(self.invalid(p, At::Value, format!("`{t}` is not an http(s) URL"), help));
        }
        if url.host_str().is_none_or(str::is_empty) {
            return Err(self.invalid(p, At::Value, format!("`{t}` has no host"), help));
        }
        if !url.username().is_empty() || url.password().is_some() {
            return Err(self.invalid(
                p,
                At::Value,
                "the URL carries credentials",
                "A policy file is not a place for secrets: remove them from the URL and name the environment variable that holds a token in `token-env`.",
            ));
        }
        Ok(t.trim_end_matches('/').to_string())
    }

    /// `token-env`: an environment variable name that is not one of the action's own.
    fn token_env(&self, p: &KeyPath, v: &str) -> Result<String, PolicyError> {
        let t = v.trim();
        let well_formed = t
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
            && t.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
        if !well_formed {
            return Err(self.invalid(
                p,
                At::Value,
                format!("`token-env` `{t}` is not an environment variable name"),
                "Name the variable that holds the token, e.g. `token-env: PROMETHEUS_TOKEN`, and set it in the step's `env` from a secret.",
            ));
        }
        let upper = t.to_ascii_uppercase();
        if upper.starts_with("INPUT_") || upper.starts_with("ACTIONS_") {
            return Err(self.invalid(
                p,
                At::Value,
                format!("`token-env` `{t}` names one of the runner's own variables"),
                "The action's inputs and the runner's tokens are not sent to other servers; pass the Prometheus token in its own variable, e.g. `env: { PROMETHEUS_TOKEN: ${{ secrets.PROMETHEUS_TOKEN }} }`.",
            ));
        }
        Ok(t.to_string())
    }

    /// An RFC 6901 pointer (`""` or `/`-separated, `~` only as `~0`/`~1`).
    fn pointer(&self, p: &KeyPath, pointer: &str) -> Result<(), PolicyError> {
        self.json_pointer(p, pointer)
    }
}
