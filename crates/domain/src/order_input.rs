//! How a body names an order's lines and people, and its percentages: the readers of
//! `items`, `people`, `tax_rate` and `discount_percentage`, each with the schema of what
//! it takes, errors named `items[i].field` and `people[i].field`.

use rust_decimal::Decimal;
use serde_json::Value;
use utoipa::openapi::schema::{ObjectBuilder, Schema, Type};

use crate::changes::schema::{self, array_of, closed_object, int, text};
use crate::changes::{Kind, Mode};
use crate::input::{ObjectReader, Patch};
use crate::order_item::{ItemInput, OrderPerson, MAX_ITEMS, MAX_PEOPLE, MAX_QUANTITY};
use crate::validation::FieldError;

fn role_ok(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 50
        && s.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'_')
}

/// Reads the elements of an array field one by one, each an object read by `read`
/// with its errors named `name[i].field`.
fn read_array<T>(
    r: &mut ObjectReader,
    name: &str,
    max: usize,
    mut read: impl FnMut(&mut ObjectReader) -> Option<T>,
) -> Patch<Vec<T>> {
    let items = match r.raw(name) {
        None => return Patch::Absent,
        Some(Value::Null) => return Patch::Null,
        Some(Value::Array(items)) => items,
        Some(_) => {
            r.error(name, "type", "must be an array of objects");
            return Patch::Absent;
        }
    };
    if items.len() > max {
        r.error(name, "max_items", format!("must have at most {max} items"));
        return Patch::Absent;
    }
    let before = r.errors.len();
    let mut out = Vec::with_capacity(items.len());
    for (i, item) in items.into_iter().enumerate() {
        let at = format!("{name}[{i}]");
        let mut inner = match ObjectReader::new(item) {
            Ok(inner) => inner,
            Err(_) => {
                r.error(&at, "type", "must be an object");
                continue;
            }
        };
        let value = read(&mut inner);
        if let Err(e) = inner.finish() {
            for FieldError {
                field,
                rule,
                message,
                ..
            } in e.0
            {
                r.errors
                    .push(FieldError::new(format!("{at}.{field}"), &rule, message));
            }
        } else if let Some(v) = value {
            out.push(v);
        }
    }
    if r.errors.len() > before {
        return Patch::Absent;
    }
    Patch::Set(out)
}

/// A decimal string within 0–100 with at most `dp` decimal places (a tax rate, a
/// discount).
pub fn read_percent(r: &mut ObjectReader, name: &str, dp: u32) -> Patch<Decimal> {
    match r.patch_money(name) {
        Patch::Set(d) if d > Decimal::from(100) => {
            r.error(name, "maximum", "must be at most 100");
            Patch::Absent
        }
        Patch::Set(d) if d.normalize().scale() > dp => {
            r.error(
                name,
                "decimal",
                format!("must have at most {dp} decimal places"),
            );
            Patch::Absent
        }
        other => other,
    }
}

/// The schema of [`read_percent`]: `0`–`100` as a decimal string.
pub fn percent_schema(dp: u32) -> ObjectBuilder {
    let places = format!("(?:\\.[0-9]{{1,{dp}}})?");
    ObjectBuilder::new()
        .schema_type(Type::String)
        .pattern(Some(schema::trimmed(&format!(
            "(?:100(?:\\.0{{1,{dp}}})?|[0-9]{{1,2}}{places})"
        ))))
        .examples(["20"])
}

/// A percentage of 0–100 with at most the given decimal places, as a decimal string.
pub struct Percent(u32);

impl Percent {
    pub const fn new(dp: u32) -> Self {
        Self(dp)
    }
}

impl Kind for Percent {
    type Value = Patch<Decimal>;

    fn read(&self, r: &mut ObjectReader, name: &str, _: Mode) -> Patch<Decimal> {
        read_percent(r, name, self.0)
    }

    fn schema(&self) -> Schema {
        percent_schema(self.0).build().into()
    }
}

/// The people of an order: `[{role, contact_id}]`, repeats dropped.
#[derive(Default)]
pub struct People;

impl People {
    pub const fn new() -> Self {
        Self
    }
}

impl Kind for People {
    type Value = Patch<Vec<OrderPerson>>;

