//! Forms: reading a POSTed form with its CSRF token checked, turning its fields into the
//! JSON body the domain's readers take (so a page and the API validate alike, and an
//! error names the same field), and showing errors next to the fields they name.

use axum::body::Bytes;
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use maud::{html, Markup};
use rapport_domain::precondition::IfMatch;
use rapport_domain::FieldError;
use serde_json::{Map, Value};
use subtle::ConstantTimeEq;

use super::session::Viewer;
use crate::problem::Problem;
use crate::query::decode_pairs;

/// The most a page form may send; the bulk paste has its own, larger limit.
const FORM_LIMIT: usize = 1024 * 1024;
pub const BULK_FORM_LIMIT: usize = 16 * 1024 * 1024;

/// The fields of a submitted form, in order.
#[derive(Debug, Default, Clone)]
pub struct Form {
    pairs: Vec<(String, String)>,
}

impl Form {
    pub fn parse(body: &[u8]) -> Result<Self, Response> {
        let text = std::str::from_utf8(body).map_err(|_| refused("the form is not UTF-8"))?;
        decode_pairs(text)
            .map(|pairs| Form { pairs })
            .map_err(|p| refused(&p.detail))
    }

    /// The first value of a field, as sent.
    pub fn raw(&self, name: &str) -> Option<&str> {
        self.pairs
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    /// The first value, trimmed; an empty field is no value.
    pub fn text(&self, name: &str) -> Option<String> {
        self.raw(name)
            .map(str::trim)
            .filter(|v| !v.is_empty())
            .map(str::to_owned)
    }

    /// Every non-empty value of a repeated field (checkboxes, multi-selects).
    pub fn all(&self, name: &str) -> Vec<String> {
        self.pairs
            .iter()
            .filter(|(k, v)| k == name && !v.trim().is_empty())
            .map(|(_, v)| v.trim().to_owned())
            .collect()
    }

    /// The version an edit form was opened at (its hidden `version` field), as the API's
    /// `If-Match`: the save is refused if someone saved in between. No field, no check.
    pub fn if_match(&self) -> IfMatch {
        self.text("version")
            .and_then(|v| v.parse::<i64>().ok())
            .map(|v| IfMatch::OneOf(vec![v]))
            .unwrap_or(IfMatch::Any)
    }

    /// Replaces every value of a field with one.
    pub fn set(&mut self, name: &str, value: &str) {
        self.pairs.retain(|(k, _)| k != name);
        self.pairs.push((name.to_owned(), value.to_owned()));
    }

    pub fn checked(&self, name: &str) -> bool {
        self.raw(name).is_some()
    }

    /// The JSON body for a domain reader. On a create, empty fields are left out; on an
    /// edit, an empty field clears it (null).
    pub fn body(&self, fields: &[(&str, Kind)], edit: bool) -> Value {
        let mut out = Map::new();
        for (name, kind) in fields {
            let value = match kind {
                Kind::Text => self.text(name).map(Value::String),
                Kind::Flag => Some(Value::Bool(self.checked(name))),
                Kind::Number => self.text(name).map(|t| match t.parse::<i64>() {
                    Ok(n) => Value::from(n),
                    // Left as text so the reader names the field and says what it wants.
                    Err(_) => Value::String(t),
                }),
                Kind::Time => self.text(name).map(|t| Value::String(utc_time(&t))),
                Kind::List => self.text(name).map(|t| {
                    Value::Array(
                        t.split(',')
                            .map(str::trim)
                            .filter(|s| !s.is_empty())
                            .map(|s| Value::String(s.to_owned()))
                            .collect(),
                    )
                }),
            };
            match value {
                Some(v) => {
                    out.insert((*name).to_owned(), v);
                }
                None if edit && !matches!(kind, Kind::Flag) && self.raw(name).is_some() => {
                    out.insert((*name).to_owned(), Value::Null);
                }
                None => {}
            }
        }
        Value::Object(out)
    }
}

/// How a form field becomes JSON.
#[derive(Debug, Clone, Copy)]
pub enum Kind {
    Text,
    /// A whole number; anything else is passed on as text for the reader to refuse.
    Number,
    /// A checkbox: present is true.
    Flag,
    /// Comma-separated values, as an array.
    List,
    /// A `datetime-local` input (`YYYY-MM-DDTHH:MM`), read as UTC; anything else is
    /// passed on for the reader to name.
    Time,
}

/// `2026-12-08T09:30` as `2026-12-08T09:30:00Z`; other text unchanged.
fn utc_time(t: &str) -> String {
    match t.len() {
        16 if t.as_bytes().get(10) == Some(&b'T') => format!("{t}:00Z"),
        19 if t.as_bytes().get(10) == Some(&b'T') => format!("{t}Z"),
        _ => t.to_owned(),
    }
}

fn refused(why: &str) -> Response {
    (
        StatusCode::BAD_REQUEST,
        format!("The form could not be read: {why}"),
    )
        .into_response()
}

fn tokens_match(sent: Option<&str>, expected: &str) -> bool {
    let sent = sent.unwrap_or("");
    !expected.is_empty() && bool::from(sent.as_bytes().ct_eq(expected.as_bytes()))
}

async fn read_body(req: Request, limit: usize) -> Result<Bytes, Response> {
    axum::body::to_bytes(req.into_body(), limit)
        .await
        .map_err(|_| refused("it is too large or was cut off"))
}

/// A form POSTed by a signed-in viewer, its `_csrf` field matching the session's token.
pub struct SignedForm(pub Viewer, pub Form);

impl<S: Send + Sync> FromRequest<S> for SignedForm {
    type Rejection = Response;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let (mut parts, body) = req.into_parts();
        let viewer = Viewer::from_request_parts(&mut parts, state).await?;
        let limit = if parts.uri.path().ends_with("/bulk") {
            BULK_FORM_LIMIT
        } else {
            FORM_LIMIT
        };
        let bytes = read_body(Request::from_parts(parts, body), limit).await?;
        let form = Form::parse(&bytes)?;
        if !tokens_match(form.raw("_csrf"), &viewer.csrf) {
            return Err(csrf_refused());
        }
        Ok(SignedForm(viewer, form))
    }
}

