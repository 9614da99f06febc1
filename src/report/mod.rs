//! Everything the action tells the runner and the people reading it.
//!
//! Renderers are pure (`Outcome` → `String`); the only I/O is appending to the files the runner
//! names, in [`outputs::append_file`].

pub mod commands;
pub mod markdown;
pub mod outputs;
pub mod summary;
pub mod terminal;
