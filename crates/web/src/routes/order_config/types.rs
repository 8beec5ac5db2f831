//! Order types: `/api/v1/order-types` (seed 003).

use rapport_domain::order_config::{OrderType, OrderTypeChanges, OrderTypeCreate, OrderTypePatch};

use crate::etag::Versioned;

impl Versioned for OrderType {
    fn version(&self) -> i64 {
        self.version
    }
}

crud_routes! {
    store: rapport_store::orders::types,
    record: OrderType,
    changes: OrderTypeChanges,
    create: OrderTypeCreate,
    patch: OrderTypePatch,
    page: OrderTypePage,
    tag: "order configuration",
    export: rapport_store::policy::Resource::OrderTypes,
    collection: "/api/v1/order-types",
    item: "/api/v1/order-types/{id}",
    what: "No such order type",
    conflict: "The key or the name is taken (named, with the holder's id)",
    forbidden: "Only administrators change order configuration",
    delete_who: "Only administrators change order configuration",
    delete_conflict: "Orders are of this type (rule state, naming id)",
    /// Creates an order type (admins). Its `data_schema` must compile as a JSON Schema
    /// (422 rule `json_schema` otherwise).
    create create_order_type,
    /// Lists order types, by name. Filters: `active`, `key`, `created_after`/`_before`.
    list list_order_types,
    get get_order_type,
    /// Changes an order type (admins). Orders keep the data they have; the schema applies
    /// to orders created or changed after.
    update update_order_type,
    /// Deletes an order type no order is of (admins); one in use answers 409: deactivate
    /// it.
    delete delete_order_type,
}
