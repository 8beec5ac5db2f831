//! Bar charts as SVG drawn on the server: no script, no style attributes (the
//! Content-Security-Policy forbids inline styles), readable by screen readers through
//! the figure's title and the table every chart sits beside.

use maud::{html, Markup};

/// One bar group: a label under it and one value per series.
pub struct Group {
    pub label: String,
    pub values: Vec<i64>,
}

const WIDTH: i64 = 640;
const HEIGHT: i64 = 220;
const PAD_LEFT: i64 = 44;
const PAD_BOTTOM: i64 = 28;
const PAD_TOP: i64 = 10;

/// A grouped bar chart of whole numbers; `series` names each value of a group, in the
/// colours `.s0`, `.s1`… of the stylesheet.
pub fn bars(title: &str, series: &[&str], groups: &[Group]) -> Markup {
    let max = groups
        .iter()
        .flat_map(|g| g.values.iter().copied())
        .max()
        .unwrap_or(0)
        .max(1);
    let plot_w = WIDTH - PAD_LEFT - 8;
    let plot_h = HEIGHT - PAD_BOTTOM - PAD_TOP;
    let slot = if groups.is_empty() {
        plot_w
    } else {
        plot_w / groups.len() as i64
    };
    let per = series.len().max(1) as i64;
    let bar_w = ((slot - 6) / per).max(1);
    // Label every nth group so labels (about 56 units wide at this size) never overlap.
    let label_every = (groups.len() * 56).div_ceil(plot_w.max(1) as usize).max(1);
    html! {
        figure.chart {
            svg viewBox={ "0 0 " (WIDTH) " " (HEIGHT) } role="img" aria-label=(title) preserveAspectRatio="xMidYMid meet" {
                title { (title) }
                line.axis x1=(PAD_LEFT) y1=(PAD_TOP + plot_h) x2=(WIDTH - 8) y2=(PAD_TOP + plot_h) {}
                text.tick x=(PAD_LEFT - 6) y=(PAD_TOP + 10) text-anchor="end" { (max) }
                text.tick x=(PAD_LEFT - 6) y=(PAD_TOP + plot_h) text-anchor="end" { "0" }
                @for (i, g) in groups.iter().enumerate() {
                    @let x0 = PAD_LEFT + i as i64 * slot + 3;
                    @for (s, v) in g.values.iter().enumerate() {
                        @let h = v * plot_h / max;
                        rect class={ "bar s" (s) } x=(x0 + s as i64 * bar_w) y=(PAD_TOP + plot_h - h) width=(bar_w) height=(h) {
                            title { (g.label) " · " (series.get(s).copied().unwrap_or("")) ": " (v) }
                        }
                    }
                    @if i % label_every == 0 {
                        text.tick x=(x0 + slot / 2) y=(HEIGHT - 8) text-anchor="middle" { (g.label) }
                    }
                }
            }
            @if series.len() > 1 {
                figcaption.legend {
                    @for (s, name) in series.iter().enumerate() {
                        span { span class={ "swatch s" (s) } {} (name) }
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_tallest_bar_fills_the_plot_and_a_zero_has_no_height() {
        let svg = bars(
            "Units",
            &["units"],
            &[
                Group {
                    label: "Jan".into(),
                    values: vec![10],
                },
                Group {
                    label: "Feb".into(),
                    values: vec![0],
                },
            ],
        )
        .into_string();
        let plot_h = HEIGHT - PAD_BOTTOM - PAD_TOP;
        assert!(svg.contains(&format!("height=\"{plot_h}\"")), "{svg}");
        assert!(svg.contains("height=\"0\""), "{svg}");
        assert!(svg.contains("Feb · units: 0"));
    }
}
