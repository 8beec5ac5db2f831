//! Linking legacy customer names to accounts by company key (seed 000), creating missing accounts, with a dry run.

use super::*;

/// Where linking legacy names got to, for a progress bar.
#[derive(Debug, Clone, Copy)]
pub struct LinkProgress {
    pub done: usize,
    pub total: usize,
}

#[derive(Debug, Clone, Default, serde::Serialize, utoipa::ToSchema)]
pub struct LinkSummary {
    pub dry_run: bool,
    /// Entries given a customer (or that would be).
    pub linked: usize,
    /// Accounts created for names that matched none (or that would be).
    pub created: usize,
    pub skipped: Vec<Skipped>,
    /// One line per company key: which names, which account, how many entries.
    pub accounts: Vec<LinkedAccount>,
}

#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct Skipped {
    pub customer_name: String,
    pub entries: usize,
    pub reason: String,
}

#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct LinkedAccount {
    pub company_key: String,
    pub names: Vec<String>,
    /// The account found or created; none in a dry run that would create it.
    pub account_id: Option<Uuid>,
    pub created: bool,
    pub entries: usize,
}

/// Seed 000's "Option 2": every entry with a `customer_name` and no customer gets the
/// account whose company key equals the name's, created when there is none. One
/// transaction per company key, so an interrupted run keeps what it finished and a rerun
/// takes up the rest; entries already linked are never touched again.
pub async fn link(
    store: &Store,
    ctx: &Ctx,
    dry_run: bool,
    progress: &(dyn Fn(LinkProgress) + Send + Sync),
) -> Result<LinkSummary, StoreError> {
    scope::require_distribution_linker(&ctx.actor)?;
    let names: Vec<(String, i64)> = store
        .db
        .read(|c| {
            c.query(
                "SELECT customer_name, count(*) AS entries FROM distributions \
                 WHERE customer_id IS NULL AND customer_name IS NOT NULL \
                 GROUP BY customer_name ORDER BY customer_name",
                &[],
            )?
            .iter()
            .map(|r| Ok((r.get("customer_name")?, r.get("entries")?)))
            .collect::<Result<Vec<_>, StoreError>>()
        })
        .await?;
    let mut summary = LinkSummary {
        dry_run,
        ..LinkSummary::default()
    };
    let mut by_key: Vec<(String, Vec<(String, i64)>)> = Vec::new();
    let mut index: HashMap<String, usize> = HashMap::new();
    for (name, n) in names {
        let key = rapport_domain::normalize::company_key(&name);
        if key.is_empty() {
            summary.skipped.push(Skipped {
                customer_name: name,
                entries: n as usize,
                reason: "the name has no letters or digits to match an account by".into(),
            });
            continue;
        }
        let slot = *index.entry(key.clone()).or_insert_with(|| {
            by_key.push((key.clone(), Vec::new()));
            by_key.len() - 1
        });
        by_key[slot].1.push((name, n));
    }
    let total = by_key.len();
    progress(LinkProgress { done: 0, total });
    for (done, (key, names)) in by_key.into_iter().enumerate() {
        let ctx = ctx.clone();
        let outcome = store
            .db
            .write(move |c| link_key(c, &ctx, &key, &names, dry_run))
            .await?;
        match outcome {
            Ok(line) => {
                summary.linked += line.entries;
                summary.created += usize::from(line.created);
                summary.accounts.push(line);
            }
            Err(skipped) => summary.skipped.extend(skipped),
        }
        progress(LinkProgress {
            done: done + 1,
            total,
        });
    }
    Ok(summary)
}

pub(super) fn link_key(
    c: &mut dyn Conn,
    ctx: &Ctx,
    key: &str,
    names: &[(String, i64)],
    dry_run: bool,
) -> Result<Result<LinkedAccount, Vec<Skipped>>, StoreError> {
    let existing: Option<Uuid> = c.query_scalar(
        "SELECT id FROM accounts WHERE company_key = ?",
        &[key.into()],
    )?;
    let name_list = || names.iter().map(|(n, _)| n.clone()).collect::<Vec<_>>();
    if dry_run {
        let entries = names.iter().map(|(_, n)| *n as usize).sum();
        return Ok(Ok(LinkedAccount {
            company_key: key.to_owned(),
            names: name_list(),
            account_id: existing,
            created: existing.is_none(),
            entries,
        }));
    }
    sales_figures::lock(c)?;
    // The most frequent spelling names a new account.
    let display = names
        .iter()
        .max_by_key(|(n, count)| (*count, std::cmp::Reverse(n.clone())))
        .map(|(n, _)| n.trim().to_owned())
        .unwrap_or_default();
    let changes = rapport_domain::account::AccountChanges {
        name: Patch::Set(display),
        ..Default::default()
    };
    let (account, created) = match accounts::find_or_create_in(c, ctx, changes) {
        Ok(found) => found,
        Err(e @ (StoreError::Invalid(_) | StoreError::Conflict { .. })) => {
            return Ok(Err(names
                .iter()
                .map(|(n, count)| Skipped {
                    customer_name: n.clone(),
                    entries: *count as usize,
                    reason: format!("no account could be found or created: {e}"),
                })
                .collect()));
        }
        Err(e) => return Err(e),
    };
    let mut linked = 0;
    let mut removed = Vec::new();
    let mut added = Vec::new();
    for (name, _) in names {
        let mut sql = String::from(
            "SELECT * FROM distributions WHERE customer_id IS NULL AND customer_name = ?",
        );
        sql.push_str(&c.row_lock(None));
        for row in c.query(&sql, &[name.clone().into()])? {
            let before = Distribution::from_row(&row)?;
            let mut after = before.clone();
            after.customer_id = Some(account.id);
            after.customer_key = rapport_domain::distribution::customer_key(Some(account.id), None);
            let after = record::touched(&before, &ctx.actor, after);
            removed.push(Facts::of(&before));
            added.push(Facts::of(&after));
            linked += 1;
        }
        let me = Some(ctx.actor.user_id).filter(|u| !u.is_nil());
        c.execute(
            "UPDATE distributions SET customer_id = ?, customer_key = ?, updated_by = ?, \
             updated_at = ?, version = version + 1 WHERE customer_id IS NULL AND customer_name = ?",
            &[
                account.id.into(),
                rapport_domain::distribution::customer_key(Some(account.id), None).into(),
                me.into(),
                rapport_db::now().into(),
                name.clone().into(),
            ],
        )?;
    }
    sales_figures::apply(c, &removed, &added)?;
    audit::record(
        c,
        ctx,
        AuditAction::Link,
        accounts::ENTITY,
        account.id,
        None,
        Some(serde_json::json!({
            "distribution_names": name_list(),
            "entries_linked": linked,
            "account_created": created,
        })),
    )?;
    Ok(Ok(LinkedAccount {
        company_key: key.to_owned(),
        names: name_list(),
        account_id: Some(account.id),
        created,
        entries: linked,
    }))
}
