//! Seed 001: a person's email is unique within an account (another account may have
//! someone with the same address). Checked when a person is linked and when a linked
//! person's email changes, with the accounts' rows locked so that two such writes
//! queue up instead of both passing the check.

use rapport_db::Conn;
use uuid::Uuid;

use crate::StoreError;

/// Refuses `email` for `contact` at `account` when another person there has it
/// (compared without case). `field` names the field the caller's body gave.
pub(crate) fn check_free(
    c: &mut dyn Conn,
    account: Uuid,
    contact: Uuid,
    email: Option<&str>,
    field: &str,
) -> Result<(), StoreError> {
    let Some(email) = email else {
        return Ok(());
    };
    let holder: Option<Uuid> = c.query_scalar(
        "SELECT p.id FROM account_contacts ac JOIN contacts p ON p.id = ac.contact_id \
         WHERE ac.account_id = ? AND ac.contact_id <> ? AND lower(p.email) = lower(?) LIMIT 1",
        &[account.into(), contact.into(), email.into()],
    )?;
    match holder {
        None => Ok(()),
        Some(other) => Err(StoreError::Conflict {
            message: format!(
                "another person at account {account} has the email {email}; an email is unique within an account"
            ),
            field: Some(field.to_owned()),
            existing_id: Some(other),
        }),
    }
}

/// A linked person's email changes: every account they are linked to is locked, then
/// checked.
pub(crate) fn check_all_accounts_of(
    c: &mut dyn Conn,
    contact: Uuid,
    email: Option<&str>,
) -> Result<(), StoreError> {
    if email.is_none() {
        return Ok(());
    }
    let mut sql = String::from(
        "SELECT accounts.id FROM accounts WHERE accounts.id IN \
         (SELECT account_id FROM account_contacts WHERE contact_id = ?) ORDER BY accounts.id",
    );
    sql.push_str(&c.row_lock(Some("accounts")));
    let accounts: Vec<Uuid> = c
        .query(&sql, &[contact.into()])?
        .iter()
        .map(|r| r.get("id"))
        .collect::<Result<_, _>>()?;
    for account in accounts {
        check_free(c, account, contact, email, "email")?;
    }
    Ok(())
}
