//! The parts of SARIF 2.1.0 the reader deserializes (a result, a tool and its rules), and the
//! per-run rule index a result's level and severity are resolved against.
//!
//! Results are read from a borrowed slice (`Cow` strings), so a result costs no allocation
//! unless it is kept as a finding or its strings carry escapes; only the members the counter
//! needs are read ([`RawResult::scan`] over [`crate::reports::parse::jsonslice`]), the rest of each
//! result is skipped structurally.

use std::borrow::Cow;
use std::collections::HashMap;
use std::fmt;

use serde::Deserialize;

use crate::reports::parse::json::borrowed_str;
use crate::reports::parse::jsonslice::{self, SliceError};
use serde::de::{self, IgnoredAny, MapAccess, SeqAccess, Visitor};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Level {
    None,
    Note,
    Warning,
    Error,
}

impl Level {
    /// SARIF §3.27.10 allows exactly these four; anything else is not a level.
    pub(super) fn parse(s: &str) -> Option<Level> {
        Some(match s {
            "error" => Level::Error,
            "warning" => Level::Warning,
            "note" => Level::Note,
            "none" => Level::None,
            _ => return None,
        })
    }

    pub(super) fn as_str(self) -> &'static str {
        match self {
            Level::None => "none",
            Level::Note => "note",
            Level::Warning => "warning",
            Level::Error => "error",
        }
    }
}

/// What a run's rules say about a result.
#[derive(Debug, Default, Clone)]
pub(super) struct RuleInfo {
    pub(super) id: String,
    pub(super) level: Option<Level>,
    pub(super) severity: Option<f64>,
}

/// Per-run data kept between the tool and results (and across passes).
#[derive(Debug, Default)]
pub(super) struct RunMeta {
    pub(super) tool: String,
    pub(super) tool_seen: bool,
    driver: Vec<RuleInfo>,
    extensions: Vec<Vec<RuleInfo>>,
    /// rule id → (extension index or None for the driver, rule index)
    by_id: HashMap<String, (Option<usize>, usize)>,
    /// Results were skipped in pass 1 because they came before the rules.
    pub(super) deferred: bool,
}

impl RunMeta {
    /// Indexes the tool's rules; a rule whose default level is not a SARIF level is an error
    /// naming the rule.
    pub(super) fn from_tool(tool: RawTool<'_>) -> Result<RunMeta, String> {
        let mut meta = RunMeta {
            tool: tool.driver.name.map(Cow::into_owned).unwrap_or_default(),
            tool_seen: true,
            ..RunMeta::default()
        };
        meta.driver = tool
            .driver
            .rules
            .into_iter()
            .map(RawRule::info)
            .collect::<Result<_, _>>()?;
        meta.extensions = tool
            .extensions
            .into_iter()
            .map(|c| c.rules.into_iter().map(RawRule::info).collect())
            .collect::<Result<_, _>>()?;
        for (i, r) in meta.driver.iter().enumerate() {
            meta.by_id.entry(r.id.clone()).or_insert((None, i));
        }
        for (e, rules) in meta.extensions.iter().enumerate() {
            for (i, r) in rules.iter().enumerate() {
                meta.by_id.entry(r.id.clone()).or_insert((Some(e), i));
            }
        }
        Ok(meta)
    }

    /// The rule a result refers to: `rule.toolComponent.index` + `rule.index`, `ruleIndex`,
    /// else `ruleId` (also its hierarchical prefix before `/`).
    pub(super) fn rule(&self, r: &RawResult<'_>) -> Option<&RuleInfo> {
        let rule_ref = r.rule.as_ref();
        let component = rule_ref
            .and_then(|x| x.tool_component.as_ref())
            .and_then(|c| c.index);
        let index = rule_ref.and_then(|x| x.index).or(r.rule_index);
        if let Some(i) = index.and_then(|i| usize::try_from(i).ok()) {
            let list = match component.and_then(|c| usize::try_from(c).ok()) {
                Some(c) => self.extensions.get(c),
                None => Some(&self.driver),
            };
            if let Some(rule) = list.and_then(|l| l.get(i)) {
                return Some(rule);
            }
        }
        let id = r
            .rule_id
            .as_deref()
            .or(rule_ref.and_then(|x| x.id.as_deref()))?;
        let hit = self
            .by_id
            .get(id)
            .or_else(|| id.split_once('/').and_then(|(p, _)| self.by_id.get(p)))?;
        match hit {
            (None, i) => self.driver.get(*i),
            (Some(e), i) => self.extensions.get(*e).and_then(|l| l.get(*i)),
        }
    }
}

