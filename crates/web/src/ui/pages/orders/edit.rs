//! Changing an order after it was made: `GET /orders/{id}/edit` fills the order form
//! with its fields, lines and people; `POST` reads it with the API's readers (the
//! fields as a PATCH, the lines as `PUT …/items`) and writes both in one transaction
//! (`orders::update_with_lines`), at the version the page was read at. Lines the form
//! sends back unchanged are not priced again, so a price set by hand, or a tier changed
//! since, stays as it was. `POST /orders/{id}/delete` deletes the order (admins).

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect};
use maud::html;
use rapport_domain::order::{Order, OrderChanges};
use rapport_domain::order_input::read_items_body;
use rapport_domain::Invalid;
use rapport_store::lifecycle;
use rapport_store::orders;
use rapport_store::orders::choices;
use serde_json::{json, Value};
use uuid::Uuid;

use super::detail;
use super::new::{body, line, order_form, person, product_choices, to_rows, Target, LINES};
use crate::ui::errors::{OrPage, PageResult};
use crate::ui::form::{Errors, Form, SignedForm};
use crate::ui::layout::{respond, shell, Section};
use crate::ui::session::Viewer;
use crate::AppState;

/// The form's fields for `o`, as the order form names them.
fn prefill(o: &Order) -> Form {
    let mut f = Form::default();
    let text = |v: &Option<String>| v.clone().unwrap_or_default();
    let id = |v: Option<Uuid>| v.map(|u| u.to_string()).unwrap_or_default();
    f.set("order_type_id", &o.order_type_id.to_string());
    f.set("account_id", &id(o.account_id));
    f.set("partner_id", &id(o.partner_id));
    f.set("priority", o.priority.as_str());
    f.set("currency", &o.currency);
    f.set("tax_rate", &o.tax_rate.normalize().to_string());
    f.set("description", &text(&o.description));
    f.set("notes_internal", &text(&o.notes_internal));
    if !o.data.is_empty() {
        f.set("data", &serde_json::to_string(&o.data).unwrap_or_default());
    }
    for (i, item) in o.items.iter().enumerate().take(LINES) {
        f.set(&line(i, "product_id"), &id(item.product_id));
        f.set(&line(i, "duration_id"), &id(item.duration_id));
        f.set(&line(i, "quantity"), &item.quantity.to_string());
        if item.price_overridden {
            f.set(
                &line(i, "unit_price"),
                &item.unit_price.normalize().to_string(),
            );
        }
    }
    for (i, p) in o.people.iter().enumerate() {
        f.set(&person(i, "role"), &p.role);
        f.set(&person(i, "contact_id"), &p.contact_id.to_string());
    }
    f
}

/// The line rows as sent, in one string: the edit form carries the order's as it was
/// read (`lines_were`), so that lines sent back untouched are left alone.
fn lines_of(form: &Form) -> String {
    (0..LINES)
        .map(|i| {
            ["product_id", "duration_id", "quantity", "unit_price"]
                .iter()
                .map(|name| form.text(&line(i, name)).unwrap_or_default())
                .collect::<Vec<_>>()
                .join("|")
        })
        .collect::<Vec<_>>()
        .join(";")
}

async fn render(
    app: &AppState,
    viewer: &Viewer,
    o: &Order,
    form: &Form,
    errors: &Errors,
    status: StatusCode,
) -> PageResult {
    let choices = choices::choices(&app.store).await.or_page(viewer)?;
    let products = product_choices(app, viewer).await?;
    let target = Target {
        action: format!("/orders/{}/edit", o.id),
        submit: "Save order",
        version: Some(o.version),
        lines: o.items.len() <= LINES,
        lines_were: form.text("lines_were"),
    };
    let title = format!("Edit order {}", o.order_number);
    let body = html! {
        div.page-head {
            h1 { (title) }
            div.actions { a.button.secondary href={ "/orders/" (o.id) } { "Back to the order" } }
        }
        p.muted { "Saving prices changed lines again from the catalogue; lines left as they are keep their prices." }
        (order_form(viewer, &target, Some(form), &products, &choices, errors))
    };
    Ok(respond(
        status,
        shell(viewer, Section::Orders, &title, body),
    ))
}

