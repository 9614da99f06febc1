//! The one integration-test binary: runs the real `promote-action` binary with a scrubbed
//! environment against the AppTrust simulator, and pins the client's wire format with wiremock.

mod annotations;
mod applications;
mod attestation;
mod calendar;
mod common;
mod declared_totals;
mod demo;
mod docs;
mod dry_run;
mod e2e;
mod emergency_stop;
mod evidence;
mod evidence_attack;
mod evidence_wire;
mod faults;
mod gate_words;
mod gates;
mod github;
mod github_gates;
mod hostile;
mod latency;
mod local_gates;
mod parallel;
mod plan;
mod policy_file;
mod props;
mod redaction;
mod schemas;
mod selection;
mod test_results;
mod tls;
mod unread;
mod wire;