/// A form POSTed before signing in (sign-in, first-run setup): its `_csrf` must match the
/// `rapport_form` cookie the page set (a double-submit token), so another site cannot
/// sign a browser in to an account of its choosing.
pub struct PublicForm(pub Form);

pub const FORM_COOKIE: &str = "rapport_form";

impl<S: Send + Sync> FromRequest<S> for PublicForm {
    type Rejection = Response;

    async fn from_request(req: Request, _: &S) -> Result<Self, Self::Rejection> {
        let expected = crate::auth::cookie(req.headers(), FORM_COOKIE).unwrap_or_default();
        let bytes = read_body(req, FORM_LIMIT).await?;
        let form = Form::parse(&bytes)?;
        if !tokens_match(form.raw("_csrf"), &expected) {
            return Err(csrf_refused());
        }
        Ok(PublicForm(form))
    }
}

fn csrf_refused() -> Response {
    (
        StatusCode::FORBIDDEN,
        super::layout::bare(
            "Form expired",
            html! {
                h1 { "This form has expired" }
                p { "The page was open too long, or you signed in elsewhere since. Go back, reload the page and send it again." }
                p { a href="/home" { "Home" } }
            },
        ),
    )
        .into_response()
}

/// What went wrong with a submitted form: the message for the whole form, and the errors
/// that name a field (shown beside it).
#[derive(Debug, Default, Clone)]
pub struct Errors {
    pub summary: Option<String>,
    pub fields: Vec<FieldError>,
}

impl Errors {
    pub fn none() -> Self {
        Self::default()
    }

    pub fn is_empty(&self) -> bool {
        self.summary.is_none() && self.fields.is_empty()
    }

    pub fn message(text: impl Into<String>) -> Self {
        Self {
            summary: Some(text.into()),
            fields: Vec::new(),
        }
    }

    /// The error for one field, if any (the first of them).
    pub fn of(&self, field: &str) -> Option<&FieldError> {
        self.fields
            .iter()
            .find(|e| e.field == field || e.field.starts_with(&format!("{field}.")))
    }

    /// The box above a form: the summary, and errors naming fields the form does not
    /// show (so none is lost).
    pub fn banner(&self, shown: &[&str]) -> Markup {
        let hidden: Vec<&FieldError> = self
            .fields
            .iter()
            .filter(|e| {
                !shown
                    .iter()
                    .any(|s| e.field == *s || e.field.starts_with(&format!("{s}.")))
            })
            .collect();
        if self.summary.is_none() && hidden.is_empty() {
            return html! {};
        }
        html! {
            div.alert.error role="alert" {
                @if let Some(s) = &self.summary { p { (s) } }
                @if !hidden.is_empty() {
                    ul { @for e in hidden { li { @if !e.field.is_empty() { strong { (e.field) } ": " } (e.message) } } }
                }
            }
        }
    }
}

/// What a stale edit form says, instead of the API's words about If-Match.
const STALE: &str = "Someone changed this record while you were editing. Your changes are below; check them against the record as it is now and save again.";

impl From<Problem> for Errors {
    fn from(p: Problem) -> Self {
        let summary = if p.status == StatusCode::PRECONDITION_FAILED {
            Some(STALE.to_owned())
        } else if p.errors.is_empty() || p.status != StatusCode::UNPROCESSABLE_ENTITY {
            Some(p.detail.clone())
        } else {
            Some("Some fields need attention.".to_owned())
        };
        Errors {
            summary,
            fields: p.errors,
        }
    }
}

