//! `If-Match` (RFC 9110 §13.1.1) as a write understands it. A record's entity tag is
//! its version in quotes (`"3"`); a write names the versions it may proceed from.

/// The versions a write may proceed from.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum IfMatch {
    /// No header, or `*`: whatever the record's version.
    #[default]
    Any,
    /// Only from one of these versions. Empty when the header named only tags that no
    /// version can match — weak ones (If-Match compares strongly) or tags Rapport never
    /// gave out — so the write fails its precondition.
    OneOf(Vec<i64>),
}

/// The header is not `*` nor a list of entity tags.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NotAnEntityTagList;

impl IfMatch {
    /// Whether a record at `version` may be written.
    pub fn allows(&self, version: i64) -> bool {
        match self {
            IfMatch::Any => true,
            IfMatch::OneOf(versions) => versions.contains(&version),
        }
    }

    /// Reads a header value: `*`, or a comma-separated list of entity tags
    /// (`[W/]"…"`, the characters inside the quotes as RFC 9110 allows them).
    pub fn parse(header: &[u8]) -> Result<Self, NotAnEntityTagList> {
        let text = trim_ows(header);
        if text == b"*" {
            return Ok(IfMatch::Any);
        }
        let mut versions = Vec::new();
        let mut rest = text;
        loop {
            // Empty list elements (`a, , b`) are allowed and ignored.
            rest = trim_ows(rest);
            while let Some(after) = rest.strip_prefix(b",") {
                rest = trim_ows(after);
            }
            if rest.is_empty() {
                break;
            }
            let (weak, after_weak) = match rest.strip_prefix(b"W/") {
                Some(after) => (true, after),
                None => (false, rest),
            };
            let opened = after_weak.strip_prefix(b"\"").ok_or(NotAnEntityTagList)?;
            let close = opened
                .iter()
                .position(|b| *b == b'"')
                .ok_or(NotAnEntityTagList)?;
            let opaque = &opened[..close];
            if !opaque.iter().all(|b| is_etagc(*b)) {
                return Err(NotAnEntityTagList);
            }
            if !weak {
                if let Some(version) = std::str::from_utf8(opaque)
                    .ok()
                    .filter(|s| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()))
                    .and_then(|s| s.parse::<i64>().ok())
                {
                    versions.push(version);
                }
            }
            rest = trim_ows(&opened[close + 1..]);
            match rest.first() {
                None => break,
                Some(b',') => {}
                Some(_) => return Err(NotAnEntityTagList),
            }
        }
        // An empty list (`If-Match:` or `If-Match: ,`) is a valid `#entity-tag` with no
        // element (RFC 9110 §5.6.1): no version matches it, so the write fails its
        // precondition rather than being malformed.
        Ok(IfMatch::OneOf(versions))
    }
}

/// `etagc = %x21 / %x23-7E / obs-text`.
fn is_etagc(b: u8) -> bool {
    b == 0x21 || (0x23..=0x7e).contains(&b) || b >= 0x80
}

fn trim_ows(mut s: &[u8]) -> &[u8] {
    while let [b' ' | b'\t', rest @ ..] = s {
        s = rest;
    }
    while let [rest @ .., b' ' | b'\t'] = s {
        s = rest;
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(s: &str) -> Result<IfMatch, NotAnEntityTagList> {
        IfMatch::parse(s.as_bytes())
    }

    #[test]
    fn star_and_one_version() {
        assert_eq!(parse("*"), Ok(IfMatch::Any));
        assert_eq!(parse(" \"3\" "), Ok(IfMatch::OneOf(vec![3])));
        assert!(parse("\"3\"").unwrap().allows(3));
        assert!(!parse("\"3\"").unwrap().allows(4));
    }

    #[test]
    fn lists_pass_when_any_tag_is_the_version() {
        let m = parse("\"abc\", W/\"5\", \"7\",, \"9\"").unwrap();
        assert_eq!(m, IfMatch::OneOf(vec![7, 9]));
        assert!(m.allows(9) && !m.allows(5));
    }

    #[test]
    fn valid_tags_no_version_can_match() {
        for header in [
            "\"abc\"", "W/\"1\"", "\"\"", "\"1.0\"", "\"a,b\"", "\"-1\"", "", " , ",
        ] {
            let m = parse(header).unwrap_or_else(|_| panic!("{header} is a valid list"));
            assert!(!m.allows(1), "{header}");
            assert!(!m.allows(-1), "{header}");
        }
    }

    #[test]
    fn not_an_entity_tag_list() {
        for header in ["3", "\"3", "W/3", "\"3\" \"4\"", "\"3\";", "**", "\"a\"b\""] {
            assert_eq!(parse(header), Err(NotAnEntityTagList), "{header:?}");
        }
        assert_eq!(IfMatch::parse(b"\"\x01\""), Err(NotAnEntityTagList));
    }
}