#[derive(Deserialize)]
pub(super) struct RawTool<'a> {
    #[serde(borrow)]
    driver: RawComponent<'a>,
    #[serde(borrow, default)]
    extensions: Vec<RawComponent<'a>>,
}

#[derive(Deserialize)]
struct RawComponent<'a> {
    #[serde(borrow, default, deserialize_with = "borrowed_str")]
    name: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    rules: Vec<RawRule<'a>>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RawRule<'a> {
    #[serde(borrow, default)]
    id: Cow<'a, str>,
    #[serde(borrow)]
    default_configuration: Option<RawConfig<'a>>,
    properties: Option<RawProps>,
}

impl RawRule<'_> {
    fn info(self) -> Result<RuleInfo, String> {
        let level = match self.default_configuration.and_then(|c| c.level) {
            Some(l) => Some(Level::parse(&l).ok_or_else(|| {
                format!(
                    "rule `{}` has defaultConfiguration.level `{}`, which is not one of none, \
                     note, warning, error",
                    crate::text::truncate_chars(&self.id, 80),
                    crate::text::truncate_chars(&l, 40)
                )
            })?),
            None => None,
        };
        Ok(RuleInfo {
            id: self.id.into_owned(),
            level,
            severity: self.properties.and_then(|p| p.security_severity),
        })
    }
}

#[derive(Deserialize)]
struct RawConfig<'a> {
    #[serde(borrow, default, deserialize_with = "borrowed_str")]
    level: Option<Cow<'a, str>>,
}

#[derive(Deserialize)]
pub(super) struct RawProps {
    #[serde(rename = "security-severity", default, deserialize_with = "severity")]
    pub(super) security_severity: Option<f64>,
}

/// The members of a result the counter reads. Read by [`RawResult::scan`], not serde: the
/// rest of a result (message, locations, code flows…) is most of its bytes and is skipped.
#[derive(Default)]
pub(super) struct RawResult<'a> {
    pub(super) rule_id: Option<Cow<'a, str>>,
    pub(super) rule_index: Option<i64>,
    pub(super) rule: Option<RawRuleRef<'a>>,
    pub(super) level: Option<Cow<'a, str>>,
    pub(super) kind: Option<Cow<'a, str>>,
    pub(super) properties: Option<RawProps>,
    pub(super) suppressions: Option<Vec<RawSuppression<'a>>>,
}

impl<'a> RawResult<'a> {
    /// Reads the result object at the start of `bytes`; returns it and the bytes it spans.
    /// A member given twice is an error, as serde reports it for a struct.
    pub(super) fn scan(bytes: &'a [u8], open: &mut Vec<u8>) -> Result<(Self, usize), SliceError> {
        const NAMES: [&str; 7] = [
            "ruleId",
            "ruleIndex",
            "rule",
            "level",
            "kind",
            "properties",
            "suppressions",
        ];
        let mut r = RawResult::default();
        let used = jsonslice::wanted_members(bytes, open, &NAMES, |i, value| {
            let name = NAMES[i];
            let typed = |e: serde_json::Error| SliceError::Invalid(format!("`{name}`: {e}"));
            match i {
                0 => r.rule_id = jsonslice::string_or_null(value, name)?,
                1 => r.rule_index = serde_json::from_slice(value).map_err(typed)?,
                2 => r.rule = serde_json::from_slice(value).map_err(typed)?,
                3 => r.level = jsonslice::string_or_null(value, name)?,
                4 => r.kind = jsonslice::string_or_null(value, name)?,
                5 => r.properties = serde_json::from_slice(value).map_err(typed)?,
                _ => r.suppressions = serde_json::from_slice(value).map_err(typed)?,
            }
            Ok(())
        })?;
        Ok((r, used))
    }
}

