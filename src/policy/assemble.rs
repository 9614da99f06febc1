//! Reads a policy document into its pieces, collecting every shape and type error.
//!
//! The outline ([`Shape`]) says which keys the file writes; each stage is then read as a whole
//! and, when that fails, key by key, and each gate, window and freeze on its own (see
//! `pieces.rs`). What could be read goes on to validation (`validate/`); what could not is an
//! error, and its stage is marked incomplete so that checks across pieces (a `hotfix.skip`
//! entry naming a gate) do not report a second, invented problem.

use serde::de::DeserializeOwned;

use super::error::{ErrorKind, MAX_ERRORS, PolicyError, backticked};
use super::locate::{At, KeyPath, locate};
use super::pieces::{items_at, key_position, value_at};
use super::raw::RawVerify;
use super::raw::{
    RawApprovals, RawEmergencyStop, RawFreeze, RawGate, RawHotfix, RawPolicy, RawStage, RawStages,
    RawWindow,
};
use super::shape::Shape;
use super::windows::OnWindowClosed;
use super::yaml_error::{from_message, from_yaml_error};

/// Keys of the top level (besides `x-…`).
pub(crate) const ROOT_KEYS: [&str; 4] = ["version", "emergency-stop", "stages", "applications"];
/// Keys of a stage.
pub(crate) const STAGE_KEYS: [&str; 7] = [
    "gates",
    "approvals",
    "windows",
    "freezes",
    "on-window-closed",
    "hotfix",
    "verify",
];
/// Keys of an application.
const APPLICATION_KEYS: [&str; 1] = ["stages"];

/// A key as written with its value, and the key path it was read from (errors point there).
#[derive(Debug, Clone)]
pub(crate) struct Field<T> {
    /// Where the key is.
    pub(crate) path: KeyPath,
    /// Its value (`None` inside an `Option` field: written as `null`).
    pub(crate) value: T,
}

/// One stage entry as read: each key `None` when the entry does not write it.
#[derive(Debug, Clone)]
pub(crate) struct StageInput {
    /// The stage key, trimmed.
    pub(crate) key: String,
    /// Key path of the entry (`stages.QA`, `applications.web.stages.QA`).
    pub(crate) path: KeyPath,
    /// `gates`: (index in the file's list, gate), bad items left out.
    pub(crate) gates: Option<Field<Vec<(usize, RawGate)>>>,
    /// `approvals`.
    pub(crate) approvals: Option<Field<Option<RawApprovals>>>,
    /// `windows`: (index, window).
    pub(crate) windows: Option<Field<Vec<(usize, RawWindow)>>>,
    /// `freezes`: (index, freeze).
    pub(crate) freezes: Option<Field<Vec<(usize, RawFreeze)>>>,
    /// `on-window-closed`.
    pub(crate) on_window_closed: Option<Field<Option<OnWindowClosed>>>,
    /// `hotfix`.
    pub(crate) hotfix: Option<Field<Option<RawHotfix>>>,
    /// `verify`.
    pub(crate) verify: Option<Field<Option<RawVerify>>>,
    /// Whether every piece of the entry could be read.
    pub(crate) complete: bool,
}

impl StageInput {
    /// An entry that writes nothing.
    fn empty(key: &str, path: KeyPath) -> Self {
        StageInput {
            key: key.trim().to_string(),
            path,
            gates: None,
            approvals: None,
            windows: None,
            freezes: None,
            on_window_closed: None,
            hotfix: None,
            verify: None,
            complete: true,
        }
    }

    /// An entry read in one piece; `shape` says which keys it writes.
    fn whole(key: &str, path: KeyPath, raw: RawStage, shape: &Shape) -> Self {
        let mut s = StageInput::empty(key, path.clone());
        s.gates = field(shape, &path, "gates", indexed(raw.gates));
        s.approvals = field(shape, &path, "approvals", raw.approvals);
        s.windows = field(shape, &path, "windows", indexed(raw.windows));
        s.freezes = field(shape, &path, "freezes", indexed(raw.freezes));
        s.on_window_closed = field(shape, &path, "on-window-closed", raw.on_window_closed);
        s.hotfix = field(shape, &path, "hotfix", raw.hotfix);
        s.verify = field(shape, &path, "verify", raw.verify);
        s
    }
}

