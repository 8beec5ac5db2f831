-- The distribution log (seed 000) and the figures the sales dashboard reads instead of
-- the log: units per month, and for orders and customers which months each one has
-- entries in, with the month before it (see docs/architecture.md, "Sales dashboard").

CREATE TABLE distributions (
    id              TEXT PRIMARY KEY,
    ship_date       TEXT NOT NULL,
    -- year * 12 + month - 1 of ship_date, kept so that both engines group by one integer.
    ship_month      INTEGER NOT NULL,
    order_number    TEXT,
    sku             TEXT NOT NULL CHECK (sku <> ''),
    product_id      TEXT REFERENCES products (id) ON DELETE SET NULL,
    lot_number      TEXT,
    quantity        INTEGER NOT NULL CHECK (quantity > 0),
    -- The application detaches entries (and corrects their keys and the figures) before
    -- it deletes an account; the foreign key's SET NULL is the backstop.
    customer_id     TEXT REFERENCES accounts (id) ON DELETE SET NULL,
    customer_name   TEXT,
    rep_id          TEXT REFERENCES users (id) ON DELETE SET NULL,
    source          TEXT NOT NULL CHECK (source IN ('manual', 'import', 'api')),
    notes           TEXT,
    legacy_id       TEXT,
    -- The order and customer this entry counts for on the dashboard (domain::distribution).
    order_key       TEXT NOT NULL,
    customer_key    TEXT,
    created_by      TEXT REFERENCES users (id) ON DELETE SET NULL,
    updated_by      TEXT REFERENCES users (id) ON DELETE SET NULL,
    created_at      TEXT NOT NULL,
    updated_at      TEXT NOT NULL,
    version         INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX distributions_ship_date_idx ON distributions (ship_date, id);
-- A rep's entries in a period, read from the index alone (the dashboard by rep), and
-- whether a rep shipped (a SKU) to a customer before a date (first-time customers).
CREATE INDEX distributions_rep_idx
    ON distributions (rep_id, ship_date, order_key, customer_key, sku, quantity);
CREATE INDEX distributions_rep_customer_idx
    ON distributions (rep_id, customer_key, ship_date, sku);
CREATE INDEX distributions_customer_idx ON distributions (customer_id, ship_date);
CREATE INDEX distributions_customer_key_idx ON distributions (customer_key, ship_date);
CREATE INDEX distributions_sku_idx ON distributions (sku, ship_date);
CREATE INDEX distributions_lot_idx ON distributions (lot_number) WHERE lot_number IS NOT NULL;
CREATE INDEX distributions_created_by_idx ON distributions (created_by);
CREATE INDEX distributions_product_idx ON distributions (product_id) WHERE product_id IS NOT NULL;
CREATE INDEX distributions_unlinked_idx ON distributions (customer_name)
    WHERE customer_id IS NULL AND customer_name IS NOT NULL;
CREATE UNIQUE INDEX distributions_legacy_id_key ON distributions (legacy_id)
    WHERE legacy_id IS NOT NULL;

-- Entries and units per month, for every SKU ('') and per SKU.
CREATE TABLE distribution_months (
    sku             TEXT NOT NULL,
    month           INTEGER NOT NULL,
    entries         INTEGER NOT NULL,
    units           INTEGER NOT NULL,
    PRIMARY KEY (sku, month)
) WITHOUT ROWID;

-- Each month an order (kind 1) or a customer (kind 2) has entries in, over every SKU ('')
-- and per SKU, with the previous such month (-1: none). A key counts in a period once,
-- at its first month there: the row whose month is in the period and whose previous
-- month is before it.
CREATE TABLE distribution_key_months (
    kind            INTEGER NOT NULL,
    sku             TEXT NOT NULL,
    key             TEXT NOT NULL,
    month           INTEGER NOT NULL,
    prev_month      INTEGER NOT NULL,
    entries         INTEGER NOT NULL,
    PRIMARY KEY (kind, sku, key, month)
) WITHOUT ROWID;

-- distribution_key_months counted by (month, previous month): all the dashboard reads.
CREATE TABLE distribution_firsts (
    kind            INTEGER NOT NULL,
    sku             TEXT NOT NULL,
    month           INTEGER NOT NULL,
    prev_month      INTEGER NOT NULL,
    keys            INTEGER NOT NULL,
    PRIMARY KEY (kind, sku, month, prev_month)
) WITHOUT ROWID;
-- The per-SKU breakdown: every SKU's rows for a range of months.
CREATE INDEX distribution_firsts_month_idx
    ON distribution_firsts (kind, month, prev_month, sku, keys);
