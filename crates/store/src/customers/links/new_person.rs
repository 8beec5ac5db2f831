//! Adding someone new to an account: the person and their link in one transaction, so a
//! refused link (a second primary account, an email already at the account) leaves no
//! person behind.

use rapport_domain::contact::{ContactChanges, LinkChanges};
use rapport_domain::Ctx;
use uuid::Uuid;

use super::{link_in, AccountPerson};
use crate::customers::contacts;
use crate::{Store, StoreError};

/// Creates the person from `person` and links them to `account_id` with `link` (whose
/// `contact_id` is the new person's, whatever it held).
pub async fn add_new_person(
    store: &Store,
    ctx: &Ctx,
    account_id: Uuid,
    person: ContactChanges,
    mut link: LinkChanges,
) -> Result<AccountPerson, StoreError> {
    let ctx = ctx.clone();
    store
        .db
        .write(move |c| {
            let contact = contacts::create_in(c, &ctx, person)?;
            link.contact_id = Some(contact.id);
            link_in(c, &ctx, account_id, link)
        })
        .await
}
