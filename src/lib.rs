//! promote-action: promote JFrog AppTrust application versions through their lifecycle, safely.
//!
//! Data flows one way: inputs → policy → evidence → gates → promotion → report. Only `main.rs`
//! reads the process environment; it hands the variables to [`action::run_action`] or
//! [`cli::main`].

#![forbid(unsafe_code)]

pub mod action;
pub mod apptrust;
pub mod audit;
pub mod cli;
pub mod demo;
pub mod dsse;
pub mod error;
pub mod evidence;
pub mod gates;
pub mod github;
pub mod inputs;
pub mod outcome;
pub mod policy;
pub mod promotion;
pub mod record;
pub mod report;
pub mod retag;
pub mod simulator;
pub mod stages;
pub mod verdicts;
