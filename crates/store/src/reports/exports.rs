//! Exports: a whole list taken out at once (as CSV). The rows come from each resource's
//! own scoped list, page after page; what lives here is which lists can be exported and
//! the audit row that tells admins who took what out. Who may export is decided in
//! [`crate::policy::may_export`].

use rapport_domain::Ctx;
use serde_json::{json, Map, Value};

use crate::kernel::audit::{self, AuditAction};
use crate::policy::Resource;
use crate::{Store, StoreError};

/// What the caller asked the export for, as the audit row keeps it.
#[derive(Debug, Clone, Default)]
pub struct Request {
    pub format: &'static str,
    /// Every filter as given, repeats kept, in order.
    pub filters: Vec<(String, String)>,
    pub q: Option<String>,
    pub sort: Option<String>,
}

/// Records an export: action `export`, the list's entity type, no entity id, and in
/// `after` the list, the format, the filters, `q`, `sort` and the number of rows.
pub async fn record(
    store: &Store,
    ctx: &Ctx,
    resource: Resource,
    request: Request,
    rows: i64,
) -> Result<(), StoreError> {
    let ctx = ctx.clone();
    let details = details(resource, &request, rows);
    store
        .db
        .write(move |c| {
            audit::record_about_many(
                c,
                &ctx,
                AuditAction::Export,
                resource.entity_type(),
                details,
            )
        })
        .await
}

fn details(resource: Resource, request: &Request, rows: i64) -> Value {
    let mut filters: Map<String, Value> = Map::new();
    for (name, value) in &request.filters {
        let values = filters
            .entry(name.clone())
            .or_insert_with(|| Value::Array(Vec::new()));
        if let Value::Array(list) = values {
            list.push(Value::String(value.clone()));
        }
    }
    json!({
        "resource": resource.as_str(),
        "format": request.format,
        "filters": filters,
        "q": request.q,
        "sort": request.sort,
        "rows": rows,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn details_keep_repeated_filters() {
        let request = Request {
            format: "csv",
            filters: vec![
                ("tag".into(), "vip".into()),
                ("owner_id".into(), "me".into()),
                ("tag".into(), "north".into()),
            ],
            q: Some("acme".into()),
            sort: None,
        };
        assert_eq!(
            details(Resource::Accounts, &request, 3),
            json!({
                "resource": "accounts",
                "format": "csv",
                "filters": {"tag": ["vip", "north"], "owner_id": ["me"]},
                "q": "acme",
                "sort": null,
                "rows": 3,
            })
        );
    }
}
