//! Settings every node shares, in the `settings` table (a missing key is its default).
//! Anyone signed in may read them (clients show the default probabilities); admins of
//! either kind change them, audited.

use rapport_db::Conn;
use rapport_domain::settings::{
    Settings, SettingsChanges, ACTIVE_PRODUCT_CAP, COMPLETE_PROJECT_WITH_LAST_TASK,
    LEAD_PROBABILITIES, REPS_DELETE_CREATED, REPS_SEE_LAST_UPDATED,
};
use rapport_domain::{Actor, Ctx};
use uuid::Uuid;

use crate::kernel::audit::{self, AuditAction};
use crate::policy as scope;
use crate::{Store, StoreError};

const ENTITY: &str = crate::kernel::names::SETTINGS;

/// The current settings, read inside the caller's transaction.
pub(crate) fn current(c: &mut dyn Conn) -> Result<Settings, StoreError> {
    let mut settings = Settings::default();
    for row in c.query("SELECT key, value FROM settings", &[])? {
        let key: String = row.get("key")?;
        let value: serde_json::Value = row.get("value")?;
        match key.as_str() {
            ACTIVE_PRODUCT_CAP => {
                if let Some(cap) = value.as_i64() {
                    settings.active_product_cap = cap;
                }
            }
            LEAD_PROBABILITIES => {
                if let Ok(map) = serde_json::from_value(value) {
                    settings.lead_probabilities = map;
                }
            }
            REPS_SEE_LAST_UPDATED => {
                settings.reps_see_accounts_they_updated = value.as_bool().unwrap_or(false);
            }
            REPS_DELETE_CREATED => {
                settings.reps_delete_accounts_they_created = value.as_bool().unwrap_or(false);
            }
            COMPLETE_PROJECT_WITH_LAST_TASK => {
                settings.complete_project_with_last_task = value.as_bool().unwrap_or(false);
            }
            _ => {}
        }
    }
    Ok(settings)
}

fn put(
    c: &mut dyn Conn,
    actor: &Actor,
    key: &str,
    value: serde_json::Value,
) -> Result<(), StoreError> {
    let by = Some(actor.user_id).filter(|u| !u.is_nil());
    c.execute(
        "INSERT INTO settings (key, value, updated_by, updated_at, version) VALUES (?, ?, ?, ?, 1) \
         ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_by = excluded.updated_by, \
         updated_at = excluded.updated_at, version = settings.version + 1",
        &[key.into(), value.into(), by.into(), rapport_db::now().into()],
    )?;
    Ok(())
}

pub async fn get(store: &Store, _actor: &Actor) -> Result<Settings, StoreError> {
    store.db.read(current).await
}

pub async fn update(
    store: &Store,
    ctx: &Ctx,
    changes: SettingsChanges,
) -> Result<Settings, StoreError> {
    let ctx = ctx.clone();
    store
        .db
        .write(move |c| {
            scope::require_settings_admin(&ctx.actor)?;
            let before = current(c)?;
            let mut after = before.clone();
            if let Some(cap) = changes.active_product_cap {
                after.active_product_cap = cap;
            }
            after.lead_probabilities.extend(changes.lead_probabilities);
            if let Some(on) = changes.reps_see_accounts_they_updated {
                after.reps_see_accounts_they_updated = on;
            }
            if let Some(on) = changes.reps_delete_accounts_they_created {
                after.reps_delete_accounts_they_created = on;
            }
            if let Some(on) = changes.complete_project_with_last_task {
                after.complete_project_with_last_task = on;
            }
            if after == before {
                return Ok(before);
            }
            if after.active_product_cap != before.active_product_cap {
                put(
                    c,
                    &ctx.actor,
                    ACTIVE_PRODUCT_CAP,
                    after.active_product_cap.into(),
                )?;
            }
            if after.lead_probabilities != before.lead_probabilities {
                let map = serde_json::to_value(&after.lead_probabilities)
                    .map_err(|e| StoreError::Db(rapport_db::DbError::decode(e.to_string())))?;
                put(c, &ctx.actor, LEAD_PROBABILITIES, map)?;
            }
            for (key, was, is) in [
                (
                    REPS_SEE_LAST_UPDATED,
                    before.reps_see_accounts_they_updated,
                    after.reps_see_accounts_they_updated,
                ),
                (
                    REPS_DELETE_CREATED,
                    before.reps_delete_accounts_they_created,
                    after.reps_delete_accounts_they_created,
                ),
                (
                    COMPLETE_PROJECT_WITH_LAST_TASK,
                    before.complete_project_with_last_task,
                    after.complete_project_with_last_task,
                ),
            ] {
                if was != is {
                    put(c, &ctx.actor, key, is.into())?;
                }
            }
            audit::record_change(
                c,
                &ctx,
                AuditAction::Update,
                ENTITY,
                Uuid::nil(),
                Some(&before),
                Some(&after),
            )?;
            Ok(after)
        })
        .await
}
