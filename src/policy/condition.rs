//! The test a gate applies to one JSON value — an evidence record's `where` condition, a health
//! endpoint's `condition` — shared by the validated policy types of [`super::model`] and
//! [`super::model_health`].

use serde::Serialize;

/// The test of an evidence `where` condition.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub(crate) enum ConditionCheck {
    /// A number within the bounds (inclusive); at least one bound is set, `min ≤ max`.
    Range {
        /// Smallest allowed value.
        min: Option<f64>,
        /// Largest allowed value.
        max: Option<f64>,
    },
    /// Exactly this JSON scalar (string, number, boolean or null).
    Equals(serde_json::Value),
}
