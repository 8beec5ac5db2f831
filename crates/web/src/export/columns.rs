//! The columns of each export: the fields of the list's JSON item, in the order the
//! item declares them, with nested objects spread into `parent.child` columns. Cells
//! are read from the item as the JSON list would serialise it, so an export says what
//! the API says (money stays an exact decimal string, times stay RFC 3339).

use std::sync::OnceLock;

use rapport_domain::account::Account;
use rapport_domain::contact::Contact;
use rapport_domain::contract::Contract;
use rapport_domain::distribution::Distribution;
use rapport_domain::duration::SubscriptionDuration;
use rapport_domain::instruction::Instruction;
use rapport_domain::lead::Lead;
use rapport_domain::message::{Message, MessageType};
use rapport_domain::order::Order;
use rapport_domain::order_config::{OrderState, OrderType};
use rapport_domain::project::{Project, Task};
use rapport_store::kernel::csv;
use rapport_store::policy::Resource;
use serde::Serialize;
use serde_json::Value;
use utoipa::openapi::{RefOr, Schema};
use utoipa::ToSchema;

/// The columns of a resource's export, in order: the properties of the list item's
/// schema — which is generated from the same domain type the JSON list serialises —
/// with structured ones (addresses) spread into one column per part, so a spreadsheet
/// can sort and filter by city or country. A field added to the type is exported too.
pub fn of(resource: Resource) -> &'static [String] {
    static ACCOUNTS: OnceLock<Vec<String>> = OnceLock::new();
    static CONTACTS: OnceLock<Vec<String>> = OnceLock::new();
    static LEADS: OnceLock<Vec<String>> = OnceLock::new();
    static DISTRIBUTIONS: OnceLock<Vec<String>> = OnceLock::new();
    static CONTRACTS: OnceLock<Vec<String>> = OnceLock::new();
    static ORDERS: OnceLock<Vec<String>> = OnceLock::new();
    static PROJECTS: OnceLock<Vec<String>> = OnceLock::new();
    static TASKS: OnceLock<Vec<String>> = OnceLock::new();
    static MESSAGES: OnceLock<Vec<String>> = OnceLock::new();
    static INSTRUCTIONS: OnceLock<Vec<String>> = OnceLock::new();
    static MESSAGE_TYPES: OnceLock<Vec<String>> = OnceLock::new();
    static DURATIONS: OnceLock<Vec<String>> = OnceLock::new();
    static ORDER_TYPES: OnceLock<Vec<String>> = OnceLock::new();
    static ORDER_STATES: OnceLock<Vec<String>> = OnceLock::new();
    match resource {
        Resource::Accounts => ACCOUNTS.get_or_init(of_schema::<Account>),
        Resource::Contacts => CONTACTS.get_or_init(of_schema::<Contact>),
        Resource::Leads => LEADS.get_or_init(of_schema::<Lead>),
        Resource::Distributions => DISTRIBUTIONS.get_or_init(of_schema::<Distribution>),
        Resource::Contracts => CONTRACTS.get_or_init(of_schema::<Contract>),
        // One row per order: its lines and people are lists of records, read in JSON.
        Resource::Orders => ORDERS.get_or_init(|| {
            let mut columns = of_schema::<Order>();
            columns.retain(|c| c != "items" && c != "people");
            columns
        }),
        Resource::Projects => PROJECTS.get_or_init(of_schema::<Project>),
        Resource::Tasks => TASKS.get_or_init(of_schema::<Task>),
        // One row per message: its recipients are a list, read in JSON.
        Resource::Messages => MESSAGES.get_or_init(|| {
            let mut columns = of_schema::<Message>();
            columns.retain(|c| c != "recipients");
            columns
        }),
        Resource::Instructions => INSTRUCTIONS.get_or_init(of_schema::<Instruction>),
        Resource::MessageTypes => MESSAGE_TYPES.get_or_init(of_schema::<MessageType>),
        Resource::Durations => DURATIONS.get_or_init(of_schema::<SubscriptionDuration>),
        Resource::OrderTypes => ORDER_TYPES.get_or_init(of_schema::<OrderType>),
        Resource::OrderStates => ORDER_STATES.get_or_init(of_schema::<OrderState>),
    }
}

fn of_schema<T: ToSchema>() -> Vec<String> {
    let mut components = Vec::new();
    T::schemas(&mut components);
    let mut columns = Vec::new();
    for (name, property) in properties(&T::schema()) {
        // Only objects spread; a referenced enum (a kind, a status) is one column.
        let parts = referenced(property)
            .and_then(|r| component(&components, r))
            .map(properties)
            .unwrap_or_default();
        if parts.is_empty() {
            columns.push(name.to_owned());
        } else {
            columns.extend(parts.iter().map(|(part, _)| format!("{name}.{part}")));
        }
    }
    columns
}

