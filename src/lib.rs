//! promote-action: promote JFrog AppTrust application versions through their lifecycle, safely.
//!
//! Data flows one way: inputs → policy → evidence → gates → promotion → report. Only `main.rs`
//! reads the process environment; it hands the variables to [`action::run_action`] or
//! [`cli::main`].

#![forbid(unsafe_code)]
// The house is documented whole (`cargo doc --document-private-items`, as CI builds it): the
// public surface exists for the binary and the tests, so public docs may name private rooms.
#![allow(rustdoc::private_intra_doc_links)]

// The flow, in order.
pub mod gates;
pub mod inputs;
pub mod lifecycle;
pub mod policy;
pub mod promotion;
pub mod report;
pub mod reports;

// The remote systems, over one HTTP layer.
pub mod github;
pub mod http;
pub mod jfrog;
pub(crate) mod monitoring;

// Wiring and the local commands.
pub mod action;
pub mod cli;
pub(crate) mod demo;
pub mod digest;
pub(crate) mod dsse;
pub(crate) mod error;
pub(crate) mod local_gates;
pub(crate) mod secret;
pub mod sigstore;
pub mod simulator;
pub(crate) mod text;
