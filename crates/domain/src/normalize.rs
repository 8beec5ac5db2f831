//! Text normalisation shared by deduplication and search.

use unicode_normalization::char::is_combining_mark;
use unicode_normalization::UnicodeNormalization;

/// Folds diacritics: "Hôpital Saint-Éloi" → "Hopital Saint-Eloi". Compatibility
/// decomposition also folds ligatures and full-width forms.
fn fold(s: &str) -> impl Iterator<Item = char> + '_ {
    s.nfkd()
        .filter(|c| !is_combining_mark(*c))
        .map(|c| match c {
            // Letters that do not decompose but that people type without the mark.
            'ß' => 's',
            'ø' => 'o',
            'Ø' => 'O',
            'đ' => 'd',
            'Đ' => 'D',
            'ł' => 'l',
            'Ł' => 'L',
            other => other,
        })
}

/// The deduplication key of an organisation's name (seed 000: "Hospital A" → "HOSPITALA"):
/// diacritics folded, then letters and digits only, upper-cased. Letters of any script
/// are kept, so names in non-Latin scripts still get a key.
pub fn company_key(name: &str) -> String {
    fold(name)
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_uppercase)
        .collect()
}

/// Text as stored for `q` search: diacritics folded, lower-cased, split into words of
/// letters and digits separated by one space. Both engines then see the same words: the
/// SQLite FTS5 tokenizer and PostgreSQL's `simple` parser would split punctuation
/// differently (PostgreSQL keeps `a@b.fr` whole), so nothing but words reaches them.
/// Queries are folded the same way, so "hopital" finds "Hôpital".
pub fn search_text(parts: &[&str]) -> String {
    let mut out = String::new();
    for part in parts {
        let folded: String = fold(part)
            .flat_map(char::to_lowercase)
            .map(|c| if c.is_alphanumeric() { c } else { ' ' })
            .collect();
        for word in folded.split_whitespace() {
            if !out.is_empty() {
                out.push(' ');
            }
            out.push_str(word);
        }
    }
    out
}

/// Extra search words for a phone number: its digits run together from each group on
/// ("+1 555-0100" → "15550100 5550100"), so that the number typed without spaces is
/// found with or without its country code, and a search word's prefix match finds it
/// from any group on. The last group alone is already a word of the number as written.
pub fn phone_words(phone: &str) -> String {
    let groups: Vec<&str> = phone
        .split(|c: char| !c.is_ascii_digit())
        .filter(|g| !g.is_empty())
        .collect();
    let mut words: Vec<String> = Vec::new();
    for start in 0..groups.len().saturating_sub(1) {
        words.push(groups[start..].concat());
    }
    words.join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn company_keys_meet_across_spellings() {
        assert_eq!(company_key("Hospital A"), "HOSPITALA");
        assert_eq!(company_key("Hôpital Saint-Éloi"), "HOPITALSAINTELOI");
        assert_eq!(company_key("HOPITAL SAINT ELOI"), "HOPITALSAINTELOI");
        assert_eq!(company_key("  hôpital saint éloi!! "), "HOPITALSAINTELOI");
        assert_eq!(company_key("Straße GmbH"), "STRASEGMBH");
        assert_eq!(company_key("東京病院"), "東京病院");
        assert_eq!(company_key("-- !! --"), "");
    }

    #[test]
    fn phone_words_run_the_digits_together_from_each_group() {
        assert_eq!(phone_words("+1 555-0100"), "15550100 5550100");
        assert_eq!(
            phone_words("+1 (555) 010-2030"),
            "15550102030 5550102030 0102030"
        );
        assert_eq!(phone_words("5550100"), "");
        assert_eq!(phone_words(""), "");
    }

    #[test]
    fn search_text_folds_case_and_marks() {
        assert_eq!(
            search_text(&["Hôpital  Saint-Éloi", "A@B.fr"]),
            "hopital saint eloi a b fr"
        );
    }
}
