-- The sales pipeline (seeds 002 and 004): settings, products, leads with their status
-- history and board totals, and the rest of the activities timeline (leads as a link,
-- corrections of interactions, follow-up tasks, provider references).

-- Settings shared by every node. A missing key means the built-in default.
CREATE TABLE settings (
    key             TEXT PRIMARY KEY,
    value           TEXT NOT NULL,
    updated_by      TEXT REFERENCES users (id) ON DELETE SET NULL,
    updated_at      TEXT NOT NULL,
    version         INTEGER NOT NULL DEFAULT 1
);

-- Products as seed 002 has them; the catalogue issue adds price tiers and durations in
-- their own tables, keyed by product.
CREATE TABLE products (
    id              TEXT PRIMARY KEY,
    name            TEXT NOT NULL,
    -- Upper-case letters and digits of the name: names are unique ignoring case,
    -- spacing and punctuation.
    name_key        TEXT NOT NULL,
    description     TEXT,
    active          INTEGER NOT NULL DEFAULT 1,
    sku             TEXT,
    legacy_id       TEXT,
    metadata        TEXT NOT NULL DEFAULT '{}',
    created_by      TEXT REFERENCES users (id) ON DELETE SET NULL,
    updated_by      TEXT REFERENCES users (id) ON DELETE SET NULL,
    created_at      TEXT NOT NULL,
    updated_at      TEXT NOT NULL,
    version         INTEGER NOT NULL DEFAULT 1
);
CREATE UNIQUE INDEX products_name_key ON products (name_key);
CREATE UNIQUE INDEX products_sku_key ON products (sku);
CREATE UNIQUE INDEX products_legacy_id_key ON products (legacy_id);
CREATE INDEX products_active_idx ON products (active, name_key);
CREATE INDEX products_created_at_idx ON products (created_at, id);

-- Money is decimal text written by the application (never a float); the CHECKs on it
-- live in the application because SQLite would compare the text as a number.
CREATE TABLE leads (
    id                  TEXT PRIMARY KEY,
    title               TEXT NOT NULL,
    account_id          TEXT REFERENCES accounts (id) ON DELETE SET NULL,
    organization        TEXT,
    contact_name        TEXT,
    contact_email       TEXT,
    contact_phone       TEXT,
    product_id          TEXT REFERENCES products (id) ON DELETE SET NULL,
    value               TEXT,
    currency            TEXT,
    status              TEXT NOT NULL CHECK (status IN ('new', 'contacted', 'qualified', 'proposal',
                                                        'negotiation', 'won', 'lost')),
    probability         INTEGER NOT NULL CHECK (probability BETWEEN 0 AND 100),
    expected_close_date TEXT,
    acquisition_source  TEXT,
    owner_id            TEXT REFERENCES users (id) ON DELETE SET NULL,
    partner_id          TEXT REFERENCES accounts (id) ON DELETE SET NULL,
    distributor_id      TEXT REFERENCES accounts (id) ON DELETE SET NULL,
    lost_reason         TEXT,
    closed_at           TEXT,
    archived_at         TEXT,
    legacy_id           TEXT,
    provider_name       TEXT,
    provider_id         TEXT,
    provider_metadata   TEXT NOT NULL DEFAULT '{}',
    last_sync_at        TEXT,
    sync_status         TEXT,
    sync_error          TEXT,
    title_key           TEXT NOT NULL,
    search_text         TEXT NOT NULL DEFAULT '',
    search_seq          INTEGER,
    created_by          TEXT REFERENCES users (id) ON DELETE SET NULL,
    updated_by          TEXT REFERENCES users (id) ON DELETE SET NULL,
    created_at          TEXT NOT NULL,
    updated_at          TEXT NOT NULL,
    version             INTEGER NOT NULL DEFAULT 1,
    CHECK (value IS NULL OR currency IS NOT NULL),
    CHECK (status <> 'lost' OR coalesce(lost_reason, '') <> '')
);
CREATE UNIQUE INDEX leads_legacy_id_key ON leads (legacy_id);
CREATE UNIQUE INDEX leads_provider_key ON leads (provider_name, provider_id);
CREATE INDEX leads_owner_status_idx ON leads (owner_id, status);
CREATE INDEX leads_distributor_partner_idx ON leads (distributor_id, partner_id);
CREATE INDEX leads_partner_idx ON leads (partner_id);
CREATE INDEX leads_account_idx ON leads (account_id);
CREATE INDEX leads_product_idx ON leads (product_id);
CREATE INDEX leads_created_by_idx ON leads (created_by);
CREATE INDEX leads_status_created_idx ON leads (status, created_at, id);
CREATE INDEX leads_created_at_idx ON leads (created_at, id);
CREATE INDEX leads_updated_at_idx ON leads (updated_at, id);
CREATE INDEX leads_close_idx ON leads (expected_close_date, id);
CREATE UNIQUE INDEX leads_search_seq_key ON leads (search_seq);
CREATE INDEX leads_title_key_idx ON leads (title_key, id);