/// Key `k` of the entry at `path` with its value, when the entry writes `k`.
fn field<T>(shape: &Shape, path: &KeyPath, k: &str, value: T) -> Option<Field<T>> {
    shape.has(k).then(|| Field {
        path: path.key(k),
        value,
    })
}

/// `(index, item)` pairs of a list read in one piece.
fn indexed<T>(items: Vec<T>) -> Vec<(usize, T)> {
    items.into_iter().enumerate().collect()
}

/// One entry of `applications`.
#[derive(Debug, Clone)]
pub(crate) struct AppInput {
    /// The application key as written.
    pub(crate) key: String,
    /// Key path of the entry (`applications.web`).
    pub(crate) path: KeyPath,
    /// Its stage entries.
    pub(crate) stages: Vec<StageInput>,
}

/// What could be read of a policy document.
#[derive(Debug, Default)]
pub(crate) struct Doc {
    /// `version`, when written and a whole number.
    pub(crate) version: Option<u64>,
    /// `emergency-stop`.
    pub(crate) emergency_stop: Option<RawEmergencyStop>,
    /// `stages`, in file order.
    pub(crate) stages: Vec<StageInput>,
    /// `applications`, in file order.
    pub(crate) applications: Vec<AppInput>,
}

/// Reads `text`: the document (`None` when it is not a YAML mapping at all) and every error
/// met on the way.
pub(crate) fn read(source_name: &str, text: &str) -> (Option<Doc>, Vec<PolicyError>) {
    let mut r = Reader {
        source_name,
        text,
        errors: Vec::new(),
    };
    let doc = r.doc();
    (doc, r.errors)
}

/// The reader's state: the text and the errors so far.
struct Reader<'a> {
    source_name: &'a str,
    text: &'a str,
    errors: Vec<PolicyError>,
}

