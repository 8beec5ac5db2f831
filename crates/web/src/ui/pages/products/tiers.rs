//! A product's price tiers on its page: each period's ladder as a table, and for those
//! who manage products a form that replaces it whole (`POST /products/{id}/tiers`, the
//! API's `PUT …/tiers` through the same reader and store call). The form has rows of
//! from / to / price; empty rows are left out, and every error is shown beside the field
//! of the row it names (the reader's `tiers[i]` counts only the rows sent, so the
//! indexes are mapped back to the form's rows).

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect};
use maud::{html, Markup};
use rapport_domain::price_tier::{LadderChanges, PriceTier, MAX_TIERS};
use rapport_domain::pricing::Period;
use rapport_domain::product::Product;
use rapport_store::catalog::tiers;
use serde_json::{json, Map, Value};
use uuid::Uuid;

use super::detail::{self, Sent};
use crate::problem::Problem;
use crate::ui::errors::PageResult;
use crate::ui::fmt;
use crate::ui::form::{csrf, field_for, Errors, Form, SignedForm};
use crate::ui::session::Viewer;
use crate::AppState;

/// Blank rows offered below a ladder's tiers.
const SPARE_ROWS: usize = 2;

fn title(period: Period) -> &'static str {
    match period {
        Period::Month => "Monthly prices",
        Period::Year => "Yearly prices",
    }
}

/// The tiers section of the product page; `refused` is a ladder form sent and refused.
pub fn section(
    viewer: &Viewer,
    product: &Product,
    all: &[PriceTier],
    may_change: bool,
    refused: Option<&(Period, Sent<'_>)>,
) -> Markup {
    html! {
        section.card #tiers {
            h2 { "Price tiers" }
            p.muted {
                "Bounds are inclusive and each tier starts right after the one before; the first tier's "
                "minimum is the minimum order quantity. With tiers, a quote needs a duration: whole years "
                "take the yearly prices when there are any, other durations the monthly ones."
            }
            // A refusal with no form to show it beside (a role that may not change prices).
            @if let (false, Some((_, sent))) = (may_change, refused) { (sent.errors.banner(&[])) }
            @for period in Period::ALL {
                @let rows: Vec<&PriceTier> = all.iter().filter(|t| t.period == period).collect();
                h3 { (title(period)) }
                @if rows.is_empty() {
                    p.muted { "No " (period.as_str()) "ly prices." }
                } @else {
                    (table(&rows))
                }
                @if may_change {
                    @let sent = refused.filter(|(p, _)| *p == period).map(|(_, s)| s);
                    (form(viewer, product, period, &rows, sent))
                }
            }
        }
    }
}

fn table(rows: &[&PriceTier]) -> Markup {
    html! {
        div.table-wrap {
            table {
                thead { tr { th scope="col" { "From" } th scope="col" { "To" } th scope="col" class="num" { "Price per unit" } } }
                tbody {
                    @for t in rows {
                        tr {
                            td.num { (t.min_quantity) }
                            td.num { @match t.max_quantity { Some(m) => (m), None => "no limit" } }
                            td.num { (fmt::money(t.price_per_unit, &t.currency)) }
                        }
                    }
                }
            }
        }
    }
}

fn row_field(i: usize, field: &str) -> String {
    format!("tiers[{i}].{field}")
}

fn form(
    viewer: &Viewer,
    product: &Product,
    period: Period,
    rows: &[&PriceTier],
    sent: Option<&Sent<'_>>,
) -> Markup {
    let none = Errors::none();
    let errors = sent.map_or(&none, |s| &s.errors);
    let count = match sent {
        Some(s) => sent_rows(s.form),
        None => rows.len() + SPARE_ROWS,
    }
    .clamp(1, MAX_TIERS);
    let value = |i: usize, field: &str| -> Option<String> {
        match sent {
            Some(s) => s.form.raw(&row_field(i, field)).map(str::to_owned),
            None => rows.get(i).and_then(|t| match field {
                "min_quantity" => Some(t.min_quantity.to_string()),
                "max_quantity" => t.max_quantity.map(|m| m.to_string()),
                _ => Some(t.price_per_unit.to_string()),
            }),
        }
    };
    let currency = match sent {
        Some(s) => s.form.raw("currency").map(str::to_owned),
        None => rows
            .first()
            .map(|t| t.currency.clone())
            .or_else(|| product.currency.clone())
            .or(Some("EUR".to_owned())),
    };
    let scope = period.as_str();
    let mut shown: Vec<String> = vec!["currency".into()];
    for i in 0..count {
        shown.push(format!("tiers[{i}]"));
    }
    let shown: Vec<&str> = shown.iter().map(String::as_str).collect();
    html! {
        details.quick open[sent.is_some()] {
            summary { "Replace the " (period.as_str()) "ly prices" }
            (errors.banner(&shown))
            form method="post" action={ "/products/" (product.id) "/tiers" } {
                (csrf(viewer))
                input type="hidden" name="version" value=(product.version);
                input type="hidden" name="period" value=(scope);
                input type="hidden" name="rows" value=(count);
                (field_for(scope, "Currency (ISO 4217)", "currency", currency.as_deref(), "text", errors))
                @for i in 0..count {
                    div.filters {
                        (field_for(scope, &format!("Tier {}: from", i + 1), &row_field(i, "min_quantity"), value(i, "min_quantity").as_deref(), "number", errors))
                        (field_for(scope, &format!("Tier {}: to (empty: no limit)", i + 1), &row_field(i, "max_quantity"), value(i, "max_quantity").as_deref(), "number", errors))
                        (field_for(scope, &format!("Tier {}: price per unit", i + 1), &row_field(i, "price_per_unit"), value(i, "price_per_unit").as_deref(), "text", errors))
                    }
                    @let whole = format!("tiers[{i}]");
                    @if let Some(e) = errors.fields.iter().find(|e| e.field == whole) { p.field-error { (e.message) } }
                }
                p.muted { "Empty rows are left out; leave every row empty to remove these prices." }
                button type="submit" { "Save " (period.as_str()) "ly prices" }
            }
        }
    }
}