/// What a result kept as a finding also needs (parsed a second time, only for those).
#[derive(Deserialize)]
pub(super) struct RawDetail<'a> {
    #[serde(borrow)]
    pub(super) message: Option<RawMessage<'a>>,
    #[serde(borrow, default, deserialize_with = "first_location")]
    pub(super) locations: Option<RawLocation<'a>>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct RawRuleRef<'a> {
    #[serde(borrow, default, deserialize_with = "borrowed_str")]
    pub(super) id: Option<Cow<'a, str>>,
    pub(super) index: Option<i64>,
    pub(super) tool_component: Option<RawComponentRef>,
}

#[derive(Deserialize)]
pub(super) struct RawComponentRef {
    pub(super) index: Option<i64>,
}

#[derive(Deserialize)]
pub(super) struct RawMessage<'a> {
    #[serde(borrow, default, deserialize_with = "borrowed_str")]
    pub(super) text: Option<Cow<'a, str>>,
    #[serde(borrow, default, deserialize_with = "borrowed_str")]
    pub(super) markdown: Option<Cow<'a, str>>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct RawLocation<'a> {
    #[serde(borrow)]
    pub(super) physical_location: Option<RawPhysical<'a>>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct RawPhysical<'a> {
    #[serde(borrow)]
    pub(super) artifact_location: Option<RawArtifact<'a>>,
    pub(super) region: Option<RawRegion>,
}

#[derive(Deserialize)]
pub(super) struct RawArtifact<'a> {
    #[serde(borrow, default, deserialize_with = "borrowed_str")]
    pub(super) uri: Option<Cow<'a, str>>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct RawRegion {
    pub(super) start_line: Option<u64>,
}

#[derive(Deserialize)]
pub(super) struct RawSuppression<'a> {
    #[serde(borrow, default, deserialize_with = "borrowed_str")]
    pub(super) status: Option<Cow<'a, str>>,
}

/// `security-severity` as a number or a numeric string; anything unparseable is `None`.
fn severity<'de, D: de::Deserializer<'de>>(d: D) -> Result<Option<f64>, D::Error> {
    struct V;
    impl<'de> Visitor<'de> for V {
        type Value = Option<f64>;
        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("a number or numeric string")
        }
        fn visit_f64<E: de::Error>(self, v: f64) -> Result<Self::Value, E> {
            Ok(Some(v).filter(|v| v.is_finite()))
        }
        fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
            Ok(Some(v as f64))
        }
        fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
            Ok(Some(v as f64))
        }
        fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
            Ok(v.trim().parse::<f64>().ok().filter(|v| v.is_finite()))
        }
        fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
            Ok(None)
        }
        fn visit_bool<E: de::Error>(self, _: bool) -> Result<Self::Value, E> {
            Ok(None)
        }
        fn visit_map<A: MapAccess<'de>>(self, mut m: A) -> Result<Self::Value, A::Error> {
            while m.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
            Ok(None)
        }
        fn visit_seq<A: SeqAccess<'de>>(self, mut s: A) -> Result<Self::Value, A::Error> {
            while s.next_element::<IgnoredAny>()?.is_some() {}
            Ok(None)
        }
    }
    d.deserialize_any(V)
}

/// Keeps `locations[0]` and skips the rest without allocating them.
fn first_location<'de: 'a, 'a, D: de::Deserializer<'de>>(
    d: D,
) -> Result<Option<RawLocation<'a>>, D::Error> {
    struct V<'a>(std::marker::PhantomData<&'a ()>);
    impl<'de: 'a, 'a> Visitor<'de> for V<'a> {
        type Value = Option<RawLocation<'a>>;
        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("an array of locations")
        }
        fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
            Ok(None)
        }
        fn visit_seq<A: SeqAccess<'de>>(self, mut s: A) -> Result<Self::Value, A::Error> {
            let first = s.next_element::<RawLocation<'a>>()?;
            while s.next_element::<IgnoredAny>()?.is_some() {}
            Ok(first)
        }
    }
    d.deserialize_any(V(std::marker::PhantomData))
}
