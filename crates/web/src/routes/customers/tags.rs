//! Account tags: counts, rename across accounts, add/remove on one account.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use axum::Json;
use rapport_domain::account::{MAX_TAGS, MAX_TAG_LEN};
use rapport_domain::input::{ObjectReader, Patch};
use rapport_store::customers::accounts::{self, TagCount};
use serde::Serialize;

use crate::auth::Authed;
use crate::body::JsonBody;
use crate::etag::tagged;
use crate::problem::{ApiResult, Problem};
use crate::routes::IdPath;
use crate::AppState;

#[derive(Serialize, utoipa::ToSchema)]
pub struct TagList {
    pub data: Vec<TagCount>,
}

/// What `rename_tag` reads: both tags, which must differ.
#[derive(Serialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TagRename {
    #[schema(schema_with = crate::openapi::fields::tag)]
    pub from: String,
    #[schema(schema_with = crate::openapi::fields::tag)]
    pub to: String,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct TagRenamed {
    /// How many accounts changed.
    pub renamed: usize,
}

/// What `change_tags` reads: tags to add and to remove (at least one tag in all; `null`
/// is the same as an empty list).
#[derive(Serialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TagChange {
    #[schema(schema_with = crate::openapi::fields::tag_list)]
    pub add: Option<Vec<String>>,
    #[schema(schema_with = crate::openapi::fields::tag_list)]
    pub remove: Option<Vec<String>>,
}

/// Tags on the accounts you can see (archived excluded), most used first.
#[utoipa::path(get, path = "/api/v1/accounts/tags", tag = "accounts", responses((status = 200, description = "Tags with counts", body = TagList)))]
pub async fn list_tags(
    State(app): State<AppState>,
    Authed(auth): Authed,
) -> ApiResult<Json<TagList>> {
    let data = accounts::tag_counts(&app.store, &auth.ctx.actor).await?;
    Ok(Json(TagList { data }))
}

/// Renames a tag on every account you may change, in one audited transaction.
#[utoipa::path(post, path = "/api/v1/accounts/tags/rename", tag = "accounts", request_body = TagRename, responses(
    (status = 200, description = "Renamed", body = TagRenamed),
    (status = 403, description = "The role may not change accounts", body = crate::problem::ProblemBody, content_type = "application/problem+json"),
    (status = 422, description = "Invalid tag", body = crate::problem::ProblemBody, content_type = "application/problem+json")))]
pub async fn rename_tag(
    State(app): State<AppState>,
    Authed(auth): Authed,
    JsonBody(body): JsonBody,
) -> ApiResult<Json<TagRenamed>> {
    let mut r = ObjectReader::new(body)?;
    let from = r.required_string("from", MAX_TAG_LEN);
    let to = r.required_string("to", MAX_TAG_LEN);
    if from.is_some() && from == to {
        r.error("to", "different", "must differ from `from`");
    }
    r.finish()?;
    let (Some(from), Some(to)) = (from, to) else {
        return Err(Problem::internal());
    };
    let renamed = accounts::rename_tag(&app.store, &auth.ctx, from, to).await?;
    Ok(Json(TagRenamed { renamed }))
}

/// Adds and removes tags on one account without sending the whole list (safe beside
/// other writers).
#[utoipa::path(post, path = "/api/v1/accounts/{id}/tags", tag = "accounts", request_body = TagChange,
    params(("id" = uuid::Uuid, Path)),
    responses(
        (status = 200, description = "The account", body = rapport_domain::account::Account),
        (status = 404, description = "No such account", body = crate::problem::ProblemBody, content_type = "application/problem+json"),
        (status = 422, description = "Invalid tags", body = crate::problem::ProblemBody, content_type = "application/problem+json")))]
pub async fn change_tags(
    State(app): State<AppState>,
    Authed(auth): Authed,
    IdPath(id): IdPath,
    JsonBody(body): JsonBody,
) -> ApiResult<Response> {
    let mut r = ObjectReader::new(body)?;
    let list = |p: Patch<Vec<String>>| match p {
        Patch::Set(v) => v,
        _ => Vec::new(),
    };
    let add = list(r.patch_string_list("add", MAX_TAGS, MAX_TAG_LEN));
    let remove = list(r.patch_string_list("remove", MAX_TAGS, MAX_TAG_LEN));
    if add.is_empty() && remove.is_empty() && r.errors.is_empty() {
        r.error("add", "one_of", "give at least one tag to add or remove");
    }
    r.finish()?;
    let account = accounts::change_tags(&app.store, &auth.ctx, id, add, remove).await?;
    Ok(tagged(StatusCode::OK, account))
}
