//! Merging duplicate accounts into one survivor, in one transaction: everything that
//! hangs off the duplicates moves to the survivor, the duplicates are archived with a
//! pointer to it, and the survivor keeps its own fields except those the caller names.
//! What moves, and how, is [`super::accounts::account_gone`]'s list.

use rapport_domain::account::{Account, AccountChanges};
use rapport_domain::input::Patch;
use rapport_domain::Ctx;
use uuid::Uuid;

use crate::customers::accounts::{self, locked, update_in};
use crate::kernel::audit::{self, AuditAction};
use crate::kernel::record;
use crate::policy as scope;
use crate::{Store, StoreError};

pub const MAX_MERGED: usize = 50;

/// Fields that may be taken from a merged account instead of the survivor's own.
pub const TAKEABLE: &[&str] = &[
    "kind",
    "legal_name",
    "registration_number",
    "customer_type",
    "email",
    "phone",
    "website",
    "billing_address",
    "service_address",
    "tags",
    "notes",
    "owner_id",
    "legacy_id",
    "metadata",
];

fn patch<T>(v: Option<T>) -> Patch<T> {
    v.map_or(Patch::Null, Patch::Set)
}

fn take(ch: &mut AccountChanges, field: &str, from: &Account) {
    match field {
        "kind" => ch.kind = Patch::Set(from.kind),
        "legal_name" => ch.legal_name = patch(from.legal_name.clone()),
        "registration_number" => ch.registration_number = patch(from.registration_number.clone()),
        "customer_type" => ch.customer_type = patch(from.customer_type),
        "email" => ch.email = patch(from.email.clone()),
        "phone" => ch.phone = patch(from.phone.clone()),
        "website" => ch.website = patch(from.website.clone()),
        "billing_address" => ch.billing_address = patch(from.billing_address.clone()),
        "service_address" => ch.service_address = patch(from.service_address.clone()),
        "tags" => ch.tags = Patch::Set(from.tags.clone()),
        "notes" => ch.notes = patch(from.notes.clone()),
        "owner_id" => ch.owner_id = patch(from.owner_id),
        "legacy_id" => ch.legacy_id = patch(from.legacy_id.clone()),
        "metadata" => ch.metadata = Patch::Set(from.metadata.clone()),
        _ => {}
    }
}

/// Merges `ids` into `survivor_id`. `take` names fields the survivor takes from one of
/// the merged accounts.
pub async fn merge(
    store: &Store,
    ctx: &Ctx,
    survivor_id: Uuid,
    ids: Vec<Uuid>,
    take_fields: Vec<(String, Uuid)>,
) -> Result<Account, StoreError> {
    scope::require_bulk_reshape(&ctx.actor, "merge accounts")?;
    if ids.contains(&survivor_id) {
        return Err(StoreError::invalid(
            "ids",
            "not_self",
            "cannot merge an account into itself",
        ));
    }
    if ids.is_empty() || ids.len() > MAX_MERGED {
        return Err(StoreError::invalid(
            "ids",
            "items",
            format!("must name 1 to {MAX_MERGED} accounts"),
        ));
    }
    for (field, source) in &take_fields {
        if !TAKEABLE.contains(&field.as_str()) {
            return Err(StoreError::invalid(
                &format!("take.{field}"),
                "takeable",
                format!(
                    "cannot be taken from a merged account; takeable: {}",
                    TAKEABLE.join(", ")
                ),
            ));
        }
        if !ids.contains(source) {
            return Err(StoreError::invalid(
                &format!("take.{field}"),
                "in_ids",
                "must name one of the merged accounts",
            ));
        }
    }
    let ctx = ctx.clone();
    store
        .db
        .write(move |c| {
            let actor = &ctx.actor;
            let survivor = locked(c, actor, survivor_id)?;
            if survivor.archived_at.is_some() {
                return Err(StoreError::state(
                    "id",
                    "the surviving account is archived; restore it first",
                ));
            }
            let mut sources = Vec::with_capacity(ids.len());
            for (i, id) in ids.iter().enumerate() {
                let source = locked(c, actor, *id).map_err(|e| {
                    e.named_in(&format!("ids[{i}]"), "names no account you can see")
                })?;
                sources.push(source);
            }
            let mut changes = AccountChanges::default();
            for (field, source_id) in &take_fields {
                if let Some(source) = sources.iter().find(|s| s.id == *source_id) {
                    take(&mut changes, field, source);
                }
            }
            let mut summary = Vec::with_capacity(sources.len());
            for source in &sources {
                let mut moved =
                    super::accounts::account_gone(c, &ctx, source.id, Some(survivor_id))?;
                let links = moved.remove("contact_links").unwrap_or_default();
                let reps = moved.remove("reps").unwrap_or_default();
                // Unique values the survivor takes are released by the duplicate first.
                let mut after = source.clone();
                if take_fields
                    .iter()
                    .any(|(f, s)| f == "registration_number" && *s == source.id)
                {
                    after.registration_number = None;
                }
                if take_fields
                    .iter()
                    .any(|(f, s)| f == "legacy_id" && *s == source.id)
                {
                    after.legacy_id = None;
                }
                after.owner_id = None;
                after.merged_into_id = Some(survivor_id);
                let mut after = record::touched(source, actor, after);
                after.archived_at = Some(source.archived_at.unwrap_or(after.updated_at));
                accounts::save(c, source, &after)?;
                audit::record_change(
                    c,
                    &ctx,
                    AuditAction::Merge,
                    accounts::ENTITY,
                    source.id,
                    Some(source),
                    Some(&after),
                )?;
                summary.push(serde_json::json!({
                    "id": source.id, "contact_links": links, "reps": reps, "moved": moved,
                }));
            }
            let merged = update_in(c, &ctx, survivor_id, rapport_domain::IfMatch::Any, |_| {
                Ok(changes)
            })?;
            audit::record(
                c,
                &ctx,
                AuditAction::Merge,
                accounts::ENTITY,
                survivor_id,
                None,
                Some(serde_json::json!({"survivor": survivor_id, "merged": summary})),
            )?;
            Ok(merged)
        })
        .await
}