    fn read(&self, r: &mut ObjectReader, name: &str, _: Mode) -> Self::Value {
        let read = read_array(r, name, MAX_PEOPLE, |p| {
            let role = p.required_string("role", 50);
            if role.as_deref().is_some_and(|s| !role_ok(s)) {
                p.error(
                    "role",
                    "pattern",
                    "must be lower-case letters, digits, - and _",
                );
            }
            let contact_id = match p.patch_uuid("contact_id") {
                Patch::Set(id) => Some(id),
                Patch::Null | Patch::Absent => {
                    if !p.errors.iter().any(|e| e.field == "contact_id") {
                        p.error("contact_id", "required", "is required");
                    }
                    None
                }
            };
            Some(OrderPerson {
                role: role?,
                contact_id: contact_id?,
            })
        });
        match read {
            Patch::Set(mut people) => {
                let mut seen = std::collections::HashSet::new();
                people.retain(|p| seen.insert(p.clone()));
                Patch::Set(people)
            }
            other => other,
        }
    }

    fn schema(&self) -> Schema {
        let person = closed_object()
            .property(
                "role",
                text(50).pattern(Some(schema::trimmed("[a-z0-9_-]{1,50}"))),
            )
            .required("role")
            .property(
                "contact_id",
                schema::formatted(utoipa::openapi::KnownFormat::Uuid),
            )
            .required("contact_id")
            .build();
        array_of(person, MAX_PEOPLE)
    }
}

/// Reads one line of a body (`items[i]`).
pub fn read_item(p: &mut ObjectReader) -> Option<ItemInput> {
    let product_id = match p.patch_uuid("product_id") {
        Patch::Set(id) => Some(id),
        _ => {
            if !p.errors.iter().any(|e| e.field == "product_id") {
                p.error("product_id", "required", "is required");
            }
            None
        }
    };
    let quantity = match p.patch_int("quantity", 1, MAX_QUANTITY) {
        Patch::Set(q) => Some(q),
        _ => {
            if !p.errors.iter().any(|e| e.field == "quantity") {
                p.error("quantity", "required", "is required");
            }
            None
        }
    };
    let duration_id = p.patch_uuid("duration_id");
    let unit_price = p.patch_money("unit_price");
    let discount = read_percent(p, "discount_percentage", 2);
    Some(ItemInput {
        product_id: product_id?,
        quantity: quantity?,
        duration_id: duration_id.apply(None),
        unit_price: unit_price.apply(None),
        discount_percentage: discount.apply(None),
    })
}

/// The schema of one line as [`read_item`] takes it.
pub fn item_schema() -> utoipa::openapi::schema::Object {
    let uuid = || schema::formatted(utoipa::openapi::KnownFormat::Uuid);
    let money = crate::changes::kinds::Money::new().schema();
    let nullable = |s: Schema| schema::or_null(s);
    closed_object()
        .property("product_id", uuid())
        .required("product_id")
        .property("quantity", int(1, MAX_QUANTITY))
        .required("quantity")
        .property("duration_id", nullable(uuid().build().into()))
        .property(
            "unit_price",
            nullable(described(
                money,
                "A unit price set by hand (admins, restricted admins and managers only)",
            )),
        )
        .property(
            "discount_percentage",
            nullable(
                percent_schema(2)
                    .description(Some(
                        "0–100, instead of the duration's discount (the same roles only)",
                    ))
                    .build()
                    .into(),
            ),
        )
        .build()
}

fn described(s: Schema, d: &str) -> Schema {
    match s {
        Schema::Object(mut o) => {
            o.description = Some(d.to_owned());
            Schema::Object(o)
        }
        other => other,
    }
}

/// The lines of a create body: priced by the store; a patch changes them through
/// `PUT /orders/{id}/items` instead.
#[derive(Default)]
pub struct Items;

impl Items {
    pub const fn new() -> Self {
        Self
    }
}

impl Kind for Items {
    type Value = Patch<Vec<ItemInput>>;

