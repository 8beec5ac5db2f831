//! The order scenario (issue #18): `order-create` posts an order of five priced lines —
//! three on monthly price ladders with 12- or 24-month durations, two at a list price —
//! for a random seeded account. Its catalogue is made (unmeasured) before the run, as
//! its own products, so it runs on any database the token may administer.

use std::sync::Arc;

use anyhow::{ensure, Context, Result};
use bytes::Bytes;
use hyper::header::IF_MATCH;
use hyper::{Method, StatusCode};
use serde_json::{json, Value};

use crate::client::{json_bytes, Conn};
use crate::scenario::{success, Rng};
use crate::stats::Failure;

const ORDERS: &str = "/api/v1/orders";

/// What every order of a run is made of: the line items (product, duration, quantity),
/// the same in each order, so that each request prices the same work.
pub struct OrderCatalogue {
    items: Value,
}

async fn send_json(
    conn: &mut Conn,
    method: Method,
    path: &str,
    headers: &[(hyper::header::HeaderName, hyper::header::HeaderValue)],
    body: Value,
) -> Result<Value> {
    conn.send(method.clone(), path, headers, Some(json_bytes(&body)))
        .await
        .with_context(|| format!("{method} {path}"))?
        .ensure_success("preparing the order catalogue")?
        .json()
}

/// A product of the run's catalogue: at `list_price`, or on a monthly ladder when none.
async fn product(conn: &mut Conn, run: &str, n: usize, list_price: Option<&str>) -> Result<String> {
    let mut body = json!({"name": format!("Bench product {run} {n}"), "sku": format!("B{run}-{n}"),
                          "type": "service", "unit": "user"});
    if let (Some(price), Some(obj)) = (list_price, body.as_object_mut()) {
        obj.insert("unit_price".into(), json!(price));
        obj.insert("currency".into(), json!("EUR"));
    }
    let made = send_json(conn, Method::POST, "/api/v1/products", &[], body).await?;
    let id = made["id"]
        .as_str()
        .context("product without id")?
        .to_owned();
    if list_price.is_none() {
        let path = format!("/api/v1/products/{id}");
        let etag = conn
            .send(Method::GET, &path, &[], None)
            .await
            .with_context(|| format!("GET {path}"))?
            .etag()
            .context("product without ETag")?;
        let ladder = json!({"period": "month", "currency": "EUR", "tiers": [
            {"min_quantity": 1, "max_quantity": 9, "price_per_unit": "12.3456"},
            {"min_quantity": 10, "max_quantity": 99, "price_per_unit": "10.50"},
            {"min_quantity": 100, "max_quantity": null, "price_per_unit": "8.9999"}]});
        send_json(
            conn,
            Method::PUT,
            &format!("{path}/tiers"),
            &[(IF_MATCH, etag)],
            ladder,
        )
        .await?;
    }
    Ok(id)
}

/// The duration of `months`: the one that exists (durations are unique by months, and
/// an earlier run may have made it) or a new one.
async fn duration(conn: &mut Conn, months: i64, discount: &str) -> Result<String> {
    let listed = conn
        .send(Method::GET, "/api/v1/durations?limit=500", &[], None)
        .await
        .context("GET /api/v1/durations")?
        .ensure_success("listing durations")?
        .json()?;
    let existing = listed["data"].as_array().and_then(|ds| {
        ds.iter()
            .find(|d| d["months"] == months && d["active"] == true)
            .and_then(|d| d["id"].as_str())
    });
    if let Some(id) = existing {
        return Ok(id.to_owned());
    }
    let body = json!({"months": months, "discount_percentage": discount, "name": format!("{months} months")});
    let made = send_json(conn, Method::POST, "/api/v1/durations", &[], body).await?;
    Ok(made["id"]
        .as_str()
        .context("duration without id")?
        .to_owned())
}

impl OrderCatalogue {
    /// Makes the run's five products (lifting the active-product cap, which the bench
    /// token's administrator may) and finds or makes its two durations.
    pub async fn prepare(conn: &mut Conn, run_id: u64) -> Result<Self> {
        send_json(
            conn,
            Method::PATCH,
            "/api/v1/settings",
            &[],
            json!({"active_product_cap": 0}),
        )
        .await?;
        let run = format!("{run_id:016x}");
        let year = duration(conn, 12, "10").await?;
        let two_years = duration(conn, 24, "15.5").await?;
        let mut items = Vec::new();
        for (n, (price, term, quantity)) in [
            (None, Some(&year), 3),
            (None, Some(&two_years), 25),
            (None, Some(&year), 120),
            (Some("99.99"), None, 2),
            (Some("1499.00"), None, 1),
        ]
        .into_iter()
        .enumerate()
        {
            let id = product(conn, &run, n, price).await?;
            let mut item = json!({"product_id": id, "quantity": quantity});
            if let (Some(term), Some(obj)) = (term, item.as_object_mut()) {
                obj.insert("duration_id".into(), json!(term));
            }
            items.push(item);
        }
        Ok(Self {
            items: Value::Array(items),
        })
    }

    fn body(&self, account: &str) -> Bytes {
        json_bytes(
            &json!({"currency": "EUR", "account_id": account, "tax_rate": "21",
                           "description": "Bench order", "items": self.items}),
        )
    }
}

/// One `order-create` connection: orders for random seeded accounts.
pub struct OrderJob {
    pub catalogue: Arc<OrderCatalogue>,
    pub accounts: Arc<[String]>,
    pub rng: Rng,
}

impl OrderJob {
    pub fn new(catalogue: Arc<OrderCatalogue>, accounts: Arc<[String]>) -> Result<Self> {
        ensure!(
            !accounts.is_empty(),
            "order-create needs seeded accounts (--seed-accounts > 0)"
        );
        Ok(Self {
            catalogue,
            accounts,
            rng: Rng::new(),
        })
    }

    /// One measured request: 201 with five priced lines, or a failure.
    pub async fn step(&mut self, conn: &mut Conn) -> Result<(), Failure> {
        let account = &self.accounts[self.rng.below(self.accounts.len())];
        let body = self.catalogue.body(account);
        let reply = success(conn.send(Method::POST, ORDERS, &[], Some(body)).await)?;
        if reply.status != StatusCode::CREATED {
            return Err(Failure {
                kind: format!("HTTP {} (expected 201 Created)", reply.status),
                detail: reply.body_excerpt(),
            });
        }
        Ok(())
    }
}
