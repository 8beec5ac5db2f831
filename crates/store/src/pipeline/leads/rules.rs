//! The rules a lead's links must meet, and seed 004's conversion of a won lead into an account.

use super::*;

/// Checks every record the lead points at: accounts the actor can see (a partner or
/// distributor of the right kind), a product that exists, an owner the actor may name.
pub(super) fn check_links(
    c: &mut dyn Conn,
    actor: &Actor,
    before: Option<&Lead>,
    l: &Lead,
) -> Result<(), StoreError> {
    let changed = |f: fn(&Lead) -> Option<Uuid>| before.is_none_or(|b| f(b) != f(l));
    if let (true, Some(id)) = (changed(|x| x.account_id), l.account_id) {
        accounts::visible(c, actor, id)
            .map_err(|e| e.named_in("account_id", "names no account you can see"))?;
    }
    for (field, kind, get) in [
        (
            "partner_id",
            "partner",
            (|x: &Lead| x.partner_id) as fn(&Lead) -> Option<Uuid>,
        ),
        ("distributor_id", "distributor", |x: &Lead| x.distributor_id),
    ] {
        if let (true, Some(id)) = (changed(get), get(l)) {
            // Partner users name their own organisation, which they may not otherwise list.
            let own = actor.account_id == Some(id);
            let found: Option<String> = if own {
                c.query_scalar("SELECT kind FROM accounts WHERE id = ?", &[id.into()])?
            } else {
                accounts::visible(c, actor, id)
                    .map_err(|e| e.named_in(field, "names no account you can see"))?;
                c.query_scalar("SELECT kind FROM accounts WHERE id = ?", &[id.into()])?
            };
            if found.as_deref() != Some(kind) {
                return Err(StoreError::invalid(
                    field,
                    "kind",
                    format!("must name an account of kind {kind}"),
                ));
            }
        }
    }
    if let (true, Some(id)) = (changed(|x| x.product_id), l.product_id) {
        products::check_exists(c, id, "product_id")?;
    }
    if changed(|x| x.owner_id) && l.owner_id.is_some() {
        scope::may_assign_owner(actor, l.owner_id)?;
        accounts::check_owner(c, l.owner_id)?;
    }
    Ok(())
}

/// Seed 004's convert: a won lead without an account gets the account whose company key
/// matches its organisation (or contact), created if there is none, and is linked to it.
pub(super) fn convert(c: &mut dyn Conn, ctx: &Ctx, l: &mut Lead) -> Result<(), StoreError> {
    if l.status != LeadStatus::Won || l.account_id.is_some() {
        return Ok(());
    }
    let Some(name) = l.organization.clone().or_else(|| l.contact_name.clone()) else {
        return Err(StoreError::invalid(
            "organization",
            "depends",
            "a lead won without an account needs an organization (or contact_name) to create its account from",
        ));
    };
    // The account's own reader refuses such a name; this path builds its changes
    // directly, so it says so itself rather than meet the table's check.
    if rapport_domain::normalize::company_key(&name).is_empty() {
        let field = if l.organization.is_some() {
            "organization"
        } else {
            "contact_name"
        };
        return Err(StoreError::invalid(
            field,
            "letters_or_digits",
            "must contain a letter or digit to name the account the won lead converts to",
        ));
    }
    let changes = AccountChanges {
        name: Patch::Set(name),
        email: l.contact_email.clone().map_or(Patch::Absent, Patch::Set),
        phone: l.contact_phone.clone().map_or(Patch::Absent, Patch::Set),
        owner_id: l.owner_id.map_or(Patch::Absent, Patch::Set),
        ..AccountChanges::default()
    };
    let (account, _) = accounts::find_or_create_in(c, ctx, changes).map_err(|e| match e {
        StoreError::Conflict { message, .. } => StoreError::Conflict {
            message: format!("cannot convert the lead: {message}"),
            field: Some("organization".into()),
            existing_id: None,
        },
        other => other,
    })?;
    l.account_id = Some(account.id);
    Ok(())
}
