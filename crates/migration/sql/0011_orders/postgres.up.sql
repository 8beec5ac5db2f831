-- The catalogue's prices, typed orders with states and people, and contracts (#18;
-- seeds 003 and 004). Money is NUMERIC(18, 4): prices carry four places, totals are
-- rounded by the application to the currency's minor units (docs/orders.md).

-- Products gain seed 004's and seed 003's catalogue fields.
ALTER TABLE products ADD COLUMN type TEXT;
ALTER TABLE products ADD COLUMN unit TEXT;
ALTER TABLE products ADD COLUMN category TEXT;
ALTER TABLE products ADD COLUMN unit_price NUMERIC(18, 4) CHECK (unit_price >= 0);
ALTER TABLE products ADD COLUMN currency TEXT;
CREATE INDEX products_category_idx ON products (category, name_key) WHERE category IS NOT NULL;
CREATE INDEX products_type_idx ON products (type, name_key) WHERE type IS NOT NULL;

-- Quantity price tiers: one ladder per product and period, bounds inclusive, no overlap
-- and no gap (checked by the application, which replaces a ladder whole).
CREATE TABLE price_tiers (
    id              UUID PRIMARY KEY,
    product_id      UUID NOT NULL REFERENCES products (id) ON DELETE CASCADE,
    period          TEXT NOT NULL CHECK (period IN ('month', 'year')),
    min_quantity    BIGINT NOT NULL CHECK (min_quantity >= 0),
    max_quantity    BIGINT CHECK (max_quantity IS NULL OR max_quantity > min_quantity),
    price_per_unit  NUMERIC(18, 4) NOT NULL CHECK (price_per_unit > 0),
    currency        TEXT NOT NULL,
    created_by      UUID REFERENCES users (id) ON DELETE SET NULL,
    created_at      TIMESTAMPTZ NOT NULL
);
CREATE UNIQUE INDEX price_tiers_ladder_key ON price_tiers (product_id, period, min_quantity);

-- Subscription lengths with their discount.
CREATE TABLE durations (
    id                  UUID PRIMARY KEY,
    months              BIGINT NOT NULL CHECK (months > 0),
    discount_percentage NUMERIC(5, 2) NOT NULL DEFAULT 0
                        CHECK (discount_percentage BETWEEN 0 AND 100),
    name                TEXT NOT NULL,
    active              BOOLEAN NOT NULL DEFAULT TRUE,
    created_by          UUID REFERENCES users (id) ON DELETE SET NULL,
    updated_by          UUID REFERENCES users (id) ON DELETE SET NULL,
    created_at          TIMESTAMPTZ NOT NULL,
    updated_at          TIMESTAMPTZ NOT NULL,
    version             BIGINT NOT NULL DEFAULT 1
);
CREATE UNIQUE INDEX durations_months_key ON durations (months);

-- Readable numbers (ORD-2026-000123): one counter per series and year, incremented in
-- the transaction that takes the number, so numbers are gap-free unless a record is
-- deleted later.
CREATE TABLE number_series (
    series          TEXT NOT NULL,
    year            INTEGER NOT NULL,
    last_value      BIGINT NOT NULL,
    PRIMARY KEY (series, year)
);

-- Order types (seed 003): `data` of an order must satisfy the type's JSON Schema, and
-- the people roles it requires must be present.
CREATE TABLE order_types (
    id              UUID PRIMARY KEY,
    key             TEXT NOT NULL,
    name            TEXT NOT NULL,
    description     TEXT,
    data_schema     JSONB,
    required_roles  JSONB NOT NULL DEFAULT '[]',
    active          BOOLEAN NOT NULL DEFAULT TRUE,
    created_by      UUID REFERENCES users (id) ON DELETE SET NULL,
    updated_by      UUID REFERENCES users (id) ON DELETE SET NULL,
    created_at      TIMESTAMPTZ NOT NULL,
    updated_at      TIMESTAMPTZ NOT NULL,
    version         BIGINT NOT NULL DEFAULT 1
);
CREATE UNIQUE INDEX order_types_key ON order_types (key);
CREATE UNIQUE INDEX order_types_name_key ON order_types (name);

