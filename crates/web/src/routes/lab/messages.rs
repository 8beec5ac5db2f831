//! Messages: `/api/v1/messages` (seed 003; docs/lab.md): sent once, read per recipient;
//! a message of a type that triggers a state change moves its order.

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use futures::FutureExt as _;
use rapport_domain::message::{Message, MessageChanges, MessageCreate};
use rapport_store::lab::messages;
use rapport_store::policy::Resource;
use rapport_store::Page;

use crate::auth::Authed;
use crate::body::JsonBody;
use crate::etag::{created, tagged, Versioned};
use crate::export::{self, Format, Lister};
use crate::problem::ApiResult;
use crate::query::ListQuery;
use crate::routes::IdPath;
use crate::AppState;

impl Versioned for Message {
    fn version(&self) -> i64 {
        self.version
    }
}

#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct MessagePage {
    pub data: Vec<Message>,
    pub next_cursor: Option<String>,
    pub total: Option<i64>,
    /// With `total`: false when counting stopped at its limit (docs/api.md "Totals").
    pub total_exact: Option<bool>,
}

/// Sends a message (everyone but viewers), on an order the caller sees or to users. A
/// type that triggers a state change moves the order to its target state in the same
/// transaction, the message named in the order's history; a move the workflow refuses
/// (409 naming `message_type_id`), a target state gone (409), a role that may not move
/// the order (403) or no order (422 rule `depends` naming `order_id`) refuses the message, and nothing
/// is written.
#[utoipa::path(post, path = "/api/v1/messages", tag = "lab", request_body = MessageCreate, responses(
    (status = 201, description = "Sent", body = Message, headers(("Location" = String), ("ETag" = String))),
    (status = 403, description = "Viewers send no messages; or the role may not move the order", body = crate::problem::ProblemBody, content_type = "application/problem+json"),
    (status = 409, description = "The move the type triggers is refused (rule state, naming message_type_id); or legacy_id is taken", body = crate::problem::ProblemBody, content_type = "application/problem+json"),
    (status = 422, description = "Invalid fields, named (an inactive type: rule active; a recipient that is no enabled user: rule exists or enabled)", body = crate::problem::ProblemBody, content_type = "application/problem+json")))]
pub async fn send_message(
    State(app): State<AppState>,
    Authed(auth): Authed,
    JsonBody(body): JsonBody,
) -> ApiResult<Response> {
    let m = messages::send(&app.store, &auth.ctx, MessageChanges::read(body, true)?).await?;
    created(format!("/api/v1/messages/{}", m.id), m)
}

/// Lists the messages the caller sees (on orders they see, sent by them, sent to them),
/// newest first. Filters: `order_id`, `sender` (`me`), `message_type_id`, `legacy_id`,
/// `created_after`/`_before`; `unread=true`: only those sent to the caller and not yet
/// read by them. With `format=csv`, every matching message as CSV.
#[utoipa::path(get, path = "/api/v1/messages", tag = "lab",
    params(("unread" = Option<bool>, Query, description = "true: only the caller's unread messages"),
        ("format" = Option<String>, Query, description = "json (default) or csv: every matching message as CSV, without its recipients (also with Accept: text/csv)")),
    responses(
        (status = 200, description = "A page; with `format=csv`, every matching message as CSV (an attachment)", content(
            (MessagePage = "application/json"),
            (String = "text/csv"))),
        (status = 403, description = "Partner, distributor and fulfiller users may not export (names `format`)", body = crate::problem::ProblemBody, content_type = "application/problem+json"),
        (status = 422, description = "Unknown `format`", body = crate::problem::ProblemBody, content_type = "application/problem+json"),
        (status = 400, description = "A bad parameter, named", body = crate::problem::ProblemBody, content_type = "application/problem+json")))]
pub async fn list_messages(
    State(app): State<AppState>,
    Authed(auth): Authed,
    headers: HeaderMap,
    ListQuery(mut params): ListQuery,
) -> ApiResult<Response> {
    if Format::of(&headers, &mut params)? == Format::Csv {
        let list: Lister<Message> =
            |s, a, p| async move { messages::list(&s, &a, p).await }.boxed();
        return export::csv(&app.store, &auth.ctx, Resource::Messages, params, list).await;
    }
    let page: Page<Message> = messages::list(&app.store, &auth.ctx.actor, params).await?;
    Ok(Json(page).into_response())
}

/// Reads one message.
#[utoipa::path(get, path = "/api/v1/messages/{id}", tag = "lab", params(("id" = uuid::Uuid, Path)), responses(
    (status = 200, description = "The message", body = Message, headers(("ETag" = String))),
    (status = 404, description = "No such message", body = crate::problem::ProblemBody, content_type = "application/problem+json")))]
pub async fn get_message(
    State(app): State<AppState>,
    Authed(auth): Authed,
    IdPath(id): IdPath,
) -> ApiResult<Response> {
    let m = messages::get(&app.store, &auth.ctx.actor, id).await?;
    Ok(tagged(StatusCode::OK, m))
}

/// Marks a message read for the caller, one of its recipients (409 naming
/// `recipient_ids` otherwise); read twice, it keeps the first time.
#[utoipa::path(post, path = "/api/v1/messages/{id}/read", tag = "lab", params(("id" = uuid::Uuid, Path)), responses(
    (status = 200, description = "The message, read", body = Message, headers(("ETag" = String))),
    (status = 404, description = "No such message", body = crate::problem::ProblemBody, content_type = "application/problem+json"),
    (status = 409, description = "The caller is not a recipient (rule state, naming recipient_ids)", body = crate::problem::ProblemBody, content_type = "application/problem+json")))]
pub async fn read_message(
    State(app): State<AppState>,
    Authed(auth): Authed,
    IdPath(id): IdPath,
) -> ApiResult<Response> {
    let m = messages::mark_read(&app.store, &auth.ctx, id).await?;
    Ok(tagged(StatusCode::OK, m))
}
