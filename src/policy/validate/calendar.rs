//! Validation of a calendar freeze (`ics: .github/holidays.ics`): the path stays inside the
//! workspace, no keys of the other freeze forms, an optional `timezone` and `reason`. The file
//! itself is read later, by the action or `validate` (see `policy/ics/load.rs`).

use super::Ctx;
use crate::policy::error::PolicyError;
use crate::policy::ics::{CalendarFreeze, WrittenAt};
use crate::policy::locate::{At, KeyPath, locate};
use crate::policy::raw::RawFreeze;

impl Ctx<'_> {
    /// Validates a freeze with `ics`.
    pub(super) fn calendar_freeze(
        &self,
        fp: &KeyPath,
        f: RawFreeze,
    ) -> Result<CalendarFreeze, PolicyError> {
        let other = [
            ("from", f.from.is_some()),
            ("to", f.to.is_some()),
            ("rrule", f.rrule.is_some()),
            ("duration", f.duration.is_some()),
            ("dtstart", f.dtstart.is_some()),
            ("exdate", f.exdate.is_some()),
        ];
        if let Some((key, _)) = other.iter().find(|(_, here)| *here) {
            return Err(self.invalid(
                &fp.key(key),
                At::Key,
                format!("`{key}` cannot be combined with `ics` in one freeze"),
                "A calendar freeze takes `ics` and, optionally, `timezone` and `reason`; write the other freeze as its own entry (a calendar's own RRULE and EXDATE lines are honoured).",
            ));
        }
        let ip = fp.key("ics");
        let ics = f.ics.as_deref().unwrap_or_default().trim().to_string();
        let path = std::path::Path::new(&ics);
        let outside = path.is_absolute()
            || ics.starts_with('\\')
            || path
                .components()
                .any(|c| matches!(c, std::path::Component::ParentDir));
        if ics.is_empty() || outside {
            return Err(self.invalid(
                &ip,
                At::Value,
                format!("`ics` {ics:?} is not a path inside the workspace"),
                "Give the calendar's path relative to the repository root, e.g. `ics: .github/holidays.ics`.",
            ));
        }
        let tz = match f.timezone.as_deref() {
            Some(name) => Some(self.time_zone(&fp.key("timezone"), name)?),
            None => None,
        };
        let reason = f.reason.as_deref().map(|r| r.trim().to_string());
        if reason.as_deref().is_some_and(str::is_empty) {
            return Err(self.invalid(
                &fp.key("reason"),
                At::Value,
                "freeze `reason` is empty",
                "Leave `reason` out (each event's SUMMARY is the reason), or give a prefix such as `reason: UK bank holiday`.",
            ));
        }
        let (line, column) = locate(self.text, &ip, At::Value);
        Ok(CalendarFreeze {
            ics,
            timezone: f.timezone.as_deref().map(|t| t.trim().to_string()),
            tz,
            reason,
            written_at: WrittenAt {
                file: self.source_name.to_string(),
                line,
                column,
                path: ip.to_string(),
            },
            events: Vec::new(),
            loaded: false,
        })
    }
}
