//! Asking the running system: how long the version has baked in the stage before (from
//! AppTrust's promotion history), what a Prometheus-compatible API measures, and what a health
//! endpoint answers — the facts of the `bake`, `prometheus` and `health` gates, before a
//! promotion and during a `verify` watch after it.
//!
//! Clients here do the I/O through the one HTTP layer ([`crate::http`]); [`facts`] holds what
//! they found, which [`crate::gates`] judges without I/O.

pub(crate) mod bake;
pub(crate) mod facts;
pub(crate) mod health;
pub(crate) mod prometheus;

pub(crate) use facts::{BakeFacts, Entered, HealthFacts, MetricFacts, MetricResult, Series};
pub(crate) use prometheus::{PrometheusClient, QueryError};