    fn read(&self, r: &mut ObjectReader, name: &str, mode: Mode) -> Self::Value {
        let read = read_array(r, name, MAX_ITEMS, read_item);
        if mode.create && read == Patch::Null {
            r.error(name, "type", "must be an array of lines");
            return Patch::Absent;
        }
        if !mode.create && !read.is_absent() {
            r.error(
                name,
                "items_endpoint",
                "change an order's items with PUT /api/v1/orders/{id}/items",
            );
            return Patch::Absent;
        }
        read
    }

    fn schema(&self) -> Schema {
        array_of(item_schema(), MAX_ITEMS)
    }

    fn accepts_null(&self) -> bool {
        false
    }

    fn in_patch(&self) -> bool {
        false
    }
}

/// `PUT /orders/{id}/items`: `{"items": [...]}`, every line of the order.
pub fn read_items_body(body: Value) -> Result<Vec<ItemInput>, crate::Invalid> {
    let mut r = ObjectReader::new(body)?;
    let items = read_array(&mut r, "items", MAX_ITEMS, read_item);
    let items = match items {
        Patch::Set(items) => Some(items),
        Patch::Null | Patch::Absent => {
            if !r.errors.iter().any(|e| e.field.starts_with("items")) {
                r.error(
                    "items",
                    "required",
                    "is required (an empty list removes every line)",
                );
            }
            None
        }
    };
    r.finish()?;
    Ok(items.unwrap_or_default())
}

/// The schema of [`read_items_body`].
pub fn items_body_schema() -> Schema {
    closed_object()
        .property("items", array_of(item_schema(), MAX_ITEMS))
        .required("items")
        .build()
        .into()
}

/// The body of `PUT /orders/{id}/items` in the OpenAPI document, from the same
/// reading as [`read_items_body`].
pub struct OrderItemsReplace;

impl utoipa::PartialSchema for OrderItemsReplace {
    fn schema() -> utoipa::openapi::RefOr<Schema> {
        utoipa::openapi::RefOr::T(items_body_schema())
    }
}

impl utoipa::ToSchema for OrderItemsReplace {
    fn name() -> std::borrow::Cow<'static, str> {
        std::borrow::Cow::Borrowed("OrderItemsReplace")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn lines_and_people_name_each_bad_field() {
        let body = json!({"items": [
            {"product_id": "x", "quantity": 0},
            {"product_id": "0190f0f0-0000-7000-8000-000000000001", "quantity": 2, "discount_percentage": "100.5", "extra": 1},
        ]});
        let e = read_items_body(body).unwrap_err();
        let got: Vec<(&str, &str)> =
            e.0.iter()
                .map(|e| (e.field.as_str(), e.rule.as_str()))
                .collect();
        assert_eq!(
            got,
            vec![
                ("items[0].product_id", "uuid"),
                ("items[0].quantity", "range"),
                ("items[1].discount_percentage", "maximum"),
                ("items[1].extra", "unknown_field"),
            ]
        );
        let ok = read_items_body(json!({"items": [{"product_id": "0190f0f0-0000-7000-8000-000000000001", "quantity": 3, "unit_price": "9.5"}]})).unwrap();
        assert_eq!(ok[0].quantity, 3);
        assert_eq!(ok[0].unit_price, Some(Decimal::new(95, 1)));
        let mut r = ObjectReader::new(json!({"people": [{"role": "Doctor", "contact_id": "0190f0f0-0000-7000-8000-000000000001"}, {"role": "patient"}]})).unwrap();
        let p = People.read(
            &mut r,
            "people",
            Mode {
                create: true,
                required: false,
            },
        );
        assert!(p.is_absent());
        let fields: Vec<String> = r.errors.iter().map(|e| e.field.clone()).collect();
        assert_eq!(fields, vec!["people[0].role", "people[1].contact_id"]);
    }

    #[test]
    fn percentages_have_bounds_and_places() {
        let mut r = ObjectReader::new(json!({"a": "20.12345", "b": "101", "c": "19.6"})).unwrap();
        assert!(read_percent(&mut r, "a", 4).is_absent());
        assert!(read_percent(&mut r, "b", 4).is_absent());
        assert_eq!(
            read_percent(&mut r, "c", 4),
            Patch::Set(Decimal::new(196, 1))
        );
        let rules: Vec<&str> = r.errors.iter().map(|e| e.rule.as_str()).collect();
        assert_eq!(rules, vec!["decimal", "maximum"]);
    }
}
