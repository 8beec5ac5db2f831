//! A quote: one line priced by [`super::pricing::price_line`] — the very function that
//! prices an order's items — and its figures by `rapport_domain::pricing::line_amounts`,
//! so a quote and the order item made from it always agree. Everyone signed in may
//! quote; what is wrong with the request is a 422 naming the field (an unknown or
//! inactive product or duration, a quantity no tier covers, a tiered product without a
//! duration).

use rapport_domain::input::Patch;
use rapport_domain::pricing::line_amounts;
use rapport_domain::quote::{Quote, QuoteRequest};
use rapport_domain::Actor;

use super::pricing::price_line;
use crate::{Store, StoreError};

pub async fn quote(
    store: &Store,
    _actor: &Actor,
    request: QuoteRequest,
) -> Result<Quote, StoreError> {
    let (Patch::Set(product_id), Patch::Set(quantity)) = (request.product_id, request.quantity)
    else {
        // The reader requires both; a request built by hand without them is refused alike.
        return Err(StoreError::invalid(
            "product_id",
            "required",
            "product_id and quantity are required",
        ));
    };
    let duration_id = match request.duration_id {
        Patch::Set(d) => Some(d),
        _ => None,
    };
    store
        .db
        .read(move |c| {
            let line = price_line(c, product_id, quantity, duration_id, "")?;
            let amounts = line_amounts(
                line.unit_price,
                quantity,
                line.periods,
                line.discount_percentage,
                &line.currency,
            );
            Ok(Quote::new(
                product_id,
                duration_id,
                quantity,
                line.period,
                line.periods,
                line.unit_price,
                line.currency,
                line.discount_percentage,
                amounts,
            ))
        })
        .await
}