-- Order states: the workflow is data. `initial` is where a new order starts (one);
-- `is_final` freezes an order; `fulfilment` puts it in the fulfillers' scope;
-- `opens_contract` creates the order's contract on entry; `stamp` names the order's
-- timestamp set on entry.
CREATE TABLE order_states (
    id              UUID PRIMARY KEY,
    key             TEXT NOT NULL,
    name            TEXT NOT NULL,
    description     TEXT,
    colour          TEXT NOT NULL DEFAULT '#6b7280',
    sequence        BIGINT NOT NULL DEFAULT 0,
    initial         BOOLEAN NOT NULL DEFAULT FALSE,
    is_final        BOOLEAN NOT NULL DEFAULT FALSE,
    fulfilment      BOOLEAN NOT NULL DEFAULT FALSE,
    opens_contract  BOOLEAN NOT NULL DEFAULT FALSE,
    stamp           TEXT CHECK (stamp IN ('sent_at', 'fulfilled_at', 'completed_at', 'cancelled_at')),
    active          BOOLEAN NOT NULL DEFAULT TRUE,
    created_by      UUID REFERENCES users (id) ON DELETE SET NULL,
    updated_by      UUID REFERENCES users (id) ON DELETE SET NULL,
    created_at      TIMESTAMPTZ NOT NULL,
    updated_at      TIMESTAMPTZ NOT NULL,
    version         BIGINT NOT NULL DEFAULT 1,
    CHECK (NOT (initial AND is_final))
);
CREATE UNIQUE INDEX order_states_key ON order_states (key);
CREATE UNIQUE INDEX order_states_name_key ON order_states (name);
CREATE UNIQUE INDEX order_states_one_initial ON order_states (initial) WHERE initial;
CREATE INDEX order_states_sequence_idx ON order_states (sequence, key);

CREATE TABLE order_state_transitions (
    from_state_id   UUID NOT NULL REFERENCES order_states (id) ON DELETE CASCADE,
    to_state_id     UUID NOT NULL REFERENCES order_states (id) ON DELETE CASCADE,
    PRIMARY KEY (from_state_id, to_state_id),
    CHECK (from_state_id <> to_state_id)
);