/// `GET /orders/{id}/edit`
pub async fn edit(State(app): State<AppState>, viewer: Viewer, Path(id): Path<Uuid>) -> PageResult {
    let o = orders::get(&app.store, &viewer.ctx.actor, id)
        .await
        .or_page(&viewer)?;
    let mut form = prefill(&o);
    form.set("lines_were", &lines_of(&form));
    render(&app, &viewer, &o, &form, &Errors::none(), StatusCode::OK).await
}

/// The PATCH body and, when the line rows changed, the new lines; errors of both
/// readers together.
fn read(
    form: &Form,
    o: &Order,
) -> Result<
    (
        OrderChanges,
        Option<Vec<rapport_domain::order_item::ItemInput>>,
    ),
    Invalid,
> {
    let (mut body, _, _) = body(form, true);
    let items = body
        .as_object_mut()
        .and_then(|b| b.remove("items"))
        .unwrap_or_else(|| Value::Array(Vec::new()));
    let lines_changed = o.items.len() <= LINES
        && form.text("lines_were").as_deref() != Some(lines_of(form).as_str());
    let changes = OrderChanges::read(body, false);
    let lines = if lines_changed {
        read_items_body(json!({ "items": items })).map(Some)
    } else {
        Ok(None)
    };
    match (changes, lines) {
        (Ok(c), Ok(l)) => Ok((c, l)),
        (Err(Invalid(mut a)), Err(Invalid(b))) => {
            a.extend(b);
            Err(Invalid(a))
        }
        (Err(e), _) | (_, Err(e)) => Err(e),
    }
}

/// `POST /orders/{id}/edit`
pub async fn save(
    State(app): State<AppState>,
    Path(id): Path<Uuid>,
    SignedForm(viewer, form): SignedForm,
) -> PageResult {
    let o = orders::get(&app.store, &viewer.ctx.actor, id)
        .await
        .or_page(&viewer)?;
    let (_, item_rows, people_rows) = body(&form, true);
    let result = match read(&form, &o) {
        Ok((changes, Some(lines))) => {
            orders::update_with_lines(&app.store, &viewer.ctx, id, form.if_match(), changes, lines)
                .await
                .map_err(Errors::from)
        }
        Ok((changes, None)) => {
            orders::update(&app.store, &viewer.ctx, id, form.if_match(), changes)
                .await
                .map_err(Errors::from)
        }
        Err(e) => Err(Errors::from(e)),
    };
    match result {
        Ok(_) => Ok(Redirect::to(&format!("/orders/{id}")).into_response()),
        Err(errors) => {
            let errors = to_rows(errors, &item_rows, &people_rows);
            let status = StatusCode::UNPROCESSABLE_ENTITY;
            render(&app, &viewer, &o, &form, &errors, status).await
        }
    }
}

/// `POST /orders/{id}/delete`: the order page's delete button (admins), at the version
/// the page was read at; a refusal (a contract opened from it) comes back on the page.
pub async fn delete(
    State(app): State<AppState>,
    Path(id): Path<Uuid>,
    SignedForm(viewer, form): SignedForm,
) -> PageResult {
    match lifecycle::orders::delete(&app.store, &viewer.ctx, id, form.if_match()).await {
        Ok(()) => Ok(Redirect::to("/orders").into_response()),
        Err(e @ rapport_store::StoreError::NotFound { .. }) => Err(e).or_page(&viewer),
        Err(e) => {
            let status = StatusCode::UNPROCESSABLE_ENTITY;
            let refused = detail::Refused {
                state: Errors::from(e),
                ..detail::Refused::default()
            };
            detail::render(&app, &viewer, id, refused, status).await
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn untouched_lines_read_as_unchanged() {
        let o = Order::default();
        let mut form = Form::default();
        form.set(&line(0, "product_id"), "p");
        form.set(&line(0, "quantity"), "2");
        form.set("lines_were", &lines_of(&form));
        form.set("currency", "EUR");
        let (_, lines) = read(&form, &o).expect("reads");
        assert!(lines.is_none(), "the same rows are not priced again");
        form.set(&line(0, "quantity"), "3");
        // Changed rows are read as lines: here a product id that is no id is refused.
        let e = read(&form, &o).expect_err("refused");
        assert_eq!(e.0[0].field, "items[0].product_id");
    }
}
