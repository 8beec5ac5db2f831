//! The columns of each export: the fields of the list's JSON item, in the order the
//! item declares them, with nested objects spread into `parent.child` columns. Cells
//! are read from the item as the JSON list would serialise it, so an export says what
//! the API says (money stays an exact decimal string, times stay RFC 3339).

use rapport_store::kernel::csv;
use rapport_store::policy::Resource;
use serde::Serialize;
use serde_json::Value;

// Addresses are spread into one column per part, so a spreadsheet can sort and filter
// by city or country.
const ACCOUNTS: &[&str] = &[
    "id",
    "kind",
    "name",
    "legal_name",
    "company_key",
    "registration_number",
    "customer_type",
    "email",
    "phone",
    "website",
    "billing_address.street",
    "billing_address.street2",
    "billing_address.city",
    "billing_address.region",
    "billing_address.postal_code",
    "billing_address.country",
    "service_address.street",
    "service_address.street2",
    "service_address.city",
    "service_address.region",
    "service_address.postal_code",
    "service_address.country",
    "tags",
    "notes",
    "owner_id",
    "legacy_id",
    "metadata",
    "created_by",
    "updated_by",
    "created_at",
    "updated_at",
    "archived_at",
    "merged_into_id",
    "version",
];

const CONTACTS: &[&str] = &[
    "id",
    "kind",
    "first_name",
    "middle_name",
    "last_name",
    "full_name",
    "email",
    "phone",
    "title",
    "date_of_birth",
    "gender",
    "address.street",
    "address.street2",
    "address.city",
    "address.region",
    "address.postal_code",
    "address.country",
    "active",
    "legacy_id",
    "metadata",
    "created_by",
    "updated_by",
    "created_at",
    "updated_at",
    "version",
];

const LEADS: &[&str] = &[
    "id",
    "title",
    "account_id",
    "organization",
    "contact_name",
    "contact_email",
    "contact_phone",
    "product_id",
    "value",
    "currency",
    "status",
    "probability",
    "expected_close_date",
    "acquisition_source",
    "owner_id",
    "partner_id",
    "distributor_id",
    "lost_reason",
    "closed_at",
    "archived_at",
    "legacy_id",
    "provider_name",
    "provider_id",
    "provider_metadata",
    "last_sync_at",
    "sync_status",
    "sync_error",
    "created_by",
    "updated_by",
    "created_at",
    "updated_at",
    "version",
];

const DISTRIBUTIONS: &[&str] = &[
    "id",
    "ship_date",
    "order_number",
    "sku",
    "product_id",
    "lot_number",
    "quantity",
    "customer_id",
    "customer_name",
    "rep_id",
    "source",
    "notes",
    "legacy_id",
    "created_by",
    "updated_by",
    "created_at",
    "updated_at",
    "version",
];

/// The columns of a resource's export, in order.
pub fn of(resource: Resource) -> &'static [&'static str] {
    match resource {
        Resource::Accounts => ACCOUNTS,
        Resource::Contacts => CONTACTS,
        Resource::Leads => LEADS,
        Resource::Distributions => DISTRIBUTIONS,
    }
}

/// Appends the header record.
pub fn push_header(out: &mut String, columns: &[&str]) {
    csv::push_record(out, columns.iter().copied());
}

/// Appends one item as a record of `columns`.
pub fn push_item<T: Serialize>(
    out: &mut String,
    columns: &[&str],
    item: &T,
) -> Result<(), serde_json::Error> {
    let json = serde_json::to_value(item)?;
    let cells: Vec<String> = columns
        .iter()
        .map(|path| text(path.split('.').try_fold(&json, |v, key| v.get(key))))
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
    fn columns_are_unique() {
        for r in [
            Resource::Accounts,
            Resource::Contacts,
            Resource::Leads,
            Resource::Distributions,
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
