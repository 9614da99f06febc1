//! promote-action: promote JFrog AppTrust application versions through their lifecycle, safely.
//!
//! Data flows one way: inputs → policy → evidence → gates → promotion → report. Only `main.rs`
//! reads the process environment; it hands the variables to [`action::run_action`] or
//! [`cli::main`].

#![forbid(unsafe_code)]

// The flow, in order.
pub mod evidence;
pub mod gates;
pub mod inputs;
pub mod policy;
pub mod promotion;
pub mod report;

// The remote systems, over one HTTP layer.
pub mod apptrust;
pub mod github;
pub mod http;
pub mod jfrog_evidence;
pub mod monitoring;

// Wiring and the local commands.
pub mod action;
pub mod cli;
pub mod demo;
pub mod dsse;
pub mod error;
pub mod local_gates;
pub mod secret;
pub mod sigstore;
pub mod simulator;
