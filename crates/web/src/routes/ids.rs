//! Record ids taken from a request's path, refused as a 400 problem unless they are UUIDs.

use axum::extract::{FromRequestParts, Path};
use axum::http::request::Parts;
use uuid::Uuid;

use crate::problem::Problem;

/// The `{id}` of a path, which must be a UUID.
pub struct IdPath(pub Uuid);

impl<S: Send + Sync> FromRequestParts<S> for IdPath {
    type Rejection = Problem;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let Path(raw) = Path::<String>::from_request_parts(parts, state)
            .await
            .map_err(|_| Problem::bad_request("id", "uuid", "the path needs a record id"))?;
        rapport_domain::validation::strict_uuid(&raw)
            .map(IdPath)
            .ok_or_else(|| Problem::bad_request("id", "uuid", format!("{raw:?} is not a UUID")))
    }
}

/// Two ids in a path (`/accounts/{id}/contacts/{contact_id}`), both UUIDs.
pub struct IdPair(pub Uuid, pub Uuid);

impl<S: Send + Sync> FromRequestParts<S> for IdPair {
    type Rejection = Problem;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let Path(raw) = Path::<Vec<(String, String)>>::from_request_parts(parts, state)
            .await
            .map_err(|_| Problem::bad_request("id", "uuid", "the path needs two record ids"))?;
        let mut ids = Vec::with_capacity(2);
        for (name, value) in raw {
            let id = rapport_domain::validation::strict_uuid(&value).ok_or_else(|| {
                Problem::bad_request(&name, "uuid", format!("{value:?} is not a UUID"))
            })?;
            ids.push(id);
        }
        match ids.as_slice() {
            [a, b] => Ok(IdPair(*a, *b)),
            _ => Err(Problem::bad_request(
                "id",
                "uuid",
                "the path needs two record ids",
            )),
        }
    }
}