/// How many rows the sent form had (within what a ladder may hold).
fn sent_rows(form: &Form) -> usize {
    form.text("rows")
        .and_then(|r| r.parse::<usize>().ok())
        .unwrap_or(0)
        .min(MAX_TIERS)
}

/// A whole number as JSON, or the text as typed for the reader to name.
fn number(text: String) -> Value {
    text.parse::<i64>().map_or(Value::String(text), Value::from)
}

/// The API body the form stands for, and for each tier of it the form row it came from.
fn ladder_body(form: &Form) -> (Value, Vec<usize>) {
    let mut tiers = Vec::new();
    let mut from_row = Vec::new();
    for i in 0..sent_rows(form) {
        let min = form.text(&row_field(i, "min_quantity"));
        let max = form.text(&row_field(i, "max_quantity"));
        let price = form.text(&row_field(i, "price_per_unit"));
        if min.is_none() && max.is_none() && price.is_none() {
            continue;
        }
        let mut tier = Map::new();
        if let Some(m) = min {
            tier.insert("min_quantity".into(), number(m));
        }
        tier.insert("max_quantity".into(), max.map_or(Value::Null, number));
        if let Some(p) = price {
            tier.insert("price_per_unit".into(), Value::String(p));
        }
        tiers.push(Value::Object(tier));
        from_row.push(i);
    }
    let mut body = json!({ "tiers": tiers });
    for name in ["period", "currency"] {
        if let Some(v) = form.text(name) {
            body[name] = Value::String(v);
        }
    }
    (body, from_row)
}

/// `tiers[j].…` of the body as `tiers[i].…` of the form's rows.
fn to_rows(errors: &mut Errors, from_row: &[usize]) {
    for e in &mut errors.fields {
        let Some(rest) = e.field.strip_prefix("tiers[") else {
            continue;
        };
        let Some((index, tail)) = rest.split_once(']') else {
            continue;
        };
        if let Some(row) = index.parse::<usize>().ok().and_then(|j| from_row.get(j)) {
            e.field = format!("tiers[{row}]{tail}");
        }
    }
}

/// `POST /products/{id}/tiers`: replaces the period's ladder at the form's version, or
/// shows the form again with each error beside its field.
pub async fn replace(
    State(app): State<AppState>,
    Path(id): Path<Uuid>,
    SignedForm(viewer, form): SignedForm,
) -> PageResult {
    let (body, from_row) = ladder_body(&form);
    let outcome = match LadderChanges::read(body) {
        Ok(ladder) => tiers::replace(&app.store, &viewer.ctx, id, form.if_match(), ladder)
            .await
            .map_err(Problem::from),
        Err(e) => Err(Problem::from(e)),
    };
    match outcome {
        Ok(_) => Ok(Redirect::to(&format!("/products/{id}#tiers")).into_response()),
        Err(problem) => {
            let status: StatusCode = problem.status;
            let mut errors = Errors::from(problem);
            to_rows(&mut errors, &from_row);
            let period = form
                .text("period")
                .and_then(|p| Period::parse(&p))
                .unwrap_or(Period::Month);
            let sent = Sent {
                form: &form,
                errors,
            };
            detail::render(&app, &viewer, id, Some((period, sent)), None, status).await
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_rows_are_left_out_and_errors_find_their_row_again() {
        let form = Form::parse(
            b"period=month&currency=EUR&rows=3&tiers%5B0%5D.min_quantity=1&tiers%5B0%5D.max_quantity=10\
              &tiers%5B0%5D.price_per_unit=5&tiers%5B1%5D.min_quantity=&tiers%5B2%5D.min_quantity=x\
              &tiers%5B2%5D.price_per_unit=4",
        )
        .expect("form");
        let (body, rows) = ladder_body(&form);
        assert_eq!(rows, [0, 2]);
        assert_eq!(
            body["tiers"][1],
            json!({"min_quantity": "x", "max_quantity": null, "price_per_unit": "4"})
        );
        let mut errors = Errors::from(LadderChanges::read(body).unwrap_err());
        to_rows(&mut errors, &rows);
        assert_eq!(errors.fields[0].field, "tiers[2].min_quantity");
    }
}
