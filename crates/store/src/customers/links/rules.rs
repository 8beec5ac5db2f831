//! A person's primary account (seed 003's primary office), kept apart from an account's
//! primary contact: one per person, refused rather than moved, so that importing one
//! doctor's primary office never changes another doctor's or another office's flag.

use super::*;

/// Refuses `link` as the person's primary account when another of their links is.
pub(super) fn check_primary_account(
    c: &mut dyn Conn,
    link: &AccountContact,
) -> Result<(), StoreError> {
    if !link.is_primary_account {
        return Ok(());
    }
    let mut sql = String::from(
        "SELECT account_id FROM account_contacts WHERE contact_id = ? AND is_primary_account AND id <> ?",
    );
    sql.push_str(&c.row_lock(None));
    let other: Option<Uuid> = c.query_scalar(&sql, &[link.contact_id.into(), link.id.into()])?;
    match other {
        None => Ok(()),
        Some(account) => Err(StoreError::Conflict {
            message: format!(
                "the person's primary account is {account}; unset is_primary_account there first"
            ),
            field: Some("is_primary_account".into()),
            existing_id: Some(account),
        }),
    }
}

/// The people linked to `account` and to no other account: they go with it when it is
/// deleted (seed 001's cascade).
pub(crate) fn people_only_at(c: &mut dyn Conn, account: Uuid) -> Result<Vec<Uuid>, StoreError> {
    c.query(
        "SELECT ac.contact_id AS id FROM account_contacts ac WHERE ac.account_id = ? \
         AND NOT EXISTS (SELECT 1 FROM account_contacts o WHERE o.contact_id = ac.contact_id \
         AND o.account_id <> ac.account_id) ORDER BY ac.contact_id",
        &[account.into()],
    )?
    .iter()
    .map(|r| r.get("id").map_err(StoreError::from))
    .collect()
}
