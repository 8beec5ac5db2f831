//! `GET` and `POST /distributions/bulk`: shipments pasted (or read from a CSV file by the
//! page's script) as comma- or tab-separated text with a header row, recorded by the same
//! all-or-nothing bulk create as `POST /api/v1/distributions/bulk`. A refusal shows every
//! error against its row and cell, with the text kept for correcting.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect};
use maud::{html, Markup};
use rapport_domain::FieldError;
use rapport_store::distribution::distributions::{self, MAX_BULK};
use serde_json::{Map, Value};

use super::csv_text::{self, Record};
use crate::problem::Problem;
use crate::ui::errors::{error_page, PageResult};
use crate::ui::form::{csrf, Errors, SignedForm};
use crate::ui::layout::{respond, shell, Section};
use crate::ui::session::Viewer;
use crate::AppState;

/// The columns a header may name (the API's entry fields), with what each takes.
const COLUMNS: &[(&str, &str)] = &[
    (
        "ship_date",
        "required; YYYY-MM-DD, at most 31 days after today",
    ),
    ("sku", "required"),
    ("quantity", "required; a whole number from 1"),
    (
        "order_number",
        "the external order number; rows without one count as an order each",
    ),
    ("lot_number", "the lot shipped"),
    ("customer_id", "the id of an account you can see"),
    (
        "customer_name",
        "the customer as free text, linked to an account later",
    ),
    ("rep_id", "the rep's user id; a rep may only name themself"),
    ("product_id", "set from the SKU when left out"),
    ("source", "manual, import or api; import when left out"),
    ("notes", "free text"),
    ("legacy_id", "an id from the old system; unique"),
];

/// Above this many rows a refusal lists only the rows with errors.
const SHOW_EVERY_ROW_UP_TO: usize = 500;

/// The paste once read: its header (lower-cased column names) and its data rows.
struct Pasted {
    header: Vec<String>,
    rows: Vec<Record>,
}

fn on_rows(message: impl Into<String>) -> Errors {
    Errors {
        summary: Some("Nothing was recorded.".into()),
        fields: vec![FieldError::new("rows", "format", message)],
    }
}

/// Reads the text into a header and rows, or says what stops it being read at all.
fn read_paste(text: &str) -> Result<Pasted, Errors> {
    let records = csv_text::parse(text, csv_text::delimiter_of(text))
        .map_err(|e| on_rows(format!("Line {}: {}.", e.line, e.message)))?;
    let mut records = records.into_iter();
    let Some(head) = records.next() else {
        return Err(on_rows(
            "Paste a header row naming the columns, then one shipment per row.",
        ));
    };
    let header: Vec<String> = head.cells.iter().map(|c| c.trim().to_lowercase()).collect();
    for (i, name) in header.iter().enumerate() {
        if !COLUMNS.iter().any(|(c, _)| c == name) {
            let known: Vec<&str> = COLUMNS.iter().map(|(c, _)| *c).collect();
            return Err(on_rows(format!(
                "The header's column {} ({name:?}) is not one this form takes; it takes {}.",
                i + 1,
                known.join(", ")
            )));
        }
        if header[..i].contains(name) {
            return Err(on_rows(format!("The header names {name} twice.")));
        }
    }
    let rows: Vec<Record> = records.collect();
    if rows.is_empty() {
        return Err(on_rows("The header is there but no rows follow it."));
    }
    Ok(Pasted { header, rows })
}

/// Rows with more cells than the header names: their extra text would be lost, so they
/// are refused before anything is sent to the store.
fn shape_errors(p: &Pasted) -> Vec<FieldError> {
    p.rows
        .iter()
        .enumerate()
        .filter(|(_, r)| r.cells.len() > p.header.len())
        .map(|(i, r)| {
            FieldError::new(
                "",
                "columns",
                format!(
                    "has {} cells; the header names {} columns",
                    r.cells.len(),
                    p.header.len()
                ),
            )
            .at(i)
        })
        .collect()
}

/// The JSON items of the bulk create: empty cells left out, a whole-number quantity as a
/// number (other text is passed on for the reader to name).
fn items(p: &Pasted) -> Vec<Value> {
    p.rows
        .iter()
        .map(|r| {
            let mut item = Map::new();
            for (name, cell) in p.header.iter().zip(&r.cells) {
                let cell = cell.trim();
                if cell.is_empty() {
                    continue;
                }
                let value = match (name.as_str(), cell.parse::<i64>()) {
                    ("quantity", Ok(n)) => Value::from(n),
                    _ => Value::String(cell.to_owned()),
                };
                item.insert(name.clone(), value);
            }
            Value::Object(item)
        })
        .collect()
}