CREATE VIRTUAL TABLE lead_search USING fts5(
    body, content = '', contentless_delete = 1,
    tokenize = 'unicode61 remove_diacritics 2', prefix = '2 3'
);
CREATE TRIGGER leads_search_insert AFTER INSERT ON leads
BEGIN
    UPDATE leads SET search_seq = (SELECT coalesce(max(search_seq), 0) + 1 FROM leads)
        WHERE id = new.id;
    INSERT INTO lead_search (rowid, body)
        VALUES ((SELECT search_seq FROM leads WHERE id = new.id), new.search_text);
END;
CREATE TRIGGER leads_search_update AFTER UPDATE OF search_text ON leads
    WHEN old.search_text IS NOT new.search_text
BEGIN
    DELETE FROM lead_search WHERE rowid = old.search_seq;
    INSERT INTO lead_search (rowid, body) VALUES (new.search_seq, new.search_text);
END;
CREATE TRIGGER leads_search_delete AFTER DELETE ON leads
BEGIN
    DELETE FROM lead_search WHERE rowid = old.search_seq;
END;

-- Every status a lead has had, written in the transaction that changes it.
CREATE TABLE lead_status_history (
    id              TEXT PRIMARY KEY,
    lead_id         TEXT NOT NULL REFERENCES leads (id) ON DELETE CASCADE,
    old_status      TEXT,
    new_status      TEXT NOT NULL,
    reason          TEXT,
    reopened        INTEGER NOT NULL DEFAULT 0,
    changed_by      TEXT REFERENCES users (id) ON DELETE SET NULL,
    changed_at      TEXT NOT NULL
);
CREATE INDEX lead_status_history_lead_idx ON lead_status_history (lead_id, changed_at, id);

-- The pipeline board's figures, kept per status, currency and month of expected close,
-- for everyone ('all', nil member) and per owner, partner and distributor, so that the
-- board reads a few thousand rows instead of every lead. Written with each lead change;
-- the totals are decimal text added up by the application.
CREATE TABLE pipeline_totals (
    dimension       TEXT NOT NULL CHECK (dimension IN ('all', 'owner', 'partner', 'distributor')),
    member_id       TEXT NOT NULL,
    status          TEXT NOT NULL,
    -- '' for leads without a value.
    currency        TEXT NOT NULL,
    -- year * 12 + month - 1 of the expected close date; -1 when there is none.
    close_month     INTEGER NOT NULL,
    lead_count      INTEGER NOT NULL,
    value_total     TEXT NOT NULL,
    weighted_total  TEXT NOT NULL,
    PRIMARY KEY (dimension, member_id, status, currency, close_month)
) WITHOUT ROWID;

-- The rest of the timeline. SQLite cannot change a CHECK in place, so the table is
-- rebuilt with the lead link and the new columns.
CREATE TABLE activities_v3 (
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
    -- An interaction that corrects an earlier one (interactions are never edited).
    corrects_id     TEXT REFERENCES activities (id) ON DELETE SET NULL,
    -- The interaction a follow-up task was scheduled from.
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
INSERT INTO activities_v3 (id, kind, channel, subject, body, activity_date, due_at, done, done_at,
        internal, pinned, author_id, assignee_id, account_id, contact_id, created_by, updated_by,
        created_at, updated_at, version)
    SELECT id, kind, channel, subject, body, activity_date, due_at, done, done_at, internal,
        pinned, author_id, assignee_id, account_id, contact_id, created_by, updated_by,
        created_at, updated_at, version
    FROM activities;
DROP TABLE activities;
ALTER TABLE activities_v3 RENAME TO activities;
CREATE INDEX activities_account_idx ON activities (account_id, pinned, activity_date, created_at, id);
CREATE INDEX activities_contact_idx ON activities (contact_id, activity_date, created_at, id);
CREATE INDEX activities_lead_idx ON activities (lead_id, pinned, activity_date, created_at, id)
    WHERE lead_id IS NOT NULL;
CREATE INDEX activities_assignee_idx ON activities (assignee_id, done, due_at);
CREATE INDEX activities_due_idx ON activities (done, due_at);
-- Most activities correct nothing, follow nothing up and come from no provider: these
-- indexes hold only the rows that do.
CREATE INDEX activities_corrects_idx ON activities (corrects_id) WHERE corrects_id IS NOT NULL;
CREATE INDEX activities_parent_idx ON activities (parent_id) WHERE parent_id IS NOT NULL;
CREATE UNIQUE INDEX activities_provider_key ON activities (provider_name, provider_id)
    WHERE provider_id IS NOT NULL;
