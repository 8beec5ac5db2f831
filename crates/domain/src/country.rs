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

/// A JSON Schema pattern matching exactly the codes, in either case (as the address
/// reader takes them): one alternative per first letter, with its second letters.
pub fn alpha2_pattern() -> String {
    let both = |c: char| format!("{}{}", c.to_ascii_uppercase(), c.to_ascii_lowercase());
    let mut groups: Vec<(char, String)> = Vec::new();
    for code in CODES.split(' ') {
        let mut letters = code.chars();
        let (Some(first), Some(second)) = (letters.next(), letters.next()) else {
            continue;
        };
        match groups.last_mut() {
            Some((f, seconds)) if *f == first => seconds.push_str(&both(second)),
            _ => groups.push((first, both(second))),
        }
    }
    let alternatives: Vec<String> = groups
        .iter()
        .map(|(first, seconds)| format!("[{}][{seconds}]", both(*first)))
        .collect();
    format!("^(?:{})$", alternatives.join("|"))
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
    fn the_pattern_matches_every_code_in_either_case_and_nothing_else() {
        let pattern = regex::Regex::new(&super::alpha2_pattern()).unwrap();
        let mut matched = 0;
        for a in 'A'..='Z' {
            for b in 'A'..='Z' {
                let code = format!("{a}{b}");
                let known = super::is_iso3166_alpha2(&code);
                assert_eq!(pattern.is_match(&code), known, "{code}");
                assert_eq!(
                    pattern.is_match(&code.to_ascii_lowercase()),
                    known,
                    "{code}"
                );
                matched += usize::from(known);
            }
        }
        assert_eq!(matched, 249);
        assert!(!pattern.is_match("FRA") && !pattern.is_match(" FR"));
    }
}
