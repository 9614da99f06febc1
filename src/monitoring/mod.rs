//! Asking the running system: what a Prometheus-compatible API measures and what a health
//! endpoint answers — with the time the version has baked in the stage before (read from
//! AppTrust's promotion history by [`crate::jfrog::apptrust::history`]), the facts of the
//! `bake`, `prometheus` and `health` gates, before a promotion and during a `verify` watch.
//!
//! Clients here do the I/O through the one HTTP layer ([`crate::http`]); [`facts`] holds what
//! they found, which [`crate::gates`] judges without I/O.

pub(crate) mod facts;
pub(crate) mod health;
pub(crate) mod prometheus;

pub(crate) use facts::{BakeFacts, Entered, HealthFacts, MetricFacts, MetricResult, Series};
pub(crate) use prometheus::{PrometheusClient, QueryError};