fn errors_of(errors: &Errors, row: usize) -> Vec<&FieldError> {
    errors
        .fields
        .iter()
        .filter(|e| e.index == Some(row))
        .collect()
}

fn names_cell(e: &FieldError, column: &str) -> bool {
    e.field == column || e.field.starts_with(&format!("{column}."))
}

/// The pasted rows with each error against its row, the offending cells marked.
fn rows_table(p: &Pasted, errors: &Errors) -> Markup {
    let show_all = p.rows.len() <= SHOW_EVERY_ROW_UP_TO;
    html! {
        div.table-wrap {
            table.rows-table {
                caption {
                    "Your rows"
                    @if !show_all { " (only those with errors; " (p.rows.len()) " in all)" }
                }
                thead { tr {
                    th scope="col" { "Row" }
                    @for h in &p.header { th scope="col" { (h) } }
                    th scope="col" { "Problems" }
                } }
                tbody {
                    @for (i, r) in p.rows.iter().enumerate() {
                        @let row_errors = errors_of(errors, i);
                        @if show_all || !row_errors.is_empty() {
                            tr.invalid[!row_errors.is_empty()] {
                                th scope="row" title={ "line " (r.line) " of the text" } { "Row " (i + 1) }
                                @for (c, name) in p.header.iter().enumerate() {
                                    td.bad[row_errors.iter().any(|e| names_cell(e, name))] { (r.cells.get(c).map(String::as_str).unwrap_or("")) }
                                }
                                td {
                                    @if !row_errors.is_empty() {
                                        ul.row-errors {
                                            @for e in &row_errors {
                                                li { @if !e.field.is_empty() { strong { (e.field) } ": " } (e.message) }
                                            }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}

fn columns_help() -> Markup {
    html! {
        details.columns-help #columns {
            summary { "Columns the header may name" }
            p { "The first row names the columns, in any order; each following row is one shipment. Separate cells with commas (CSV) or tabs (a paste from a spreadsheet), and quote a cell holding a comma, a quote (doubled) or a line break. Empty cells are left out." }
            table {
                thead { tr { th scope="col" { "Column" } th scope="col" { "What it takes" } } }
                tbody { @for (name, what) in COLUMNS { tr { th scope="row" { code { (name) } } td { (what) } } } }
            }
            p.muted { "Example:" }
            pre { "ship_date,sku,quantity,lot_number,customer_name\n2026-03-02,ST-4,12,L-77,Hospital A" }
        }
    }
}

fn paste_form(viewer: &Viewer, text: &str, errors: &Errors) -> Markup {
    let error = errors.of("rows");
    html! {
        form.bulk-paste method="post" action="/distributions/bulk" {
            (csrf(viewer))
            div.field.invalid[error.is_some()] {
                label for="rows" { "Rows: CSV or tab-separated, header first" }
                textarea #rows name="rows" rows="14" spellcheck="false"
                    aria-describedby={ "columns" @if error.is_some() { " rows-error" } }
                    aria-invalid=[error.map(|_| "true")] { (text) }
                @if let Some(e) = error { p.field-error #rows-error { (e.message) } }
            }
            div.field data-js-only hidden {
                label for="rows-file" { "Or read a CSV file into the box" }
                input #rows-file type="file" accept=".csv,text/csv" data-into="rows" data-js-only hidden;
            }
            p.muted { "All or nothing: if any row is refused, none is recorded. At most " (MAX_BULK) " rows." }
            button type="submit" { "Record shipments" }
        }
    }
}

/// The errors about the paste as a whole, for the box above the form; those about a
/// row are shown in the row instead (and would repeat thousands of lines there).
fn whole_paste(errors: &Errors) -> Errors {
    Errors {
        summary: errors.summary.clone(),
        fields: errors
            .fields
            .iter()
            .filter(|e| e.index.is_none())
            .cloned()
            .collect(),
    }
}

fn render(
    viewer: &Viewer,
    status: StatusCode,
    text: &str,
    pasted: Option<&Pasted>,
    errors: &Errors,
) -> axum::response::Response {
    let body = html! {
        h1 { "Paste or upload shipments" }
        (whole_paste(errors).banner(&["rows"]))
        @if let Some(p) = pasted { @if !errors.fields.is_empty() { (rows_table(p, errors)) } }
        (paste_form(viewer, text, errors))
        (columns_help())
        p { a href="/distributions" { "Back to the log" } }
    };
    respond(
        status,
        shell(viewer, Section::Distribution, "Paste shipments", body),
    )
}

/// `GET /distributions/bulk`
pub async fn show(viewer: Viewer) -> PageResult {
    Ok(render(&viewer, StatusCode::OK, "", None, &Errors::none()))
}

/// A row error's banner line stays out of the banner: the table shows it.
fn refused_rows(p: Problem) -> Errors {
    let mut errors = Errors::from(p);
    errors.summary = Some(format!(
        "Nothing was recorded: {} in {} of the rows. Correct them below and send again.",
        plural(
            errors.fields.iter().filter(|e| e.index.is_some()).count(),
            "problem"
        ),
        rows_with_errors(&errors.fields),
    ));
    errors
}

fn rows_with_errors(fields: &[FieldError]) -> usize {
    let rows: std::collections::BTreeSet<usize> = fields.iter().filter_map(|e| e.index).collect();
    rows.len()
}

fn plural(n: usize, word: &str) -> String {
    if n == 1 {
        format!("1 {word}")
    } else {
        format!("{n} {word}s")
    }
}

/// `POST /distributions/bulk`
pub async fn submit(
    State(app): State<AppState>,
    SignedForm(viewer, form): SignedForm,
) -> PageResult {
    let text = form.raw("rows").unwrap_or("").to_owned();
    let pasted = match read_paste(&text) {
        Ok(p) => p,
        Err(errors) => {
            return Ok(render(
                &viewer,
                StatusCode::UNPROCESSABLE_ENTITY,
                &text,
                None,
                &errors,
            ))
        }
    };
    let shape = shape_errors(&pasted);
    if !shape.is_empty() {
        let errors = refused_rows(Problem::validation(shape));
        return Ok(render(
            &viewer,
            StatusCode::UNPROCESSABLE_ENTITY,
            &text,
            Some(&pasted),
            &errors,
        ));
    }
    match distributions::bulk_create(&app.store, &viewer.ctx, items(&pasted)).await {
        Ok(ids) => {
            Ok(Redirect::to(&format!("/distributions?created={}", ids.len())).into_response())
        }
        Err(e) => {
            let problem = Problem::from(e);
            match problem.status {
                StatusCode::UNPROCESSABLE_ENTITY
                    if problem.errors.iter().any(|e| e.index.is_some()) =>
                {
                    let status = problem.status;
                    Ok(render(
                        &viewer,
                        status,
                        &text,
                        Some(&pasted),
                        &refused_rows(problem),
                    ))
                }
                // The whole paste (too many rows) or a clash with a stored entry: said
                // above the form, the text kept.
                StatusCode::UNPROCESSABLE_ENTITY | StatusCode::CONFLICT => {
                    let status = problem.status;
                    Ok(render(
                        &viewer,
                        status,
                        &text,
                        Some(&pasted),
                        &Errors::from(problem),
                    ))
                }
                _ => Err(error_page(Some(&viewer), problem)),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_paste_becomes_items_with_numbers_and_without_empty_cells() {
        let p =
            read_paste("Ship_Date,sku,quantity,notes\n2026-03-02,ST-4,12,\n2026-03-03,ST-4,ten,x")
                .expect("reads");
        assert_eq!(
            items(&p),
            vec![
                serde_json::json!({"ship_date": "2026-03-02", "sku": "ST-4", "quantity": 12}),
                serde_json::json!({"ship_date": "2026-03-03", "sku": "ST-4", "quantity": "ten", "notes": "x"}),
            ]
        );
    }

    #[test]
    fn an_unknown_or_repeated_column_or_no_rows_is_named_on_the_box() {
        for text in ["sku,colour\nA,red", "sku,sku\nA,B", "sku,quantity\n", ""] {
            let e = read_paste(text).err().expect("refused");
            assert_eq!(
                e.of("rows").map(|e| e.rule.as_str()),
                Some("format"),
                "{text}"
            );
        }
    }

    #[test]
    fn a_row_with_more_cells_than_the_header_is_refused_by_its_index() {
        let p = read_paste("sku,quantity\nA,1\nB,2,3").expect("reads");
        let errors = shape_errors(&p);
        assert_eq!(errors.len(), 1);
        assert_eq!(errors[0].index, Some(1));
    }
}
