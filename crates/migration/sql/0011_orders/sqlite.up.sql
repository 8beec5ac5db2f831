-- The catalogue's prices, typed orders with states and people, and contracts (#18;
-- seeds 003 and 004). Money is canonical decimal text written by the application, never
-- a float; its range checks live in the application, since SQLite would compare the text
-- as numbers. Prices carry four places; totals are rounded by the application to the
-- currency's minor units (docs/orders.md).

-- Products gain seed 004's and seed 003's catalogue fields.
ALTER TABLE products ADD COLUMN type TEXT;
ALTER TABLE products ADD COLUMN unit TEXT;
ALTER TABLE products ADD COLUMN category TEXT;
ALTER TABLE products ADD COLUMN unit_price TEXT;
ALTER TABLE products ADD COLUMN currency TEXT;
CREATE INDEX products_category_idx ON products (category, name_key) WHERE category IS NOT NULL;
CREATE INDEX products_type_idx ON products (type, name_key) WHERE type IS NOT NULL;

-- Quantity price tiers: one ladder per product and period, bounds inclusive, no overlap
-- and no gap (checked by the application, which replaces a ladder whole).
CREATE TABLE price_tiers (
    id              TEXT PRIMARY KEY,
    product_id      TEXT NOT NULL REFERENCES products (id) ON DELETE CASCADE,
    period          TEXT NOT NULL CHECK (period IN ('month', 'year')),
    min_quantity    INTEGER NOT NULL CHECK (min_quantity >= 0),
    max_quantity    INTEGER CHECK (max_quantity IS NULL OR max_quantity > min_quantity),
    price_per_unit  TEXT NOT NULL,
    currency        TEXT NOT NULL,
    created_by      TEXT REFERENCES users (id) ON DELETE SET NULL,
    created_at      TEXT NOT NULL
);
CREATE UNIQUE INDEX price_tiers_ladder_key ON price_tiers (product_id, period, min_quantity);

-- Subscription lengths with their discount.
CREATE TABLE durations (
    id                  TEXT PRIMARY KEY,
    months              INTEGER NOT NULL CHECK (months > 0),
    discount_percentage TEXT NOT NULL DEFAULT 0,
    name                TEXT NOT NULL,
    active              INTEGER NOT NULL DEFAULT 1,
    created_by          TEXT REFERENCES users (id) ON DELETE SET NULL,
    updated_by          TEXT REFERENCES users (id) ON DELETE SET NULL,
    created_at          TEXT NOT NULL,
    updated_at          TEXT NOT NULL,
    version             INTEGER NOT NULL DEFAULT 1
);
CREATE UNIQUE INDEX durations_months_key ON durations (months);

-- Readable numbers (ORD-2026-000123): one counter per series and year, incremented in
-- the transaction that takes the number, so numbers are gap-free unless a record is
-- deleted later.
CREATE TABLE number_series (
    series          TEXT NOT NULL,
    year            INTEGER NOT NULL,
    last_value      INTEGER NOT NULL,
    PRIMARY KEY (series, year)
);

-- Order types (seed 003): `data` of an order must satisfy the type's JSON Schema, and
-- the people roles it requires must be present.
CREATE TABLE order_types (
    id              TEXT PRIMARY KEY,
    key             TEXT NOT NULL,
    name            TEXT NOT NULL,
    description     TEXT,
    data_schema     TEXT,
    required_roles  TEXT NOT NULL DEFAULT '[]',
    active          INTEGER NOT NULL DEFAULT 1,
    created_by      TEXT REFERENCES users (id) ON DELETE SET NULL,
    updated_by      TEXT REFERENCES users (id) ON DELETE SET NULL,
    created_at      TEXT NOT NULL,
    updated_at      TEXT NOT NULL,
    version         INTEGER NOT NULL DEFAULT 1
);
CREATE UNIQUE INDEX order_types_key ON order_types (key);
CREATE UNIQUE INDEX order_types_name_key ON order_types (name);

