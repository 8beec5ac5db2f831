/// ISO 3166-1 alpha-2 codes (officially assigned).
const CODES: &str = "AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ BR BS BT BV BW BY BZ \
CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ DK DM DO DZ EC EE EG EH ER ES ET FI FJ FK FM FO FR \
GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS GT GU GW GY HK HM HN HR HT HU ID IE IL IM IN IO IQ IR IS IT JE JM JO JP \
KE KG KH KI KM KN KP KR KW KY KZ LA LB LC LI LK LR LS LT LU LV LY MA MC MD ME MF MG MH MK ML MM MN MO MP MQ MR MS MT \
MU MV MW MX MY MZ NA NC NE NF NG NI NL NO NP NR NU NZ OM PA PE PF PG PH PK PL PM PN PR PS PT PW PY QA RE RO RS RU RW \
SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV SX SY SZ TC TD TF TG TH TJ TK TL TM TN TO TR TT TV TW TZ UA UG \
UM US UY UZ VA VC VE VG VI VN VU WF WS YE YT ZA ZM ZW";

pub fn is_iso3166_alpha2(code: &str) -> bool {
    code.len() == 2 && CODES.split(' ').any(|c| c == code)
}

/// The alpha-2 code of a country as people write it: an alpha-2 or alpha-3 code in any
/// case (`fr`, `USA`), or its English name or a common alias ("United States",
/// "Great Britain"), spaces and punctuation ignored. `None` when it names no country.
pub fn to_alpha2(written: &str) -> Option<String> {
    let trimmed = written.trim();
    let upper = trimmed.to_ascii_uppercase();
    if is_iso3166_alpha2(&upper) {
        return Some(upper);
    }
    let found = if trimmed.len() == 3 {
        celes::Country::from_alpha3(trimmed).ok()
    } else {
        // celes reads names without spaces or punctuation ("UnitedStatesOfAmerica").
        let squeezed: String = trimmed.chars().filter(|c| c.is_alphanumeric()).collect();
        squeezed.parse::<celes::Country>().ok()
    }?;
    let code = found.alpha2.to_ascii_uppercase();
    is_iso3166_alpha2(&code).then_some(code)
}

#[cfg(test)]
mod tests {
    #[test]
    fn codes() {
        assert_eq!(super::CODES.split(' ').count(), 249);
        assert!(super::is_iso3166_alpha2("FR"));
        assert!(!super::is_iso3166_alpha2("XX"));
        assert!(!super::is_iso3166_alpha2("fr"));
    }

    #[test]
    fn countries_as_people_write_them() {
        use super::to_alpha2;
        assert_eq!(to_alpha2("USA").as_deref(), Some("US"));
        assert_eq!(to_alpha2("usa").as_deref(), Some("US"));
        assert_eq!(to_alpha2("fr").as_deref(), Some("FR"));
        assert_eq!(to_alpha2("FRA").as_deref(), Some("FR"));
        assert_eq!(to_alpha2("France").as_deref(), Some("FR"));
        assert_eq!(to_alpha2("United States").as_deref(), Some("US"));
        assert_eq!(to_alpha2("germany").as_deref(), Some("DE"));
        assert_eq!(to_alpha2("XYZ"), None);
        assert_eq!(to_alpha2("XX"), None);
        assert_eq!(to_alpha2("Atlantis"), None);
    }
}
