//! Instructions: `/api/v1/instructions` (seed 003; docs/lab.md): written on an order,
//! approved by another user, then fixed.

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use rapport_domain::instruction::{
    Instruction, InstructionChanges, InstructionCreate, InstructionPatch,
};

use crate::auth::Authed;
use crate::etag::{if_match, tagged, Versioned};
use crate::problem::ApiResult;
use crate::routes::IdPath;
use crate::AppState;

impl Versioned for Instruction {
    fn version(&self) -> i64 {
        self.version
    }
}

crud_routes! {
    store: rapport_store::lab::instructions,
    record: Instruction,
    changes: InstructionChanges,
    create: InstructionCreate,
    patch: InstructionPatch,
    page: InstructionPage,
    tag: "lab",
    export: rapport_store::policy::Resource::Instructions,
    collection: "/api/v1/instructions",
    item: "/api/v1/instructions/{id}",
    what: "No such instruction",
    conflict: "Another instruction has this legacy_id; or it is approved and fixed (rule state, naming approved_at)",
    forbidden: "Viewers write no instructions; others change only their own unless they approve",
    delete_who: "Its author, or admins, restricted admins and managers",
    delete_conflict: "It is approved and fixed (rule state, naming approved_at)",
    /// Writes an instruction on an order the caller sees (everyone but viewers).
    create create_instruction,
    /// Lists the instructions the caller sees, oldest first. Filters: `order_id`,
    /// `instruction_type`, `approved_at` (`null`: waiting for approval), `approved_by`,
    /// `created_by`, `legacy_id`, `created_after`/`_before`.
    list list_instructions,
    get get_instruction,
    /// Changes an instruction not yet approved (its author, or admins, restricted admins
    /// and managers); an approved one answers 409.
    update update_instruction,
    /// Deletes an instruction not yet approved (its author, or the lab's managers).
    delete delete_instruction,
}

/// Approves an instruction: admins, restricted admins and managers, never its author
/// (422 rule `different`, naming `approved_by`); stamped with who and when, it no
/// longer changes.
#[utoipa::path(post, path = "/api/v1/instructions/{id}/approve", tag = "lab",
    params(("id" = uuid::Uuid, Path), ("If-Match" = Option<String>, Header)),
    responses(
        (status = 200, description = "Approved", body = Instruction, headers(("ETag" = String))),
        (status = 403, description = "The role may not approve", body = crate::problem::ProblemBody, content_type = "application/problem+json"),
        (status = 404, description = "No such instruction", body = crate::problem::ProblemBody, content_type = "application/problem+json"),
        (status = 409, description = "Already approved (rule state, naming approved_at)", body = crate::problem::ProblemBody, content_type = "application/problem+json"),
        (status = 412, description = "If-Match names another version", body = crate::problem::ProblemBody, content_type = "application/problem+json"),
        (status = 422, description = "One's own instruction (rule different, naming approved_by)", body = crate::problem::ProblemBody, content_type = "application/problem+json")))]
pub async fn approve_instruction(
    State(app): State<AppState>,
    Authed(auth): Authed,
    IdPath(id): IdPath,
    headers: HeaderMap,
) -> ApiResult<Response> {
    let version = if_match(&headers)?;
    let x = store::approve(&app.store, &auth.ctx, id, version).await?;
    Ok(tagged(StatusCode::OK, x))
}
