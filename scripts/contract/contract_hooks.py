"""Schemathesis hooks for Rapport's contract run (scripts/contract/run).

Schemathesis's own `positive_data_acceptance` check fails every 400 or 422 answer to
schema-valid data. Most of Rapport's rules are in the OpenAPI document, so a valid
request must pass them; but some rules depend on other fields, on stored records or on
the clock, and no JSON Schema can state them (a reference to a record that does not
exist, an end date before the start date, a key reused for another request). Rapport
names the rule of every refused field in the problem's `errors[].rule`. This check
replaces the stock one: schema-valid data may be refused only when every named rule is
one of those below; any other rule means the document promised more than the server
accepts, and fails the run. docs/api.md lists the same rules.
"""

import uuid

import schemathesis

# Rules that no schema can say: they compare a field with another, with stored data or
# with the clock. Keep in step with docs/api.md ("Rules the document cannot state").
STATEFUL_RULES = {
    "exists",  # an id that names no record the caller can see
    "role",  # a field that only some roles or kinds of record may have
    "one_of",  # give one of several fields (email or username, lot or sku, add or remove)
    "exclusive",  # give one of several fields, not both
    "after_start",  # an end date before its start date
    "active",  # an inactive link marked primary (contact or account)
    "after",  # a period's end before its start
    "span",  # a period longer than the dashboards cover
    "future",  # a time that must be in the future
    "past",  # a date that must not be in the future (a date of birth)
    "window",  # a date at most some days after today
    "not_self",  # a record named as its own merge source, partner, ...
    "different",  # two fields that must differ
    "interaction",  # a field an interaction (a past call, email, ...) cannot have
    "not_allowed",  # a field this kind of user or record may not set
    "idempotency_key_reuse",  # an Idempotency-Key already used for another request
    "cursor",  # a cursor that is not one this list handed out
    "repeated",  # a sort field named twice
    "relevance",  # sort=relevance without q, or beside other fields
    "state",  # the record's state forbids it (archived, closed, ...)
    "depends",  # required because of another field (currency with a value, ...)
    "referenced_kind",  # an id naming a record of the wrong kind (a customer as partner org)
    "in_ids",  # merge: take a field from an account that is not among the merged ones
    "export",  # a parameter an export (format=csv) cannot take: include, cursor
    # Not a relation but a character class JSON Schema's regex dialect cannot name
    # portably (Unicode letters and digits, \\p{L}\\p{N}, is not in ECMA-262 without
    # the `u` flag, nor in Python's `re`).
    "letters_or_digits",
    # The same class counts the words of `q` (at most 8 runs of letters and digits,
    # after accents are folded): no shared regex dialect can count them.
    "max_words",
    # A country written as a name or an alpha-3 code: the names a country goes by are
    # the ISO list's (and common aliases), no pattern a schema could carry.
    "iso3166",
    # An address part and its seed 001 alias (region and state) given at once.
    "alias",
    # A field a planned interaction (one with a due date) cannot have yet.
    "planned",
    # The catalogue (#18): a price ladder's tiers against each other (sorted by minimum,
    # each starts at the previous maximum + 1, only the last unbounded, a maximum above
    # its minimum), and a quote against the catalogue (no tier covers the quantity; a
    # product with neither tiers nor a list price).
    "overlap",
    "gap",
    "unbounded_not_last",
    "above_min",
    "tier",
    "priced",
    # A line whose price × quantity × periods passes the largest amount an order holds.
    "too_large",
    # Order configuration (#18): the initial state made final or inactive (the flag may
    # be the stored state's, not the request's), a state listed among its own moves.
    "initial",
    "self",
    # A move out of a final state in the state table (`final`), a reopen into one
    # (`not_final`): the states' flags are stored, not in the request.
    "final",
    "not_final",
    # An account named as partner or distributor that is of another kind (the same as
    # `referenced_kind`, under the name the orders, leads and partner links give it).
    "kind",
    # An order's line whose product is priced in another currency than the order
    # (`currency` on `items[i].product_id`), and an order's currency changed while it
    # has lines priced in the old one (`items` on `currency`).
    "currency",
    "items",
    # An order's people against the roles its stored order type requires.
    "required_roles",
    # A field left out whose default the stored configuration no longer has (no order
    # type keyed `main` for an order that names none).
    "default",
}

# An order's `data` is checked against its order type's stored `data_schema`; each
# failure is named by the JSON Schema keyword that failed (`required`, `minimum`...), on
# `data` or a pointer under it.
ORDER_PATHS = ("/api/v1/orders",)


def _linked_path_id_is_not_a_uuid(case, error) -> bool:
    """A stateful step may fill a path id from a field of an earlier response that was
    null, and sends the text "None": that request is not schema-valid (the path ids are
    `format: uuid`), so refusing it is right, not a gap in the document."""
    if error.get("rule") != "uuid":
        return False
    parameters = case.path_parameters or {}
    name = error.get("field")
    if name not in parameters:
        return False
    value = parameters[name]
    if value is None:
        return True
    try:
        uuid.UUID(str(value))
    except ValueError:
        return True
    return False


def _order_data_against_its_type(case, error) -> bool:
    field = error.get("field") or ""
    on_data = field == "data" or field.startswith("data/")
    return on_data and case.path.startswith(ORDER_PATHS)


@schemathesis.check
def valid_data_refused_only_by_stateful_rules(ctx, response, case):
    meta = case.meta
    if meta is None or not meta.generation.mode.is_positive:
        return None
    if response.status_code not in (400, 422):
        return None
    try:
        problem = response.json()
    except ValueError:
        raise AssertionError(f"schema-valid request refused with {response.status_code} and no problem body")
    errors = problem.get("errors") or []
    unexplained = [
        e
        for e in errors
        if e.get("rule") not in STATEFUL_RULES
        and not _linked_path_id_is_not_a_uuid(case, e)
        and not _order_data_against_its_type(case, e)
    ]
    if not errors or unexplained:
        detail = problem.get("detail", "")
        raise AssertionError(
            f"schema-valid request refused ({response.status_code}): {detail}; "
            f"rules the document should state: {[(e.get('field'), e.get('rule')) for e in unexplained] or 'none named'}"
        )
    return None