-- Order states: the workflow is data. `initial` is where a new order starts (one);
-- `is_final` freezes an order; `fulfilment` puts it in the fulfillers' scope;
-- `opens_contract` creates the order's contract on entry; `stamp` names the order's
-- timestamp set on entry.
CREATE TABLE order_states (
    id              TEXT PRIMARY KEY,
    key             TEXT NOT NULL,
    name            TEXT NOT NULL,
    description     TEXT,
    colour          TEXT NOT NULL DEFAULT '#6b7280',
    sequence        INTEGER NOT NULL DEFAULT 0,
    initial         INTEGER NOT NULL DEFAULT 0,
    is_final        INTEGER NOT NULL DEFAULT 0,
    fulfilment      INTEGER NOT NULL DEFAULT 0,
    opens_contract  INTEGER NOT NULL DEFAULT 0,
    stamp           TEXT CHECK (stamp IN ('sent_at', 'fulfilled_at', 'completed_at', 'cancelled_at')),
    active          INTEGER NOT NULL DEFAULT 1,
    created_by      TEXT REFERENCES users (id) ON DELETE SET NULL,
    updated_by      TEXT REFERENCES users (id) ON DELETE SET NULL,
    created_at      TEXT NOT NULL,
    updated_at      TEXT NOT NULL,
    version         INTEGER NOT NULL DEFAULT 1,
    CHECK (NOT (initial = 1 AND is_final = 1))
);
CREATE UNIQUE INDEX order_states_key ON order_states (key);
CREATE UNIQUE INDEX order_states_name_key ON order_states (name);
CREATE UNIQUE INDEX order_states_one_initial ON order_states (initial) WHERE initial = 1;
CREATE INDEX order_states_sequence_idx ON order_states (sequence, key);

CREATE TABLE order_state_transitions (
    from_state_id   TEXT NOT NULL REFERENCES order_states (id) ON DELETE CASCADE,
    to_state_id     TEXT NOT NULL REFERENCES order_states (id) ON DELETE CASCADE,
    PRIMARY KEY (from_state_id, to_state_id),
    CHECK (from_state_id <> to_state_id)
);

CREATE TABLE orders (
    id                  TEXT PRIMARY KEY,
    order_number        TEXT NOT NULL,
    order_type_id       TEXT NOT NULL REFERENCES order_types (id),
    state_id            TEXT NOT NULL REFERENCES order_states (id),
    account_id          TEXT REFERENCES accounts (id) ON DELETE SET NULL,
    partner_id          TEXT REFERENCES accounts (id) ON DELETE SET NULL,
    distributor_id      TEXT REFERENCES accounts (id) ON DELETE SET NULL,
    lead_id             TEXT REFERENCES leads (id) ON DELETE SET NULL,
    owner_id            TEXT REFERENCES users (id) ON DELETE SET NULL,
    priority            TEXT NOT NULL DEFAULT 'normal'
                        CHECK (priority IN ('low', 'normal', 'high', 'urgent')),
    description         TEXT,
    data                TEXT NOT NULL DEFAULT '{}',
    currency            TEXT NOT NULL,
    tax_rate            TEXT NOT NULL DEFAULT 0,
    subtotal            TEXT NOT NULL DEFAULT 0,
    discount_amount     TEXT NOT NULL DEFAULT 0,
    tax_amount          TEXT NOT NULL DEFAULT 0,
    total               TEXT NOT NULL DEFAULT 0,
    billing_provider    TEXT,
    billing_quote_id    TEXT,
    billing_metadata    TEXT NOT NULL DEFAULT '{}',
    crm_provider        TEXT,
    crm_deal_id         TEXT,
    crm_metadata        TEXT NOT NULL DEFAULT '{}',
    notes_internal      TEXT,
    -- SQLite resolves a reference to a table created later when it is used.
    renews_contract_id  TEXT REFERENCES contracts (id) ON DELETE SET NULL,
    sent_at             TEXT,
    fulfilled_at        TEXT,
    completed_at        TEXT,
    cancelled_at        TEXT,
    legacy_id           TEXT,
    created_by          TEXT REFERENCES users (id) ON DELETE SET NULL,
    updated_by          TEXT REFERENCES users (id) ON DELETE SET NULL,
    created_at          TEXT NOT NULL,
    updated_at          TEXT NOT NULL,
    version             INTEGER NOT NULL DEFAULT 1
);
CREATE UNIQUE INDEX orders_number_key ON orders (order_number);
CREATE UNIQUE INDEX orders_legacy_id_key ON orders (legacy_id);
CREATE INDEX orders_created_idx ON orders (created_at, id);
CREATE INDEX orders_state_created_idx ON orders (state_id, created_at, id);
CREATE INDEX orders_account_idx ON orders (account_id, created_at) WHERE account_id IS NOT NULL;
CREATE INDEX orders_partner_idx ON orders (partner_id, state_id) WHERE partner_id IS NOT NULL;
CREATE INDEX orders_distributor_idx ON orders (distributor_id, state_id) WHERE distributor_id IS NOT NULL;
CREATE INDEX orders_owner_idx ON orders (owner_id, state_id);
CREATE INDEX orders_lead_idx ON orders (lead_id) WHERE lead_id IS NOT NULL;
CREATE INDEX orders_type_idx ON orders (order_type_id);

