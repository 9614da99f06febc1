//! Byte searches eight bytes at a time (SWAR) for the short runs report readers skip: an XML
//! attribute value, a tag, a JSON string. `memchr`'s vector searches win on long haystacks but
//! their setup costs more than these runs take; this is the one copy of the trick.

const LO: u64 = 0x0101_0101_0101_0101;
const HI: u64 = 0x8080_8080_8080_8080;

/// A bit set in the top of every byte of `x` that is zero; the lowest one is exact (a borrow
/// can only set bits above a real zero byte), which is all the searches below use.
fn zero_bytes(x: u64) -> u64 {
    x.wrapping_sub(LO) & !x & HI
}

/// Index of the first `a` or `b` in `hay` at or after `from`, eight bytes at a time.
pub(crate) fn find_either(hay: &[u8], from: usize, a: u8, b: u8) -> Option<usize> {
    find_either3(hay, from, a, b, b)
}

/// Index of the first `a`, `b` or `c` in `hay` at or after `from`, eight bytes at a time.
pub(crate) fn find_either3(hay: &[u8], from: usize, a: u8, b: u8, c: u8) -> Option<usize> {
    let splat = |x: u8| LO.wrapping_mul(u64::from(x));
    let (pa, pb, pc) = (splat(a), splat(b), splat(c));
    let mut i = from;
    while let Some(chunk) = hay.get(i..i + 8) {
        let mut word = [0u8; 8];
        word.copy_from_slice(chunk);
        let w = u64::from_le_bytes(word);
        let hit = zero_bytes(w ^ pa) | zero_bytes(w ^ pb) | zero_bytes(w ^ pc);
        if hit != 0 {
            return Some(i + (hit.trailing_zeros() / 8) as usize);
        }
        i += 8;
    }
    hay.get(i..)?
        .iter()
        .position(|&x| x == a || x == b || x == c)
        .map(|p| i + p)
}

/// Index of the first `needle` in `hay` at or after `from`, eight bytes at a time.
pub(crate) fn find_byte(hay: &[u8], from: usize, needle: u8) -> Option<usize> {
    find_either(hay, from, needle, needle)
}

/// Bytes below 0x20 in `x` flagged like [`zero_bytes`] (lowest flag exact): JSON's control
/// characters, which may not appear raw inside a string.
fn control_bytes(x: u64) -> u64 {
    x.wrapping_sub(LO.wrapping_mul(0x20)) & !x & HI
}

/// Index of the first `"`, `\\` or control character in `hay` at or after `from`: where a JSON
/// string scan has to stop and look.
pub(crate) fn find_string_stop(hay: &[u8], from: usize) -> Option<usize> {
    let (quote, backslash) = (
        LO.wrapping_mul(u64::from(b'"')),
        LO.wrapping_mul(u64::from(b'\\')),
    );
    let mut i = from;
    while let Some(chunk) = hay.get(i..i + 8) {
        let mut word = [0u8; 8];
        word.copy_from_slice(chunk);
        let w = u64::from_le_bytes(word);
        let hit = zero_bytes(w ^ quote) | zero_bytes(w ^ backslash) | control_bytes(w);
        if hit != 0 {
            return Some(i + (hit.trailing_zeros() / 8) as usize);
        }
        i += 8;
    }
    hay.get(i..)?
        .iter()
        .position(|&x| x == b'"' || x == b'\\' || x < 0x20)
        .map(|p| i + p)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_searches_agree_with_a_plain_search_at_every_offset() {
        // Needles at every position of words and tails, bytes above 0x80 (borrow edge cases)
        // and a needle right after a zero byte.
        let hay: &[u8] = b"ab\"cd\x00\"\xff\xfe'efgh\\ijklmnop\"qrs\x1ftuvwxyz\x01\"\x20\"";
        for needle in [b'"', b'\'', 0u8, 0xff, b'z', b'#'] {
            for from in 0..=hay.len() + 1 {
                let want = hay
                    .get(from..)
                    .and_then(|h| h.iter().position(|&b| b == needle))
                    .map(|p| p + from);
                assert_eq!(find_byte(hay, from, needle), want, "{needle} from {from}");
                let want2 = hay
                    .get(from..)
                    .and_then(|h| h.iter().position(|&b| b == needle || b == b'\''))
                    .map(|p| p + from);
                assert_eq!(
                    find_either(hay, from, needle, b'\''),
                    want2,
                    "{needle}|' from {from}"
                );
                let want3 = hay
                    .get(from..)
                    .and_then(|h| h.iter().position(|&b| b == needle || b == b'm' || b == 1))
                    .map(|p| p + from);
                assert_eq!(
                    find_either3(hay, from, b'm', needle, 1),
                    want3,
                    "m|{needle}|1 from {from}"
                );
                let want_stop = hay
                    .get(from..)
                    .and_then(|h| h.iter().position(|&b| b == b'"' || b == b'\\' || b < 0x20))
                    .map(|p| p + from);
                assert_eq!(find_string_stop(hay, from), want_stop, "stop from {from}");
            }
        }
    }
}
