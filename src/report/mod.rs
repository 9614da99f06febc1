//! Everything the action tells the runner and the people reading it.
//!
//! Renderers are pure (`Outcome` → `String`); the only I/O is appending to the files the runner
//! names, in [`outputs::append_file`].

pub mod commands;
pub mod markdown;
pub mod outputs;
pub mod summary;
pub mod terminal;

/// `text` with every secret replaced by `***`. Everything that leaves the action (outputs,
/// summary, record, annotations, GitHub bodies) passes through here; values shorter than four
/// characters are left alone, since masking them would mangle ordinary text.
pub fn redact(text: &str, secrets: &[&str]) -> String {
    let mut out = text.to_string();
    for s in secrets.iter().filter(|s| s.len() >= 4) {
        if out.contains(s) {
            out = out.replace(s, "***");
        }
    }
    out
}
