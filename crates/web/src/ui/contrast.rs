//! The stylesheet's colours meet WCAG 2.1 AA contrast (4.5:1 for text) for every pair of
//! text and background the pages use; the pairs are named here, the colours read from
//! `app.css` itself, so a changed colour that fails is caught.

/// (what, text colour, background colour): a custom property (`--ink`) or a hex colour.
const PAIRS: &[(&str, &str, &str)] = &[
    ("body text", "--ink", "--bg"),
    ("muted text on a card", "--muted", "--card"),
    ("muted text on the page", "--muted", "--bg"),
    ("muted text in a board column", "--muted", "#e9ecf3"),
    ("links on a card", "--accent", "--card"),
    ("links in a board column", "--accent", "#e9ecf3"),
    ("button text", "--accent-ink", "--accent"),
    ("header links", "#ffffff", "#14213d"),
    ("the current section", "#ffffff", "#33477a"),
    ("the signed-in user", "#dfe5f2", "#14213d"),
    ("field errors", "--danger", "--card"),
    ("error banners", "#7a1013", "#fdecec"),
    ("success banners", "#124a28", "#e8f5ec"),
    ("the primary badge", "#ffffff", "#1b6b3a"),
    ("the archived badge", "#ffffff", "#6b4a00"),
    ("tags", "#1d2b4f", "#e6ebf5"),
    ("an order's state badge", "--ink", "#ffffff"),
];

fn css_colour(css: &str, name: &str) -> String {
    if name.starts_with('#') {
        return name.to_owned();
    }
    let start = css.find(&format!("{name}:")).map(|i| i + name.len() + 1);
    let value = start.map(|s| css[s..].split(';').next().unwrap_or("").trim().to_owned());
    value.unwrap_or_else(|| panic!("{name} is not defined in app.css"))
}

fn luminance(hex: &str) -> f64 {
    let short = hex.trim_start_matches('#');
    // #rgb is #rrggbb with each digit doubled.
    let hex: String = match short.len() {
        3 => short.chars().flat_map(|c| [c, c]).collect(),
        6 => short.to_owned(),
        _ => panic!("colours are #rgb or #rrggbb: {hex}"),
    };
    let channel = |i: usize| {
        let c = f64::from(u8::from_str_radix(&hex[i..i + 2], 16).expect("hex")) / 255.0;
        if c <= 0.03928 {
            c / 12.92
        } else {
            ((c + 0.055) / 1.055).powf(2.4)
        }
    };
    0.2126 * channel(0) + 0.7152 * channel(2) + 0.0722 * channel(4)
}

fn ratio(a: &str, b: &str) -> f64 {
    let (la, lb) = (luminance(a), luminance(b));
    (la.max(lb) + 0.05) / (la.min(lb) + 0.05)
}

#[test]
fn every_text_colour_meets_aa_on_its_background() {
    let css = include_str!("../../assets/app.css");
    let failing: Vec<String> = PAIRS
        .iter()
        .filter_map(|(what, fg, bg)| {
            let r = ratio(&css_colour(css, fg), &css_colour(css, bg));
            (r < 4.5).then(|| format!("{what}: {r:.2}:1"))
        })
        .collect();
    assert!(failing.is_empty(), "below 4.5:1: {failing:?}");
}

#[test]
fn the_ratio_is_wcags() {
    assert!((ratio("#000000", "#ffffff") - 21.0).abs() < 1e-9);
    assert!((ratio("#777777", "#ffffff") - 4.48).abs() < 0.01);
}