-- People on an order by role (seed 003's doctor and patient): roles are data.
CREATE TABLE order_people (
    order_id        TEXT NOT NULL REFERENCES orders (id) ON DELETE CASCADE,
    role            TEXT NOT NULL,
    contact_id      TEXT NOT NULL REFERENCES contacts (id) ON DELETE CASCADE,
    PRIMARY KEY (order_id, role, contact_id)
);
CREATE INDEX order_people_contact_idx ON order_people (contact_id, role);

CREATE TABLE order_items (
    id                  TEXT PRIMARY KEY,
    order_id            TEXT NOT NULL REFERENCES orders (id) ON DELETE CASCADE,
    position            INTEGER NOT NULL,
    product_id          TEXT REFERENCES products (id) ON DELETE SET NULL,
    duration_id         TEXT REFERENCES durations (id) ON DELETE SET NULL,
    quantity            INTEGER NOT NULL CHECK (quantity > 0),
    period              TEXT CHECK (period IN ('month', 'year')),
    unit_price          TEXT NOT NULL,
    price_overridden    INTEGER NOT NULL DEFAULT 0,
    discount_percentage TEXT NOT NULL DEFAULT 0,
    subtotal            TEXT NOT NULL,
    discount_amount     TEXT NOT NULL,
    total               TEXT NOT NULL,
    product_name        TEXT NOT NULL,
    product_sku         TEXT,
    product_type        TEXT,
    product_unit        TEXT,
    duration_months     INTEGER,
    created_at          TEXT NOT NULL,
    updated_at          TEXT NOT NULL
);
CREATE INDEX order_items_order_idx ON order_items (order_id, position, id);
CREATE INDEX order_items_product_idx ON order_items (product_id) WHERE product_id IS NOT NULL;

CREATE TABLE order_state_history (
    id              TEXT PRIMARY KEY,
    order_id        TEXT NOT NULL REFERENCES orders (id) ON DELETE CASCADE,
    from_state_id   TEXT REFERENCES order_states (id) ON DELETE SET NULL,
    to_state_id     TEXT REFERENCES order_states (id) ON DELETE SET NULL,
    -- The keys as they were, so history reads the same after a state is renamed away.
    from_state_key  TEXT,
    to_state_key    TEXT NOT NULL,
    reason          TEXT,
    reopened        INTEGER NOT NULL DEFAULT 0,
    changed_by      TEXT REFERENCES users (id) ON DELETE SET NULL,
    changed_at      TEXT NOT NULL
);
CREATE INDEX order_state_history_order_idx ON order_state_history (order_id, changed_at, id);

CREATE TABLE contracts (
    id                  TEXT PRIMARY KEY,
    contract_number     TEXT NOT NULL,
    order_id            TEXT REFERENCES orders (id) ON DELETE SET NULL,
    status              TEXT NOT NULL CHECK (status IN ('active', 'lost', 'upgraded', 'downgraded',
                                                        'expired', 'cancelled')),
    account_id          TEXT REFERENCES accounts (id) ON DELETE SET NULL,
    partner_id          TEXT REFERENCES accounts (id) ON DELETE SET NULL,
    distributor_id      TEXT REFERENCES accounts (id) ON DELETE SET NULL,
    owner_id            TEXT REFERENCES users (id) ON DELETE SET NULL,
    activation_date     TEXT NOT NULL,
    expiration_date     TEXT NOT NULL,
    renewed_from_id     TEXT REFERENCES contracts (id) ON DELETE SET NULL,
    total_value         TEXT NOT NULL,
    currency            TEXT NOT NULL,
    billing_provider    TEXT,
    billing_customer_id TEXT,
    billing_invoices    TEXT NOT NULL DEFAULT '[]',
    billing_metadata    TEXT NOT NULL DEFAULT '{}',
    notes_internal      TEXT,
    cancelled_at        TEXT,
    legacy_id           TEXT,
    created_by          TEXT REFERENCES users (id) ON DELETE SET NULL,
    updated_by          TEXT REFERENCES users (id) ON DELETE SET NULL,
    created_at          TEXT NOT NULL,
    updated_at          TEXT NOT NULL,
    version             INTEGER NOT NULL DEFAULT 1,
    CHECK (expiration_date >= activation_date)
);
CREATE UNIQUE INDEX contracts_number_key ON contracts (contract_number);
CREATE UNIQUE INDEX contracts_order_key ON contracts (order_id);
CREATE UNIQUE INDEX contracts_legacy_id_key ON contracts (legacy_id);
CREATE INDEX contracts_status_activation_idx ON contracts (status, activation_date);
CREATE INDEX contracts_expiration_idx ON contracts (expiration_date, id);
CREATE INDEX contracts_created_idx ON contracts (created_at, id);
CREATE INDEX contracts_account_idx ON contracts (account_id) WHERE account_id IS NOT NULL;
CREATE INDEX contracts_partner_idx ON contracts (partner_id, status) WHERE partner_id IS NOT NULL;
CREATE INDEX contracts_distributor_idx ON contracts (distributor_id, status) WHERE distributor_id IS NOT NULL;
CREATE INDEX contracts_owner_idx ON contracts (owner_id, status);
CREATE INDEX contracts_renewed_from_idx ON contracts (renewed_from_id) WHERE renewed_from_id IS NOT NULL;
CREATE INDEX orders_renews_idx ON orders (renews_contract_id) WHERE renews_contract_id IS NOT NULL;

CREATE TABLE contract_status_history (
    id              TEXT PRIMARY KEY,
    contract_id     TEXT NOT NULL REFERENCES contracts (id) ON DELETE CASCADE,
    from_status     TEXT,
    to_status       TEXT NOT NULL,
    reason          TEXT,
    changed_by      TEXT REFERENCES users (id) ON DELETE SET NULL,
    changed_at      TEXT NOT NULL
);
CREATE INDEX contract_status_history_contract_idx
    ON contract_status_history (contract_id, changed_at, id);
CREATE INDEX contract_status_history_changed_idx ON contract_status_history (to_status, changed_at);

-- Notes and comments on orders and contracts join the one timeline. SQLite cannot
-- change a CHECK in place, so the table is rebuilt with the two links.
CREATE TABLE activities_v11 (
    id              TEXT PRIMARY KEY,
    kind            TEXT NOT NULL CHECK (kind IN ('note', 'call', 'email', 'meeting', 'chat',
                                                  'task', 'comment')),
    channel         TEXT CHECK (channel IN ('phone', 'email', 'meeting', 'chat', 'other')),
    subject         TEXT,
    body            TEXT NOT NULL DEFAULT '',
    activity_date   TEXT NOT NULL,
    due_at          TEXT,
    done            INTEGER NOT NULL DEFAULT 0,
    done_at         TEXT,
    internal        INTEGER NOT NULL DEFAULT 0,
    pinned          INTEGER NOT NULL DEFAULT 0,
    author_id       TEXT REFERENCES users (id) ON DELETE SET NULL,
    assignee_id     TEXT REFERENCES users (id) ON DELETE SET NULL,
    account_id      TEXT REFERENCES accounts (id) ON DELETE CASCADE,
    contact_id      TEXT REFERENCES contacts (id) ON DELETE SET NULL,
    lead_id         TEXT REFERENCES leads (id) ON DELETE CASCADE,
    corrects_id     TEXT REFERENCES activities (id) ON DELETE SET NULL,
    parent_id       TEXT REFERENCES activities (id) ON DELETE SET NULL,
    provider_name   TEXT,
    provider_id     TEXT,
    created_by      TEXT REFERENCES users (id) ON DELETE SET NULL,
    updated_by      TEXT REFERENCES users (id) ON DELETE SET NULL,
    created_at      TEXT NOT NULL,
    updated_at      TEXT NOT NULL,
    version         INTEGER NOT NULL DEFAULT 1,
    order_id        TEXT REFERENCES orders (id) ON DELETE CASCADE,
    contract_id     TEXT REFERENCES contracts (id) ON DELETE CASCADE,
    CONSTRAINT activities_link_check
        CHECK (account_id IS NOT NULL OR contact_id IS NOT NULL OR lead_id IS NOT NULL
               OR order_id IS NOT NULL OR contract_id IS NOT NULL)
);
INSERT INTO activities_v11 (id, kind, channel, subject, body, activity_date, due_at, done, done_at,
        internal, pinned, author_id, assignee_id, account_id, contact_id, lead_id, corrects_id,
        parent_id, provider_name, provider_id, created_by, updated_by, created_at, updated_at,
        version)
    SELECT id, kind, channel, subject, body, activity_date, due_at, done, done_at,
        internal, pinned, author_id, assignee_id, account_id, contact_id, lead_id, corrects_id,
        parent_id, provider_name, provider_id, created_by, updated_by, created_at, updated_at,
        version
    FROM activities;
-- Dropping the old table (foreign keys are on inside the migration's transaction) sets
-- the copies' references to it to null; they are kept aside and written back.
CREATE TEMP TABLE activity_refs AS
    SELECT id, corrects_id, parent_id FROM activities
     WHERE corrects_id IS NOT NULL OR parent_id IS NOT NULL;
DROP TABLE activities;
ALTER TABLE activities_v11 RENAME TO activities;
UPDATE activities
   SET corrects_id = (SELECT r.corrects_id FROM activity_refs r WHERE r.id = activities.id),
       parent_id = (SELECT r.parent_id FROM activity_refs r WHERE r.id = activities.id)
 WHERE id IN (SELECT id FROM activity_refs);
DROP TABLE activity_refs;
CREATE INDEX activities_account_idx ON activities (account_id, pinned, activity_date, created_at, id);
CREATE INDEX activities_contact_idx ON activities (contact_id, activity_date, created_at, id);
CREATE INDEX activities_lead_idx ON activities (lead_id, pinned, activity_date, created_at, id)
    WHERE lead_id IS NOT NULL;
CREATE INDEX activities_assignee_idx ON activities (assignee_id, done, due_at);
CREATE INDEX activities_due_idx ON activities (done, due_at);
CREATE INDEX activities_corrects_idx ON activities (corrects_id) WHERE corrects_id IS NOT NULL;
CREATE INDEX activities_parent_idx ON activities (parent_id) WHERE parent_id IS NOT NULL;
CREATE UNIQUE INDEX activities_provider_key ON activities (provider_name, provider_id)
    WHERE provider_id IS NOT NULL;
CREATE INDEX activities_order_idx ON activities (order_id, pinned, activity_date, created_at, id)
    WHERE order_id IS NOT NULL;
CREATE INDEX activities_contract_idx ON activities (contract_id, pinned, activity_date, created_at, id)
    WHERE contract_id IS NOT NULL;


-- The defaults: seed 003's order types and seed 004's order states and moves. A lab
-- defines its own beside them (docs/orders.md).
INSERT INTO order_types (id, key, name, created_at, updated_at) VALUES
    ('01a24dcc-d800-7241-9050-000000000000', 'main', 'Main', '2026-12-07T00:00:00.000000Z', '2026-12-07T00:00:00.000000Z'),
    ('01a24dcc-d801-7241-9050-000000000000', 'refinement', 'Refinement', '2026-12-07T00:00:00.000000Z', '2026-12-07T00:00:00.000000Z'),
    ('01a24dcc-d802-7241-9050-000000000000', 'replacement', 'Replacement', '2026-12-07T00:00:00.000000Z', '2026-12-07T00:00:00.000000Z');
INSERT INTO order_states (id, key, name, colour, sequence, initial, is_final, fulfilment, opens_contract, stamp, created_at, updated_at) VALUES
    ('01a24dcc-d803-7241-9050-000000000000', 'created', 'Created', '#6b7280', 10, 1, 0, 0, 0, NULL, '2026-12-07T00:00:00.000000Z', '2026-12-07T00:00:00.000000Z'),
    ('01a24dcc-d804-7241-9050-000000000000', 'sent', 'Sent', '#2563eb', 20, 0, 0, 0, 0, 'sent_at', '2026-12-07T00:00:00.000000Z', '2026-12-07T00:00:00.000000Z'),
    ('01a24dcc-d805-7241-9050-000000000000', 'in_fulfillment', 'In fulfilment', '#d97706', 30, 0, 0, 1, 0, NULL, '2026-12-07T00:00:00.000000Z', '2026-12-07T00:00:00.000000Z'),
    ('01a24dcc-d806-7241-9050-000000000000', 'fulfilled', 'Fulfilled', '#15803d', 40, 0, 1, 0, 1, 'fulfilled_at', '2026-12-07T00:00:00.000000Z', '2026-12-07T00:00:00.000000Z'),
    ('01a24dcc-d807-7241-9050-000000000000', 'cancelled', 'Cancelled', '#b91c1c', 50, 0, 1, 0, 0, 'cancelled_at', '2026-12-07T00:00:00.000000Z', '2026-12-07T00:00:00.000000Z');
INSERT INTO order_state_transitions (from_state_id, to_state_id) VALUES
    ('01a24dcc-d803-7241-9050-000000000000', '01a24dcc-d804-7241-9050-000000000000'),
    ('01a24dcc-d803-7241-9050-000000000000', '01a24dcc-d807-7241-9050-000000000000'),
    ('01a24dcc-d804-7241-9050-000000000000', '01a24dcc-d803-7241-9050-000000000000'),
    ('01a24dcc-d804-7241-9050-000000000000', '01a24dcc-d805-7241-9050-000000000000'),
    ('01a24dcc-d804-7241-9050-000000000000', '01a24dcc-d807-7241-9050-000000000000'),
    ('01a24dcc-d805-7241-9050-000000000000', '01a24dcc-d806-7241-9050-000000000000'),
    ('01a24dcc-d805-7241-9050-000000000000', '01a24dcc-d807-7241-9050-000000000000');