impl Reader<'_> {
    fn doc(&mut self) -> Option<Doc> {
        let shape = match Shape::read(self.text) {
            Ok(s) => s,
            Err(e) => {
                self.errors
                    .push(from_yaml_error(self.source_name, self.text, &e));
                return None;
            }
        };
        let root = KeyPath::root();
        if !matches!(shape, Shape::Map(_)) {
            // Not a mapping: the whole document's own type error says what it is instead.
            self.value::<RawPolicy>(&root);
            if self.errors.is_empty() {
                self.errors.push(from_message(
                    self.source_name,
                    self.text,
                    (1, 1),
                    "",
                    "invalid type: expected a policy mapping with `version: 1` and `stages`",
                ));
            }
            return None;
        }
        let mut doc = Doc::default();
        let mut has_version = false;
        for (i, (key, value)) in shape.entries().iter().enumerate() {
            if self.repeated(&root, &shape, i) {
                continue;
            }
            let path = root.key(key);
            match key.as_str() {
                "version" => {
                    has_version = true;
                    doc.version = self.value::<u64>(&path);
                }
                "emergency-stop" => {
                    doc.emergency_stop = self.value::<Option<RawEmergencyStop>>(&path).flatten();
                }
                "stages" => doc.stages = self.stages(&path, value),
                "applications" => doc.applications = self.applications(&path, value),
                k if k.starts_with("x-") => {}
                k => self.unknown_key(&root, i, k, &ROOT_KEYS),
            }
        }
        if !has_version {
            self.errors.push(from_message(
                self.source_name,
                self.text,
                locate(self.text, &root, At::Value),
                "",
                "missing field `version`",
            ));
        }
        Some(doc)
    }

    /// Reads the stage entries of the mapping at `path`.
    fn stages(&mut self, path: &KeyPath, shape: &Shape) -> Vec<StageInput> {
        match shape {
            Shape::Null => return Vec::new(),
            Shape::Map(_) => {}
            _ => {
                self.value::<RawStages>(path);
                return Vec::new();
            }
        }
        let keys = self.stage_keys(path, shape);
        let entries = shape.entries();
        let key_of = |i: usize| keys.iter().find(|(j, _)| *j == i).map(|(_, k)| k.as_str());
        // One pass reads the stages whole up to the first that does not read; that one is read
        // key by key (recording its errors), and the next pass starts after it.
        let mut read: Vec<(usize, StageInput)> = Vec::new();
        let mut from = 0;
        while from < entries.len() && self.budget() > 0 {
            let items = items_at::<RawStage>(self.text, path, from, 1);
            for (i, raw) in items.ok {
                if let Some(key) = key_of(i) {
                    let (written, s) = &entries[i];
                    read.push((i, StageInput::whole(key, path.key(written), raw, s)));
                }
            }
            let Some(&(i, _)) = items.failed.first() else {
                break;
            };
            if let Some(key) = key_of(i) {
                let (written, s) = &entries[i];
                read.push((i, self.stage_by_key(key, path.key(written), s)));
            }
            from = i + 1;
        }
        read.sort_by_key(|(i, _)| *i);
        read.into_iter().map(|(_, s)| s).collect()
    }

    /// The usable keys of a stage mapping: (entry index, key); empty keys and keys repeated
    /// (without regard to case) are errors.
    fn stage_keys(&mut self, path: &KeyPath, shape: &Shape) -> Vec<(usize, String)> {
        let mut keys: Vec<(usize, String)> = Vec::new();
        for (i, (written, _)) in shape.entries().iter().enumerate() {
            let key = written.trim();
            let message = if key.is_empty() {
                "invalid value: empty stage name".to_string()
            } else if let Some((_, prev)) = keys.iter().find(|(_, k)| k.eq_ignore_ascii_case(key)) {
                format!("duplicate stage `{written}` (already given as `{prev}`)")
            } else {
                keys.push((i, key.to_string()));
                continue;
            };
            let pos = self.key_pos(path, i);
            self.errors.push(from_message(
                self.source_name,
                self.text,
                pos,
                &path.to_string(),
                &message,
            ));
        }
        keys
    }

    /// Reads a stage entry key by key (it did not read as a whole).
    fn stage_by_key(&mut self, key: &str, path: KeyPath, shape: &Shape) -> StageInput {
        let mut s = StageInput::empty(key, path.clone());
        s.complete = false;
        if !matches!(shape, Shape::Map(_)) {
            self.value::<RawStage>(&path);
            return s;
        }
        for (i, (k, value)) in shape.entries().iter().enumerate() {
            if self.budget() == 0 {
                break;
            }
            if self.repeated(&path, shape, i) {
                continue;
            }
            let p = path.key(k);
            match k.as_str() {
                "gates" => s.gates = Some(self.list::<RawGate>(p, value)),
                "windows" => s.windows = Some(self.list::<RawWindow>(p, value)),
                "freezes" => s.freezes = Some(self.list::<RawFreeze>(p, value)),
                "approvals" => {
                    let value = self.value::<Option<RawApprovals>>(&p).flatten();
                    s.approvals = Some(Field { path: p, value });
                }
                "on-window-closed" => {
                    let value = self.value::<Option<OnWindowClosed>>(&p).flatten();
                    s.on_window_closed = Some(Field { path: p, value });
                }
                "hotfix" => {
                    let value = self.value::<Option<RawHotfix>>(&p).flatten();
                    s.hotfix = Some(Field { path: p, value });
                }
                "verify" => {
                    let value = self.value::<Option<RawVerify>>(&p).flatten();
                    s.verify = Some(Field { path: p, value });
                }
                other => self.unknown_key(&path, i, other, &STAGE_KEYS),
            }
        }
        s
    }

    /// Reads a list item by item: the items that read, with their indexes.
    fn list<T: DeserializeOwned>(
        &mut self,
        path: KeyPath,
        shape: &Shape,
    ) -> Field<Vec<(usize, T)>> {
        let value = match shape {
            Shape::Null => Vec::new(),
            Shape::Seq(_) => {
                let items = items_at::<T>(self.text, &path, 0, self.budget());
                for (_, e) in &items.failed {
                    self.errors
                        .push(from_yaml_error(self.source_name, self.text, e));
                }
                items.ok
            }
            _ => self
                .value::<Vec<T>>(&path)
                .map(|v| v.into_iter().enumerate().collect())
                .unwrap_or_default(),
        };
        Field { path, value }
    }

    /// Reads the `applications` mapping.
    fn applications(&mut self, path: &KeyPath, shape: &Shape) -> Vec<AppInput> {
        match shape {
            Shape::Null => return Vec::new(),
            Shape::Map(_) => {}
            _ => {
                self.value::<std::collections::BTreeMap<String, super::raw::RawApplication>>(path);
                return Vec::new();
            }
        }
        let mut apps = Vec::new();
        for (i, (key, app)) in shape.entries().iter().enumerate() {
            if self.budget() == 0 {
                break;
            }
            if self.repeated(path, shape, i) {
                continue;
            }
            let app_path = path.key(key);
            if key.trim().is_empty() {
                let pos = self.key_pos(path, i);
                self.errors.push(PolicyError::new(
                    ErrorKind::InvalidValue,
                    self.source_name,
                    pos,
                    path.to_string(),
                    "empty application key",
                    "Write the application key as in the `application` input, e.g. `inventory:`.",
                ));
                continue;
            }
            let mut stages = Vec::new();
            match app {
                Shape::Null => {}
                Shape::Map(entries) => {
                    for (j, (k, value)) in entries.iter().enumerate() {
                        if self.repeated(&app_path, app, j) {
                            continue;
                        }
                        match k.as_str() {
                            "stages" => stages = self.stages(&app_path.key(k), value),
                            other => self.unknown_key(&app_path, j, other, &APPLICATION_KEYS),
                        }
                    }
                }
                _ => {
                    self.value::<super::raw::RawApplication>(&app_path);
                }
            }
            apps.push(AppInput {
                key: key.clone(),
                path: app_path,
                stages,
            });
        }
        apps
    }

    /// How many more errors are worth finding: reading stops after [`MAX_ERRORS`], which
    /// also bounds the passes a hostile file can cause.
    fn budget(&self) -> usize {
        MAX_ERRORS.saturating_sub(self.errors.len())
    }

    /// Reads the node at `path` as `T`; an error is recorded and gives `None`.
    fn value<T: DeserializeOwned>(&mut self, path: &KeyPath) -> Option<T> {
        match value_at::<T>(self.text, path) {
            Ok(v) => v,
            Err(e) => {
                self.errors
                    .push(from_yaml_error(self.source_name, self.text, &e));
                None
            }
        }
    }

    /// Whether entry `i` of the mapping at `path` repeats an earlier key (an error, recorded).
    fn repeated(&mut self, path: &KeyPath, shape: &Shape, i: usize) -> bool {
        let entries = shape.entries();
        let key = &entries[i].0;
        if !entries[..i].iter().any(|(k, _)| k == key) {
            return false;
        }
        let pos = self.key_pos(path, i);
        self.errors.push(PolicyError::new(
            ErrorKind::DuplicateKey,
            self.source_name,
            pos,
            path.to_string(),
            format!("duplicate key `{key}`"),
            format!("Each key may appear once in a mapping; remove or merge the second `{key}`."),
        ));
        true
    }

    /// Records an unknown key (entry `i` of the mapping at `path`), with the closest valid one.
    fn unknown_key(&mut self, path: &KeyPath, i: usize, key: &str, valid: &[&str]) {
        let pos = self.key_pos(path, i);
        let message = format!(
            "unknown field `{key}`, expected one of {}",
            backticked(valid.iter().copied())
        );
        let mut e = from_message(
            self.source_name,
            self.text,
            pos,
            &path.to_string(),
            &message,
        );
        if path.0.is_empty() {
            e.help
                .push_str(" Keys starting with `x-` are ignored (a place for YAML anchors).");
        }
        self.errors.push(e);
    }

    /// Position of the key of entry `i` of the mapping at `path`.
    fn key_pos(&self, path: &KeyPath, i: usize) -> (usize, usize) {
        key_position(self.text, path, i).unwrap_or_else(|| locate(self.text, path, At::Value))
    }
}
