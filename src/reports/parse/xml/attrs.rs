//! Attributes of a start tag, the part of every XML reader that picks named attributes into
//! its fields: a fast single scan for plain values ([`raw_attr`]) and, behind it, the one walk
//! over quick-xml's checked attribute parser ([`XmlStream::each_attr`]) for values that need
//! decoding — so every reader reports a bad attribute the same way.

use quick_xml::events::BytesStart;
use quick_xml::events::attributes::Attributes;

use super::XmlStream;
use crate::reports::ReportError;
use crate::reports::parse::bytescan::find_byte;

impl XmlStream {
    /// Decodes and unescapes attribute `key` of `e` into `out` (cleared first). Returns
    /// whether the attribute was present.
    pub(crate) fn attr_into(
        &self,
        e: &BytesStart<'_>,
        key: &[u8],
        out: &mut String,
    ) -> Result<bool, ReportError> {
        out.clear();
        let mut found = false;
        self.each_attr(
            e.attributes(),
            "",
            |k| k == key,
            |_, value| {
                out.push_str(value);
                found = true;
                false
            },
        )?;
        Ok(found)
    }

    /// The attributes in `raw` (a start tag's attribute text, kept from an earlier event),
    /// refused as `Malformed` when they are not UTF-8; `whose` names the tag (`<testcase>`).
    pub(crate) fn attrs_of<'a>(
        &self,
        raw: &'a [u8],
        whose: &str,
    ) -> Result<Attributes<'a>, ReportError> {
        let text = std::str::from_utf8(raw)
            .map_err(|err| self.malformed(format!("{whose} attributes are not UTF-8: {err}")))?;
        Ok(Attributes::new(text, 0))
    }

    /// The one walk over quick-xml's checked attribute parser that every reader shares: each
    /// attribute whose local name is `wanted` is decoded, unescaped and handed to `take`,
    /// until `take` answers `false`. Errors name `whose` attribute failed (`<testcase> ` or
    /// nothing) and which one.
    pub(crate) fn each_attr(
        &self,
        attrs: Attributes<'_>,
        whose: &str,
        wanted: impl Fn(&[u8]) -> bool,
        mut take: impl FnMut(&[u8], &str) -> bool,
    ) -> Result<(), ReportError> {
        for attr in attrs {
            let attr =
                attr.map_err(|err| self.malformed(format!("bad {whose}attribute: {err}")))?;
            let key = attr.key.local_name();
            if !wanted(key.as_ref()) {
                continue;
            }
            let value = attr
                .decode_and_unescape_value(self.reader.decoder())
                .map_err(|err| {
                    let key = String::from_utf8_lossy(key.as_ref());
                    self.malformed(format!("{whose}attribute `{key}`: {err}"))
                })?;
            if !take(key.as_ref(), &value) {
                break;
            }
        }
        Ok(())
    }

    /// [`Self::attr_into`] through the fast [`raw_attr`] scan when the value needs no decoding
    /// (the common case); the full parser otherwise.
    pub(crate) fn attr_fast(
        &self,
        e: &BytesStart<'_>,
        key: &[u8],
        out: &mut String,
    ) -> Result<bool, ReportError> {
        match raw_attr(e, key) {
            Ok(Some(v)) => {
                out.clear();
                let s = std::str::from_utf8(v).map_err(|err| {
                    self.malformed(format!(
                        "attribute `{}` is not UTF-8: {err}",
                        String::from_utf8_lossy(key)
                    ))
                })?;
                out.push_str(s);
                Ok(true)
            }
            Ok(None) => {
                out.clear();
                Ok(false)
            }
            Err(()) => self.attr_into(e, key, out),
        }
    }

    /// [`Self::attr_fast`] for several attributes of one tag, each into its own field.
    pub(crate) fn attrs_fast<const N: usize>(
        &self,
        e: &BytesStart<'_>,
        picks: [(&[u8], &mut String); N],
    ) -> Result<(), ReportError> {
        for (key, out) in picks {
            self.attr_fast(e, key, out)?;
        }
        Ok(())
    }

    /// Attribute `key` as text without copying it when it needs no decoding (borrowed from the
    /// tag), else decoded into `scratch`; `None` when absent.
    pub(crate) fn attr_str<'a>(
        &self,
        e: &'a BytesStart<'_>,
        key: &[u8],
        scratch: &'a mut String,
    ) -> Result<Option<&'a str>, ReportError> {
        match raw_attr(e, key) {
            Ok(Some(v)) => std::str::from_utf8(v).map(Some).map_err(|err| {
                self.malformed(format!(
                    "attribute `{}` is not UTF-8: {err}",
                    String::from_utf8_lossy(key)
                ))
            }),
            Ok(None) => Ok(None),
            Err(()) => Ok(if self.attr_into(e, key, scratch)? {
                Some(scratch.as_str())
            } else {
                None
            }),
        }
    }

    /// Attribute `key` parsed as a number, `None` when absent. Unparseable numbers are
    /// `Malformed`.
    pub(crate) fn attr_num<T: std::str::FromStr>(
        &self,
        e: &BytesStart<'_>,
        key: &[u8],
        scratch: &mut String,
    ) -> Result<Option<T>, ReportError> {
        if !self.attr_into(e, key, scratch)? {
            return Ok(None);
        }
        let trimmed = scratch.trim();
        trimmed.parse::<T>().map(Some).map_err(|_| {
            self.malformed(format!(
                "attribute `{}` is `{trimmed}`, not a number",
                String::from_utf8_lossy(key)
            ))
        })
    }
}

/// The raw value of attribute `key` (compared by local name) in a start tag, found by a
/// single scan instead of quick-xml's checked attribute iterator (which compares every
/// attribute with every earlier one). `Ok(None)` when absent; `Err(())` when the tag needs the
/// full parser: an unquoted or unterminated value, or a value with `&` that must be unescaped —
/// callers then fall back to [`XmlStream::attr_into`], which decodes or reports it.
pub(crate) fn raw_attr<'a>(e: &'a BytesStart<'_>, key: &[u8]) -> Result<Option<&'a [u8]>, ()> {
    // Plain loops for names and a word-at-a-time search for values: they are short, and a
    // `memchr` call per piece costs more than it saves here (it showed up as a third of the
    // TRX/NUnit/xUnit read time).
    let raw = e.attributes_raw();
    let n = raw.len();
    let mut i = 0;
    loop {
        while i < n && raw[i].is_ascii_whitespace() {
            i += 1;
        }
        if i == n {
            return Ok(None);
        }
        let name_start = i;
        while i < n && raw[i] != b'=' && !raw[i].is_ascii_whitespace() {
            i += 1;
        }
        let name = &raw[name_start..i];
        while i < n && raw[i].is_ascii_whitespace() {
            i += 1;
        }
        if i == n || raw[i] != b'=' || name.is_empty() {
            return Err(());
        }
        i += 1;
        while i < n && raw[i].is_ascii_whitespace() {
            i += 1;
        }
        let quote = match raw.get(i) {
            Some(&q) if q == b'"' || q == b'\'' => q,
            _ => return Err(()),
        };
        i += 1;
        let value_start = i;
        i = find_byte(raw, i, quote).ok_or(())?;
        let value = &raw[value_start..i];
        i += 1;
        // `key` or `prefix:key`.
        let matches = name.len() >= key.len()
            && name.ends_with(key)
            && (name.len() == key.len() || name[name.len() - key.len() - 1] == b':');
        if matches {
            if value.contains(&b'&') {
                return Err(());
            }
            return Ok(Some(value));
        }
    }
}