CREATE TABLE orders (
    id                  UUID PRIMARY KEY,
    order_number        TEXT NOT NULL,
    order_type_id       UUID NOT NULL REFERENCES order_types (id),
    state_id            UUID NOT NULL REFERENCES order_states (id),
    account_id          UUID REFERENCES accounts (id) ON DELETE SET NULL,
    partner_id          UUID REFERENCES accounts (id) ON DELETE SET NULL,
    distributor_id      UUID REFERENCES accounts (id) ON DELETE SET NULL,
    lead_id             UUID REFERENCES leads (id) ON DELETE SET NULL,
    owner_id            UUID REFERENCES users (id) ON DELETE SET NULL,
    priority            TEXT NOT NULL DEFAULT 'normal'
                        CHECK (priority IN ('low', 'normal', 'high', 'urgent')),
    description         TEXT,
    data                JSONB NOT NULL DEFAULT '{}',
    currency            TEXT NOT NULL,
    tax_rate            NUMERIC(7, 4) NOT NULL DEFAULT 0 CHECK (tax_rate BETWEEN 0 AND 100),
    subtotal            NUMERIC(18, 4) NOT NULL DEFAULT 0,
    discount_amount     NUMERIC(18, 4) NOT NULL DEFAULT 0,
    tax_amount          NUMERIC(18, 4) NOT NULL DEFAULT 0,
    total               NUMERIC(18, 4) NOT NULL DEFAULT 0,
    billing_provider    TEXT,
    billing_quote_id    TEXT,
    billing_metadata    JSONB NOT NULL DEFAULT '{}',
    crm_provider        TEXT,
    crm_deal_id         TEXT,
    crm_metadata        JSONB NOT NULL DEFAULT '{}',
    notes_internal      TEXT,
    renews_contract_id  UUID,
    sent_at             TIMESTAMPTZ,
    fulfilled_at        TIMESTAMPTZ,
    completed_at        TIMESTAMPTZ,
    cancelled_at        TIMESTAMPTZ,
    legacy_id           TEXT,
    created_by          UUID REFERENCES users (id) ON DELETE SET NULL,
    updated_by          UUID REFERENCES users (id) ON DELETE SET NULL,
    created_at          TIMESTAMPTZ NOT NULL,
    updated_at          TIMESTAMPTZ NOT NULL,
    version             BIGINT NOT NULL DEFAULT 1
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
CREATE INDEX orders_billing_metadata_idx ON orders USING GIN (billing_metadata);
CREATE INDEX orders_crm_metadata_idx ON orders USING GIN (crm_metadata);

-- People on an order by role (seed 003's doctor and patient): roles are data.
CREATE TABLE order_people (
    order_id        UUID NOT NULL REFERENCES orders (id) ON DELETE CASCADE,
    role            TEXT NOT NULL,
    contact_id      UUID NOT NULL REFERENCES contacts (id) ON DELETE CASCADE,
    PRIMARY KEY (order_id, role, contact_id)
);
CREATE INDEX order_people_contact_idx ON order_people (contact_id, role);

CREATE TABLE order_items (
    id                  UUID PRIMARY KEY,
    order_id            UUID NOT NULL REFERENCES orders (id) ON DELETE CASCADE,
    position            BIGINT NOT NULL,
    product_id          UUID REFERENCES products (id) ON DELETE SET NULL,
    duration_id         UUID REFERENCES durations (id) ON DELETE SET NULL,
    quantity            BIGINT NOT NULL CHECK (quantity > 0),
    period              TEXT CHECK (period IN ('month', 'year')),
    unit_price          NUMERIC(18, 4) NOT NULL CHECK (unit_price >= 0),
    price_overridden    BOOLEAN NOT NULL DEFAULT FALSE,
    discount_percentage NUMERIC(5, 2) NOT NULL DEFAULT 0
                        CHECK (discount_percentage BETWEEN 0 AND 100),
    subtotal            NUMERIC(18, 4) NOT NULL,
    discount_amount     NUMERIC(18, 4) NOT NULL,
    total               NUMERIC(18, 4) NOT NULL,
    product_name        TEXT NOT NULL,
    product_sku         TEXT,
    product_type        TEXT,
    product_unit        TEXT,
    duration_months     BIGINT,
    created_at          TIMESTAMPTZ NOT NULL,
    updated_at          TIMESTAMPTZ NOT NULL
);
CREATE INDEX order_items_order_idx ON order_items (order_id, position, id);
CREATE INDEX order_items_product_idx ON order_items (product_id) WHERE product_id IS NOT NULL;

CREATE TABLE order_state_history (
    id              UUID PRIMARY KEY,
    order_id        UUID NOT NULL REFERENCES orders (id) ON DELETE CASCADE,
    from_state_id   UUID REFERENCES order_states (id) ON DELETE SET NULL,
    to_state_id     UUID REFERENCES order_states (id) ON DELETE SET NULL,
    -- The keys as they were, so history reads the same after a state is renamed away.
    from_state_key  TEXT,
    to_state_key    TEXT NOT NULL,
    reason          TEXT,
    reopened        BOOLEAN NOT NULL DEFAULT FALSE,
    changed_by      UUID REFERENCES users (id) ON DELETE SET NULL,
    changed_at      TIMESTAMPTZ NOT NULL
);
CREATE INDEX order_state_history_order_idx ON order_state_history (order_id, changed_at, id);

CREATE TABLE contracts (
    id                  UUID PRIMARY KEY,
    contract_number     TEXT NOT NULL,
    order_id            UUID REFERENCES orders (id) ON DELETE SET NULL,
    status              TEXT NOT NULL CHECK (status IN ('active', 'lost', 'upgraded', 'downgraded',
                                                        'expired', 'cancelled')),
    account_id          UUID REFERENCES accounts (id) ON DELETE SET NULL,
    partner_id          UUID REFERENCES accounts (id) ON DELETE SET NULL,
    distributor_id      UUID REFERENCES accounts (id) ON DELETE SET NULL,
    owner_id            UUID REFERENCES users (id) ON DELETE SET NULL,
    activation_date     DATE NOT NULL,
    expiration_date     DATE NOT NULL,
    renewed_from_id     UUID REFERENCES contracts (id) ON DELETE SET NULL,
    total_value         NUMERIC(18, 4) NOT NULL,
    currency            TEXT NOT NULL,
    billing_provider    TEXT,
    billing_customer_id TEXT,
    billing_invoices    JSONB NOT NULL DEFAULT '[]',
    billing_metadata    JSONB NOT NULL DEFAULT '{}',
    notes_internal      TEXT,
    cancelled_at        TIMESTAMPTZ,
    legacy_id           TEXT,
    created_by          UUID REFERENCES users (id) ON DELETE SET NULL,
    updated_by          UUID REFERENCES users (id) ON DELETE SET NULL,
    created_at          TIMESTAMPTZ NOT NULL,
    updated_at          TIMESTAMPTZ NOT NULL,
    version             BIGINT NOT NULL DEFAULT 1,
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
CREATE INDEX contracts_billing_metadata_idx ON contracts USING GIN (billing_metadata);
ALTER TABLE orders ADD CONSTRAINT orders_renews_contract_fk
    FOREIGN KEY (renews_contract_id) REFERENCES contracts (id) ON DELETE SET NULL;
CREATE INDEX orders_renews_idx ON orders (renews_contract_id) WHERE renews_contract_id IS NOT NULL;

CREATE TABLE contract_status_history (
    id              UUID PRIMARY KEY,
    contract_id     UUID NOT NULL REFERENCES contracts (id) ON DELETE CASCADE,
    from_status     TEXT,
    to_status       TEXT NOT NULL,
    reason          TEXT,
    changed_by      UUID REFERENCES users (id) ON DELETE SET NULL,
    changed_at      TIMESTAMPTZ NOT NULL
);
CREATE INDEX contract_status_history_contract_idx
    ON contract_status_history (contract_id, changed_at, id);
CREATE INDEX contract_status_history_changed_idx ON contract_status_history (to_status, changed_at);

-- Notes and comments on orders and contracts join the one timeline.
ALTER TABLE activities ADD COLUMN order_id UUID REFERENCES orders (id) ON DELETE CASCADE;
ALTER TABLE activities ADD COLUMN contract_id UUID REFERENCES contracts (id) ON DELETE CASCADE;
ALTER TABLE activities DROP CONSTRAINT activities_link_check;
ALTER TABLE activities ADD CONSTRAINT activities_link_check
    CHECK (account_id IS NOT NULL OR contact_id IS NOT NULL OR lead_id IS NOT NULL
           OR order_id IS NOT NULL OR contract_id IS NOT NULL);
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
    ('01a24dcc-d803-7241-9050-000000000000', 'created', 'Created', '#6b7280', 10, TRUE, FALSE, FALSE, FALSE, NULL, '2026-12-07T00:00:00.000000Z', '2026-12-07T00:00:00.000000Z'),
    ('01a24dcc-d804-7241-9050-000000000000', 'sent', 'Sent', '#2563eb', 20, FALSE, FALSE, FALSE, FALSE, 'sent_at', '2026-12-07T00:00:00.000000Z', '2026-12-07T00:00:00.000000Z'),
    ('01a24dcc-d805-7241-9050-000000000000', 'in_fulfillment', 'In fulfilment', '#d97706', 30, FALSE, FALSE, TRUE, FALSE, NULL, '2026-12-07T00:00:00.000000Z', '2026-12-07T00:00:00.000000Z'),
    ('01a24dcc-d806-7241-9050-000000000000', 'fulfilled', 'Fulfilled', '#15803d', 40, FALSE, TRUE, FALSE, TRUE, 'fulfilled_at', '2026-12-07T00:00:00.000000Z', '2026-12-07T00:00:00.000000Z'),
    ('01a24dcc-d807-7241-9050-000000000000', 'cancelled', 'Cancelled', '#b91c1c', 50, FALSE, TRUE, FALSE, FALSE, 'cancelled_at', '2026-12-07T00:00:00.000000Z', '2026-12-07T00:00:00.000000Z');
INSERT INTO order_state_transitions (from_state_id, to_state_id) VALUES
    ('01a24dcc-d803-7241-9050-000000000000', '01a24dcc-d804-7241-9050-000000000000'),
    ('01a24dcc-d803-7241-9050-000000000000', '01a24dcc-d807-7241-9050-000000000000'),
    ('01a24dcc-d804-7241-9050-000000000000', '01a24dcc-d803-7241-9050-000000000000'),
    ('01a24dcc-d804-7241-9050-000000000000', '01a24dcc-d805-7241-9050-000000000000'),
    ('01a24dcc-d804-7241-9050-000000000000', '01a24dcc-d807-7241-9050-000000000000'),
    ('01a24dcc-d805-7241-9050-000000000000', '01a24dcc-d806-7241-9050-000000000000'),
    ('01a24dcc-d805-7241-9050-000000000000', '01a24dcc-d807-7241-9050-000000000000');

-- Row-level security (docs/access.md), as for leads: reps through their accounts,
-- partners and distributors through their organisations, fulfillers the orders in a
-- fulfilment state. Items, people and history follow their order; a contract's history
-- follows its contract.
ALTER TABLE orders ENABLE ROW LEVEL SECURITY;
ALTER TABLE orders FORCE ROW LEVEL SECURITY;
CREATE POLICY rapport_scope ON orders USING (
    (SELECT rapport_sees_everything())
    OR CASE (SELECT rapport_acting_role())
        WHEN 'rep' THEN
            owner_id = (SELECT rapport_acting_user())
            OR created_by = (SELECT rapport_acting_user())
            OR account_id IN (SELECT rapport_rep_accounts())
        WHEN 'partner' THEN
            partner_id = (SELECT rapport_acting_org()) OR account_id = (SELECT rapport_acting_org())
        WHEN 'distributor' THEN
            distributor_id = (SELECT rapport_acting_org())
            OR account_id IN (SELECT rapport_organisations())
            OR partner_id IN (SELECT rapport_organisations())
        WHEN 'fulfiller' THEN
            state_id IN (SELECT s.id FROM order_states s WHERE s.fulfilment)
        ELSE FALSE
    END
);

ALTER TABLE contracts ENABLE ROW LEVEL SECURITY;
ALTER TABLE contracts FORCE ROW LEVEL SECURITY;
CREATE POLICY rapport_scope ON contracts USING (
    (SELECT rapport_sees_everything())
    OR CASE (SELECT rapport_acting_role())
        WHEN 'rep' THEN
            owner_id = (SELECT rapport_acting_user())
            OR created_by = (SELECT rapport_acting_user())
            OR account_id IN (SELECT rapport_rep_accounts())
        WHEN 'partner' THEN
            partner_id = (SELECT rapport_acting_org()) OR account_id = (SELECT rapport_acting_org())
        WHEN 'distributor' THEN
            distributor_id = (SELECT rapport_acting_org())
            OR account_id IN (SELECT rapport_organisations())
            OR partner_id IN (SELECT rapport_organisations())
        ELSE FALSE
    END
);

ALTER TABLE order_items ENABLE ROW LEVEL SECURITY;
ALTER TABLE order_items FORCE ROW LEVEL SECURITY;
CREATE POLICY rapport_scope ON order_items USING (
    EXISTS (SELECT 1 FROM orders o WHERE o.id = order_items.order_id)
);
ALTER TABLE order_people ENABLE ROW LEVEL SECURITY;
ALTER TABLE order_people FORCE ROW LEVEL SECURITY;
CREATE POLICY rapport_scope ON order_people USING (
    EXISTS (SELECT 1 FROM orders o WHERE o.id = order_people.order_id)
);
ALTER TABLE order_state_history ENABLE ROW LEVEL SECURITY;
ALTER TABLE order_state_history FORCE ROW LEVEL SECURITY;
CREATE POLICY rapport_scope ON order_state_history USING (
    EXISTS (SELECT 1 FROM orders o WHERE o.id = order_state_history.order_id)
);
ALTER TABLE contract_status_history ENABLE ROW LEVEL SECURITY;
ALTER TABLE contract_status_history FORCE ROW LEVEL SECURITY;
CREATE POLICY rapport_scope ON contract_status_history USING (
    EXISTS (SELECT 1 FROM contracts k WHERE k.id = contract_status_history.contract_id)
);

-- The timeline's notes on orders and contracts are seen by whoever sees those.
DROP POLICY rapport_scope ON activities;
CREATE POLICY rapport_scope ON activities USING (
    (SELECT rapport_sees_everything())
    OR CASE (SELECT rapport_acting_role())
        WHEN 'fulfiller' THEN FALSE
        ELSE
            (NOT internal OR (SELECT rapport_acting_role()) NOT IN ('partner', 'distributor'))
            AND (EXISTS (SELECT 1 FROM accounts a WHERE a.id = activities.account_id)
                 OR EXISTS (SELECT 1 FROM leads l WHERE l.id = activities.lead_id)
                 OR EXISTS (SELECT 1 FROM contacts c WHERE c.id = activities.contact_id)
                 OR EXISTS (SELECT 1 FROM orders o WHERE o.id = activities.order_id)
                 OR EXISTS (SELECT 1 FROM contracts k WHERE k.id = activities.contract_id))
    END
);
