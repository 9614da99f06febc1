//! Shared helpers for the fuzz targets: the report readers take file paths, so each input is
//! written to a per-process temporary file first.

use std::path::PathBuf;

/// Writes `data` to `/tmp/promote-action-fuzz-<pid>/<name>` and returns the path.
pub fn temp_file(name: &str, data: &[u8]) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("promote-action-fuzz-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let path = dir.join(name);
    std::fs::write(&path, data).expect("write fuzz input");
    path
}
