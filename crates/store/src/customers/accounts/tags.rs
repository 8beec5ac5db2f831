//! Account tags: set on one account, counted across the visible accounts, renamed everywhere.

use super::*;

pub(super) fn write_tags(conn: &mut dyn Conn, id: Uuid, tags: &[String]) -> Result<(), StoreError> {
    conn.execute(
        "DELETE FROM account_tags WHERE account_id = ?",
        &[id.into()],
    )?;
    for tag in tags {
        conn.execute(
            "INSERT INTO account_tags (account_id, tag) VALUES (?, ?)",
            &[id.into(), tag.clone().into()],
        )?;
    }
    Ok(())
}

/// Adds and removes tags on one account (a tag already there, or not there, is fine).
pub async fn change_tags(
    store: &Store,
    ctx: &Ctx,
    id: Uuid,
    add: Vec<String>,
    remove: Vec<String>,
) -> Result<Account, StoreError> {
    let ctx = ctx.clone();
    store
        .db
        .write(move |c| {
            update_in(c, &ctx, id, IfMatch::Any, |current| {
                let mut tags: Vec<String> = current
                    .tags
                    .iter()
                    .filter(|t| !remove.contains(t))
                    .cloned()
                    .collect();
                for t in add {
                    if !tags.contains(&t) {
                        tags.push(t);
                    }
                }
                if tags.len() > MAX_TAGS {
                    return Err(StoreError::invalid(
                        "tags",
                        "max_items",
                        format!("an account has at most {MAX_TAGS} tags"),
                    ));
                }
                Ok(AccountChanges {
                    tags: Patch::Set(tags),
                    ..Default::default()
                })
            })
        })
        .await
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
pub struct TagCount {
    pub tag: String,
    pub count: i64,
}

/// Tags in use on the accounts the actor can see (archived ones excluded), most used
/// first.
pub async fn tag_counts(store: &Store, actor: &Actor) -> Result<Vec<TagCount>, StoreError> {
    let actor = actor.clone();
    store
        .db
        .read(move |c| {
            let mut q = SqlBuf::new(
                "SELECT t.tag AS tag, COUNT(*) AS n FROM account_tags t JOIN accounts ON accounts.id = t.account_id \
                 WHERE accounts.archived_at IS NULL AND (",
            );
            q.append(scope::accounts_visible(&actor)).push(") GROUP BY t.tag ORDER BY n DESC, t.tag ASC");
            c.query(&q.sql, &q.params)?
                .iter()
                .map(|r| Ok(TagCount { tag: r.get("tag")?, count: r.get("n")? }))
                .collect()
        })
        .await
}

/// Renames a tag on every account the actor may change; an account that already has the
/// new tag keeps one. Each changed account gets a new version and an audit row, all in
/// one transaction. Returns how many accounts changed.
pub async fn rename_tag(
    store: &Store,
    ctx: &Ctx,
    from: String,
    to: String,
) -> Result<usize, StoreError> {
    scope::require_account_action(&ctx.actor, Action::Update)?;
    let ctx = ctx.clone();
    store
        .db
        .write(move |c| {
            let mut q = SqlBuf::new(
                "SELECT accounts.id AS id FROM accounts JOIN account_tags t ON t.account_id = accounts.id \
                 WHERE t.tag = ",
            );
            q.bind(from.clone()).push(" AND (").append(scope::accounts_visible(&ctx.actor)).push(")");
            let ids: Vec<Uuid> = c.query(&q.sql, &q.params)?.iter().map(|r| r.get("id")).collect::<Result<_, _>>()?;
            for id in &ids {
                update_in(c, &ctx, *id, IfMatch::Any, |current| {
                    let mut tags: Vec<String> = Vec::with_capacity(current.tags.len());
                    for t in &current.tags {
                        let t = if *t == from { to.clone() } else { t.clone() };
                        if !tags.contains(&t) {
                            tags.push(t);
                        }
                    }
                    Ok(AccountChanges {
                        tags: Patch::Set(tags),
                        ..Default::default()
                    })
                })?;
            }
            Ok(ids.len())
        })
        .await
}
