//! Durations: `/api/v1/durations` (seed 004): how long a subscription runs and its
//! discount.

use rapport_domain::duration::{
    DurationChanges, DurationCreate, DurationPatch, SubscriptionDuration,
};

crud_routes! {
    store: rapport_store::catalog::durations,
    record: SubscriptionDuration,
    changes: DurationChanges,
    create: DurationCreate,
    patch: DurationPatch,
    page: DurationPage,
    tag: "products",
    export: rapport_store::policy::Resource::Durations,
    collection: "/api/v1/durations",
    item: "/api/v1/durations/{id}",
    what: "No such duration",
    conflict: "Another duration has these months",
    forbidden: "The role may not manage the catalogue",
    delete_who: "Admins only",
    /// Creates a duration (admins and managers).
    create create_duration,
    /// Lists durations, by months. Filters: `active`, `months` (and
    /// `months_after`/`_before`), `created_after`/`_before`.
    list list_durations,
    get get_duration,
    /// Changes a duration; orders already priced keep their figures.
    update update_duration,
    /// Deletes a duration (admins); order items that named it keep their
    /// `duration_months`.
    delete delete_duration,
}
