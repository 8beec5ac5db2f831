//! Lot and SKU traceability: which customers got which lots.

use super::*;

/// Answers to "where did this lot (or SKU) go?": every customer it reached, with
/// totals, and the shipments themselves one page at a time.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct Trace {
    pub lot: Option<String>,
    pub sku: Option<String>,
    pub customers: Vec<TracedCustomer>,
    /// A page of shipments (`data`, `next_cursor`), newest first.
    #[schema(value_type = Object)]
    pub shipments: Page<Distribution>,
}

#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct TracedCustomer {
    pub customer_id: Option<Uuid>,
    /// The account's name when linked, else the entry's legacy name.
    pub customer_name: Option<String>,
    pub shipments: i64,
    pub units: i64,
    pub first_ship_date: NaiveDate,
    pub last_ship_date: NaiveDate,
}

/// The trace of a lot or a SKU (exactly one of them), within what the actor may see.
pub async fn trace(
    store: &Store,
    actor: &Actor,
    lot: Option<String>,
    sku: Option<String>,
    mut params: ListParams,
) -> Result<Trace, StoreError> {
    let (column, value) = match (&lot, &sku) {
        (Some(l), None) if !l.trim().is_empty() => ("lot_number", l.clone()),
        (None, Some(s)) if !s.trim().is_empty() => ("sku", s.clone()),
        _ => {
            return Err(StoreError::bad_request(
                "lot",
                "one_of",
                "give exactly one of lot and sku",
            ))
        }
    };
    let actor = actor.clone();
    let shipments_params = {
        params.filters.push((column.to_owned(), value.clone()));
        params
    };
    let shipments = list(store, &actor, shipments_params).await?;
    let customers = store
        .db
        .read(move |c| {
            let mut q = SqlBuf::new(
                "SELECT distributions.customer_id AS customer_id, \
                 coalesce(max(accounts.name), max(distributions.customer_name)) AS customer_name, \
                 count(*) AS shipments, sum(distributions.quantity) AS units, \
                 min(distributions.ship_date) AS first_ship_date, max(distributions.ship_date) AS last_ship_date \
                 FROM distributions LEFT JOIN accounts ON accounts.id = distributions.customer_id WHERE distributions.",
            );
            q.push(column)
                .push(" = ")
                .bind(value)
                .push(" AND ")
                .append(scope::distributions_visible(&actor))
                .push(
                    " GROUP BY distributions.customer_id, \
                     CASE WHEN distributions.customer_id IS NULL THEN distributions.customer_key END \
                     ORDER BY min(distributions.ship_date), 2",
                );
            c.query(&q.sql, &q.params)?
                .iter()
                .map(|r| {
                    Ok(TracedCustomer {
                        customer_id: r.get("customer_id")?,
                        customer_name: r.get("customer_name")?,
                        shipments: r.get("shipments")?,
                        units: r.get("units")?,
                        first_ship_date: r.get("first_ship_date")?,
                        last_ship_date: r.get("last_ship_date")?,
                    })
                })
                .collect::<Result<Vec<_>, StoreError>>()
        })
        .await?;
    Ok(Trace {
        lot,
        sku,
        customers,
        shipments,
    })
}
