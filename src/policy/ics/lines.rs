//! iCalendar content lines (RFC 5545 §3.1): unfolding, then `NAME;PARAM=VALUE:value`, each
//! with the physical line it starts on, and the component nesting (`BEGIN:`/`END:`).
//!
//! Written here rather than taken from a crate: `ical` 0.11 trims the ends of folded lines
//! (losing the space a SUMMARY was folded at) and stops silently at a line it cannot read, and
//! `icalendar` needs a newer Rust than this crate and pulls in chrono and nom. This reader is
//! strict where a wrong answer would freeze the wrong days (structure, names, parameters) and
//! says which line to fix.

use super::IcsError;

/// Most `BEGIN:` levels open at once (VCALENDAR > VEVENT > VALARM is three).
const MAX_DEPTH: usize = 8;

/// One property: name (upper case), parameters (names upper case, values unquoted), raw value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Prop {
    /// Physical line (1-based) the property starts on.
    pub(super) line: usize,
    /// `DTSTART`.
    pub(super) name: String,
    /// `[("TZID", ["Europe/Berlin"])]`.
    pub(super) params: Vec<(String, Vec<String>)>,
    /// Everything after the first `:` outside quotes, unfolded, not unescaped.
    pub(super) value: String,
}

impl Prop {
    /// The first value of parameter `name` (upper case).
    pub(super) fn param(&self, name: &str) -> Option<&str> {
        self.params
            .iter()
            .find(|(n, _)| n == name)
            .and_then(|(_, v)| v.first())
            .map(String::as_str)
    }
}

/// A component (`VEVENT`, `VTIMEZONE`, …) with its own properties and its sub-components.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub(super) struct Component {
    /// Physical line of its `BEGIN:`.
    pub(super) line: usize,
    /// `VEVENT`.
    pub(super) name: String,
    /// Its properties, in order.
    pub(super) props: Vec<Prop>,
    /// Components nested in it.
    pub(super) children: Vec<Component>,
}

impl Component {
    /// The first property called `name`.
    pub(super) fn prop(&self, name: &str) -> Option<&Prop> {
        self.props.iter().find(|p| p.name == name)
    }

    /// Every property called `name`.
    pub(super) fn props_named<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a Prop> {
        self.props.iter().filter(move |p| p.name == name)
    }
}

/// Unfolded logical lines, each with the physical line it starts on. A line starting with a
/// space or tab continues the previous one (that one character is dropped, nothing else).
fn unfold(text: &str) -> Result<Vec<(usize, String)>, IcsError> {
    let mut out: Vec<(usize, String)> = Vec::new();
    for (i, raw) in text.split('\n').enumerate() {
        let n = i + 1;
        let line = raw.strip_suffix('\r').unwrap_or(raw);
        if let Some(rest) = line.strip_prefix([' ', '\t']) {
            match out.last_mut() {
                Some((_, last)) => last.push_str(rest),
                None => {
                    return Err(IcsError::at(
                        n,
                        "",
                        "the file starts with a continuation line",
                        "An iCalendar file starts with `BEGIN:VCALENDAR`; only a line that continues the one before it may start with a space.",
                    ));
                }
            }
        } else if !line.is_empty() {
            out.push((n, line.to_string()));
        }
    }
    Ok(out)
}

/// Splits one logical line into a [`Prop`].
fn content_line(line: usize, text: &str) -> Result<Prop, IcsError> {
    let bad = |message: String, help: &str| IcsError::at(line, "", message, help);
    let name_end = text.find([';', ':']).ok_or_else(|| {
        bad(
            "the line has no `:`".into(),
            "Each line is `NAME:value` or `NAME;PARAM=value:value`; a line that continues the previous one starts with a space.",
        )
    })?;
    let name = &text[..name_end];
    if name.is_empty() || !name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-') {
        return Err(bad(
            format!("`{}` is not a property name", shorten(name)),
            "Property names are letters, digits and `-`, such as `DTSTART` or `X-WR-TIMEZONE`.",
        ));
    }
    let name = name.to_ascii_uppercase();
    let mut params = Vec::new();
    let mut rest = &text[name_end..];
    while let Some(after) = rest.strip_prefix(';') {
        let eq = after.find('=').ok_or_else(|| {
            bad(
                format!("a parameter of {name} has no `=`"),
                "Write parameters as `;NAME=value`, e.g. `DTSTART;VALUE=DATE:20261225`.",
            )
        })?;
        let pname = after[..eq].to_ascii_uppercase();
        if pname.is_empty()
            || !pname
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-')
        {
            return Err(bad(
                format!("`{}` is not a parameter name of {name}", shorten(&pname)),
                "Parameter names are letters, digits and `-`, such as `TZID` or `VALUE`.",
            ));
        }
        let (values, tail) = param_values(&after[eq + 1..]).ok_or_else(|| {
            bad(
                format!("parameter {pname} of {name} has an unclosed quote"),
                "Close the double quote of the parameter value before the `:`.",
            )
        })?;
        params.push((pname, values));
        rest = tail;
    }
    let value = rest.strip_prefix(':').ok_or_else(|| {
        bad(
            format!("the parameters of {name} are not followed by `:`"),
            "Write `NAME;PARAM=value:value`.",
        )
    })?;
    Ok(Prop {
        line,
        name,
        params,
        value: value.to_string(),
    })
}

