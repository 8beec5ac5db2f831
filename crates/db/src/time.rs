use chrono::{DateTime, SecondsFormat, SubsecRound, Utc};

/// The current time at the precision both engines keep (microseconds), so that a value
/// written and read back compares equal — ETags and cursors rely on that.
pub fn now() -> DateTime<Utc> {
    Utc::now().trunc_subsecs(6)
}

/// Fixed-width RFC 3339 with microseconds and `Z`: SQLite stores timestamps as this text,
/// and fixed width makes text order equal time order.
pub fn format_timestamp(t: &DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Micros, true)
}

pub fn parse_timestamp(s: &str) -> Option<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(s)
        .ok()
        .map(|t| t.with_timezone(&Utc))
        .or_else(|| {
            // SQLite's own CURRENT_TIMESTAMP form, for rows written by SQL defaults.
            chrono::NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M:%S%.f")
                .ok()
                .map(|n| n.and_utc())
        })
}
