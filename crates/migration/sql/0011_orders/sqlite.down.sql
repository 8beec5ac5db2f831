-- Notes that hung only off an order or a contract have nowhere to go.
DELETE FROM activities WHERE account_id IS NULL AND contact_id IS NULL AND lead_id IS NULL;
CREATE TABLE activities_v10 (
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
    CONSTRAINT activities_link_check
        CHECK (account_id IS NOT NULL OR contact_id IS NOT NULL OR lead_id IS NOT NULL)
);
INSERT INTO activities_v10 (id, kind, channel, subject, body, activity_date, due_at, done, done_at,
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
ALTER TABLE activities_v10 RENAME TO activities;
UPDATE activities
   SET corrects_id = (SELECT r.corrects_id FROM activity_refs r WHERE r.id = activities.id),
       parent_id = (SELECT r.parent_id FROM activity_refs r WHERE r.id = activities.id)
 WHERE id IN (SELECT id FROM activity_refs);
DROP TABLE activity_refs;
DROP TABLE contract_status_history;
DROP TABLE order_state_history;
DROP TABLE order_items;
DROP TABLE order_people;
-- orders and contracts point at each other: clear the loop before dropping either.
UPDATE orders SET renews_contract_id = NULL;
DROP TABLE contracts;
DROP TABLE orders;
DROP TABLE order_state_transitions;
DROP TABLE order_states;
DROP TABLE order_types;
DROP TABLE number_series;
DROP TABLE durations;
DROP TABLE price_tiers;
DROP INDEX products_type_idx;
DROP INDEX products_category_idx;
ALTER TABLE products DROP COLUMN currency;
ALTER TABLE products DROP COLUMN unit_price;
ALTER TABLE products DROP COLUMN category;
ALTER TABLE products DROP COLUMN unit;
ALTER TABLE products DROP COLUMN type;
