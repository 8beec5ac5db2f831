//! The answers and headers every operation shares because the code that gives them is
//! shared: the extractors (400, and 413 and 415 for bodies), the authentication and CSRF
//! middleware (401, 403), the database layer (503) and the idempotency middleware
//! (`Idempotency-Key` on every POST). One rule here, rather
//! than the same lines on every handler; an operation that describes its own answer
//! keeps its words.

use utoipa::openapi::path::{Operation, ParameterBuilder, ParameterIn};
use utoipa::openapi::security::SecurityRequirement;
use utoipa::openapi::{ContentBuilder, OpenApi, Ref, RefOr, Required, ResponseBuilder};

const MALFORMED: &str = "Malformed request, named: a path id that is not a UUID, a query \
    parameter or header that cannot be read, or a body that is not JSON";
const UNAUTHORIZED: &str = "Not signed in: no session cookie or bearer token, or one that is \
    unknown, expired or revoked (type /problems/unauthorized)";
const TOO_LARGE: &str = "The body is larger than the server's limit (max_body_bytes)";
const NOT_JSON: &str = "The body is not JSON, or came without a Content-Type saying so";
const UNAVAILABLE: &str = "The database is unreachable or busy; Retry-After says when to retry";
const STALE: &str = "The record changed since it was read: If-Match names another version \
    (type /problems/precondition-failed); read it again and retry";
const KEY_BUSY: &str = "A request with the same Idempotency-Key is still running";
const KEY_REUSED: &str = "The Idempotency-Key was used before for a different request";
const CSRF: &str = "A cookie-authenticated write without the session's csrf_token in \
    X-CSRF-Token (type /problems/csrf)";

pub fn with_shared_answers(mut doc: OpenApi) -> OpenApi {
    for item in doc.paths.paths.values_mut() {
        let operations = [
            (&mut item.get, false),
            (&mut item.put, true),
            (&mut item.post, true),
            (&mut item.delete, true),
            (&mut item.patch, true),
        ];
        for (operation, writes) in operations {
            let Some(op) = operation.as_mut() else {
                continue;
            };
            let signed_in = !is_public(op);
            if reads_input(op, writes) {
                add_answer(op, "400", MALFORMED);
            }
            if op.request_body.is_some() {
                add_answer(op, "413", TOO_LARGE);
                add_answer(op, "415", NOT_JSON);
            }
            if signed_in {
                add_answer(op, "401", UNAUTHORIZED);
                add_or_extend(op, "503", UNAVAILABLE);
            }
            if signed_in && writes {
                add_csrf(op);
            }
            if takes_header(op, "If-Match") {
                add_answer(op, "412", STALE);
            }
        }
        if let Some(op) = item.post.as_mut().filter(|op| !is_public(op)) {
            add_idempotency_key(op);
            add_or_extend(op, "422", KEY_REUSED);
            add_or_extend(op, "409", KEY_BUSY);
        }
    }
    doc
}

/// `security: [{}]`: anyone may call it (health, readiness, metrics, sign-in).
fn is_public(op: &Operation) -> bool {
    op.security
        .as_ref()
        .is_some_and(|s| s.iter().any(|r| *r == SecurityRequirement::default()))
}

fn reads_input(op: &Operation, writes: bool) -> bool {
    writes
        || op.request_body.is_some()
        || op.parameters.iter().flatten().any(|p| {
            matches!(
                p.parameter_in,
                ParameterIn::Path | ParameterIn::Query | ParameterIn::Header
            )
        })
}

fn problem(description: &str) -> RefOr<utoipa::openapi::Response> {
    let content = ContentBuilder::new()
        .schema(Some(Ref::from_schema_name("ProblemBody")))
        .build();
    RefOr::T(
        ResponseBuilder::new()
            .description(description)
            .content("application/problem+json", content)
            .build(),
    )
}

fn add_answer(op: &mut Operation, status: &str, description: &str) {
    if !op.responses.responses.contains_key(status) {
        op.responses
            .responses
            .insert(status.to_owned(), problem(description));
    }
}

fn takes_header(op: &Operation, name: &str) -> bool {
    op.parameters
        .iter()
        .flatten()
        .any(|p| p.parameter_in == ParameterIn::Header && p.name == name)
}

/// Adds the answer, or appends its case to the operation's own description of it.
fn add_or_extend(op: &mut Operation, status: &str, description: &str) {
    match op.responses.responses.get_mut(status) {
        Some(RefOr::T(own)) if !own.description.contains(description) => {
            own.description = format!("{}; or: {description}", own.description);
        }
        Some(_) => {}
        None => add_answer(op, status, description),
    }
}

/// A write's 403: the CSRF refusal, beside what the operation says of its own 403.
fn add_csrf(op: &mut Operation) {
    add_or_extend(op, "403", CSRF);
}

/// The idempotency middleware reads the header on every POST (crate::idempotency).
fn add_idempotency_key(op: &mut Operation) {
    if takes_header(op, "Idempotency-Key") {
        return;
    }
    op.parameters.get_or_insert_with(Vec::new).push(
        ParameterBuilder::new()
            .name("Idempotency-Key")
            .parameter_in(ParameterIn::Header)
            .required(Required::False)
            .description(Some(
                "Replays the first response (with Idempotent-Replayed: true) for the same \
                 key and body, for 24 hours; the same key with another body is refused (422)",
            ))
            .build(),
    );
}