/// An object schema's properties in declaration order (none for anything else).
fn properties(schema: &RefOr<Schema>) -> Vec<(&str, &RefOr<Schema>)> {
    match schema {
        RefOr::T(Schema::Object(object)) => object
            .properties
            .iter()
            .map(|(name, property)| (name.as_str(), property))
            .collect(),
        _ => Vec::new(),
    }
}

/// The component a property refers to, directly or as the non-null branch of an
/// optional one (`oneOf: [null, $ref]`).
fn referenced(property: &RefOr<Schema>) -> Option<&str> {
    match property {
        RefOr::Ref(r) => Some(r.ref_location.as_str()),
        RefOr::T(Schema::OneOf(one)) => one.items.iter().find_map(referenced),
        RefOr::T(Schema::AllOf(all)) => all.items.iter().find_map(referenced),
        _ => None,
    }
}

fn component<'a>(
    components: &'a [(String, RefOr<Schema>)],
    location: &str,
) -> Option<&'a RefOr<Schema>> {
    let name = location.rsplit('/').next()?;
    components
        .iter()
        .find(|(n, _)| n == name)
        .map(|(_, schema)| schema)
}

/// Appends the header record.
pub fn push_header(out: &mut String, columns: &[String]) {
    csv::push_record(out, columns.iter().map(String::as_str));
}

/// Appends one item as a record of `columns`.
pub fn push_item<T: Serialize>(
    out: &mut String,
    columns: &[impl AsRef<str>],
    item: &T,
) -> Result<(), serde_json::Error> {
    let json = serde_json::to_value(item)?;
    let cells: Vec<String> = columns
        .iter()
        .map(|path| {
            let path = path.as_ref();
            text(path.split('.').try_fold(&json, |v, key| v.get(key)))
        })
        .collect();
    csv::push_record(out, cells.iter().map(String::as_str));
    Ok(())
}

/// A JSON value as one cell: null and absent are empty; lists (tags) are `;`-joined;
/// objects (metadata) are compact JSON.
fn text(v: Option<&Value>) -> String {
    match v {
        None | Some(Value::Null) => String::new(),
        Some(Value::String(s)) => s.clone(),
        Some(Value::Array(items)) => items
            .iter()
            .map(|i| text(Some(i)))
            .collect::<Vec<_>>()
            .join(";"),
        Some(other) => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn nested_lists_and_objects_read_sensibly() {
        let item = json!({
            "id": "x",
            "tags": ["vip", "north"],
            "billing_address": {"city": "Lille, FR"},
            "service_address": null,
            "metadata": {"a": 1},
            "value": "1234.50",
        });
        let mut out = String::new();
        let cols = [
            "id",
            "tags",
            "billing_address.city",
            "service_address.city",
            "metadata",
            "value",
        ];
        push_item(&mut out, &cols, &item).unwrap();
        assert_eq!(
            out,
            "x,vip;north,\"Lille, FR\",,\"{\"\"a\"\":1}\",1234.50\r\n"
        );
    }

    #[test]
    fn columns_follow_the_types_with_addresses_spread() {
        let leads = of(Resource::Leads);
        assert_eq!(leads.first().map(String::as_str), Some("id"));
        for expected in [
            "title",
            "value",
            "currency",
            "acquisition_source",
            "version",
        ] {
            assert!(leads.iter().any(|c| c == expected), "{expected}: {leads:?}");
        }
        let accounts = of(Resource::Accounts);
        let city = accounts.iter().position(|c| c == "billing_address.city");
        let street = accounts.iter().position(|c| c == "billing_address.street");
        assert!(street.is_some() && city > street, "{accounts:?}");
        assert!(
            !accounts.iter().any(|c| c == "billing_address"),
            "{accounts:?}"
        );
        assert!(accounts.iter().any(|c| c == "kind"), "{accounts:?}");
        let contacts = of(Resource::Contacts);
        assert!(
            contacts.iter().any(|c| c == "address.postal_code"),
            "{contacts:?}"
        );
        assert!(of(Resource::Distributions)
            .iter()
            .any(|c| c == "lot_number"));
    }

    #[test]
    fn columns_are_unique() {
        for r in [
            Resource::Accounts,
            Resource::Contacts,
            Resource::Leads,
            Resource::Distributions,
            Resource::Contracts,
        ] {
            let cols = of(r);
            let mut sorted = cols.to_vec();
            sorted.sort_unstable();
            sorted.dedup();
            assert_eq!(sorted.len(), cols.len(), "{r:?}");
            assert!(cols.iter().all(|c| !c.is_empty()), "{r:?}");
        }
    }
}