impl From<rapport_store::StoreError> for Errors {
    fn from(e: rapport_store::StoreError) -> Self {
        Problem::from(e).into()
    }
}

impl From<rapport_domain::Invalid> for Errors {
    fn from(e: rapport_domain::Invalid) -> Self {
        Problem::from(e).into()
    }
}

/// The id of a control: `f-<name>`, or `f-<scope>-<name>` when a page has several forms
/// with the same field names (ids must be unique for labels to work).
fn control_id(scope: &str, name: &str) -> String {
    if scope.is_empty() {
        format!("f-{name}")
    } else {
        format!("f-{scope}-{name}")
    }
}

/// A labelled input with its error beside it. `input_type` picks the input type.
pub fn field(
    label: &str,
    name: &str,
    value: Option<&str>,
    input_type: &str,
    errors: &Errors,
) -> Markup {
    field_for("", label, name, value, input_type, errors)
}

/// [`field`] in a form of its own on a page with others (`scope` keeps ids unique).
pub fn field_for(
    scope: &str,
    label: &str,
    name: &str,
    value: Option<&str>,
    input_type: &str,
    errors: &Errors,
) -> Markup {
    let id = control_id(scope, name);
    let err_id = format!("{id}-error");
    let error = errors.of(name);
    html! {
        div.field.invalid[error.is_some()] {
            label for=(id) { (label) }
            input id=(id) name=(name) type=(input_type) value=[value]
                aria-invalid=[error.map(|_| "true")] aria-describedby=[error.map(|_| err_id.as_str())];
            @if let Some(e) = error { p.field-error id=(err_id) { (e.message) } }
        }
    }
}

/// A labelled select with its error beside it; `options` are (value, label).
pub fn select(
    label: &str,
    name: &str,
    options: &[(String, String)],
    selected: Option<&str>,
    errors: &Errors,
) -> Markup {
    let id = control_id("", name);
    let err_id = format!("{id}-error");
    let error = errors.of(name);
    html! {
        div.field.invalid[error.is_some()] {
            label for=(id) { (label) }
            select id=(id) name=(name) aria-invalid=[error.map(|_| "true")] aria-describedby=[error.map(|_| err_id.as_str())] {
                @for (v, l) in options {
                    option value=(v) selected[Some(v.as_str()) == selected] { (l) }
                }
            }
            @if let Some(e) = error { p.field-error id=(err_id) { (e.message) } }
        }
    }
}

/// A labelled textarea with its error beside it.
pub fn textarea(
    label: &str,
    name: &str,
    value: Option<&str>,
    rows: u32,
    errors: &Errors,
) -> Markup {
    textarea_for("", label, name, value, rows, errors)
}

/// [`textarea`] in a form of its own on a page with others.
pub fn textarea_for(
    scope: &str,
    label: &str,
    name: &str,
    value: Option<&str>,
    rows: u32,
    errors: &Errors,
) -> Markup {
    let id = control_id(scope, name);
    let err_id = format!("{id}-error");
    let error = errors.of(name);
    html! {
        div.field.invalid[error.is_some()] {
            label for=(id) { (label) }
            textarea id=(id) name=(name) rows=(rows) aria-invalid=[error.map(|_| "true")] aria-describedby=[error.map(|_| err_id.as_str())] { (value.unwrap_or("")) }
            @if let Some(e) = error { p.field-error id=(err_id) { (e.message) } }
        }
    }
}

/// The hidden CSRF field every signed-in form carries.
pub fn csrf(viewer: &Viewer) -> Markup {
    html! { input type="hidden" name="_csrf" value=(viewer.csrf); }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_create_leaves_out_empty_fields_and_an_edit_clears_them() {
        let form = Form::parse(b"name=Acme&phone=&tags=a%2C+b&kind=customer").expect("form");
        let fields = [
            ("name", Kind::Text),
            ("phone", Kind::Text),
            ("tags", Kind::List),
            ("website", Kind::Text),
        ];
        assert_eq!(
            form.body(&fields, false),
            serde_json::json!({"name": "Acme", "tags": ["a", "b"]})
        );
        assert_eq!(
            form.body(&fields, true),
            serde_json::json!({"name": "Acme", "phone": null, "tags": ["a", "b"]})
        );
    }

    #[test]
    fn a_number_that_is_not_one_is_passed_on_for_the_reader_to_name() {
        let form = Form::parse(b"probability=ten").expect("form");
        assert_eq!(
            form.body(&[("probability", Kind::Number)], false),
            serde_json::json!({"probability": "ten"})
        );
    }

    #[test]
    fn tokens_must_match_and_an_empty_one_never_does() {
        assert!(tokens_match(Some("abc"), "abc"));
        assert!(!tokens_match(Some("abd"), "abc"));
        assert!(!tokens_match(None, "abc"));
        assert!(!tokens_match(Some(""), ""));
    }
}