/// Reads `a,"b;c",d` up to the next unquoted `;` or `:`: the values and the rest of the line.
fn param_values(s: &str) -> Option<(Vec<String>, &str)> {
    let mut values = Vec::new();
    let mut rest = s;
    loop {
        let (value, tail) = if let Some(q) = rest.strip_prefix('"') {
            let end = q.find('"')?;
            (q[..end].to_string(), &q[end + 1..])
        } else {
            let end = rest.find([',', ';', ':']).unwrap_or(rest.len());
            (rest[..end].to_string(), &rest[end..])
        };
        values.push(value);
        match tail.strip_prefix(',') {
            Some(more) => rest = more,
            None => return Some((values, tail)),
        }
    }
}

/// The top-level components of `text` (normally one `VCALENDAR`).
pub(super) fn components(text: &str) -> Result<Vec<Component>, IcsError> {
    let mut stack: Vec<Component> = Vec::new();
    let mut top: Vec<Component> = Vec::new();
    for (n, line) in unfold(text)? {
        let prop = content_line(n, &line)?;
        match prop.name.as_str() {
            "BEGIN" => {
                if stack.len() >= MAX_DEPTH {
                    return Err(IcsError::at(
                        n,
                        "BEGIN",
                        format!("components nest more than {MAX_DEPTH} deep"),
                        "A calendar nests VCALENDAR > VEVENT > VALARM; check for missing `END:` lines.",
                    ));
                }
                stack.push(Component {
                    line: n,
                    name: prop.value.trim().to_ascii_uppercase(),
                    ..Component::default()
                });
            }
            "END" => {
                let name = prop.value.trim().to_ascii_uppercase();
                let Some(done) = stack.pop() else {
                    return Err(IcsError::at(
                        n,
                        "END",
                        format!("`END:{name}` closes nothing"),
                        "Remove it, or add the `BEGIN:` it belongs to.",
                    ));
                };
                if done.name != name {
                    return Err(IcsError::at(
                        n,
                        "END",
                        format!(
                            "`END:{name}` closes `BEGIN:{}` of line {}",
                            done.name, done.line
                        ),
                        "Each `BEGIN:X` needs its own `END:X`, innermost first.",
                    ));
                }
                match stack.last_mut() {
                    Some(parent) => parent.children.push(done),
                    None => top.push(done),
                }
            }
            _ => match stack.last_mut() {
                Some(c) => c.props.push(prop),
                None => {
                    return Err(IcsError::at(
                        n,
                        &prop.name,
                        format!("{} is outside `BEGIN:VCALENDAR`", prop.name),
                        "Every line of an iCalendar file lies between `BEGIN:VCALENDAR` and `END:VCALENDAR`; is this an iCalendar (.ics) file?",
                    ));
                }
            },
        }
    }
    if let Some(open) = stack.last() {
        return Err(IcsError::at(
            open.line,
            "BEGIN",
            format!("`BEGIN:{}` is never closed", open.name),
            "Add the matching `END:` line (the file may have been cut short).",
        ));
    }
    Ok(top)
}

/// At most 40 characters of `s`, for messages.
pub(super) fn shorten(s: &str) -> String {
    let mut out: String = s.chars().take(40).collect();
    if s.chars().nth(40).is_some() {
        out.push('…');
    }
    out
}
