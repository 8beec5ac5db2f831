-- Activities linked only to a lead cannot exist without leads.
CREATE TABLE activities_v2 (
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
    created_by      TEXT REFERENCES users (id) ON DELETE SET NULL,
    updated_by      TEXT REFERENCES users (id) ON DELETE SET NULL,
    created_at      TEXT NOT NULL,
    updated_at      TEXT NOT NULL,
    version         INTEGER NOT NULL DEFAULT 1,
    CHECK (account_id IS NOT NULL OR contact_id IS NOT NULL)
);
INSERT INTO activities_v2 (id, kind, channel, subject, body, activity_date, due_at, done, done_at,
        internal, pinned, author_id, assignee_id, account_id, contact_id, created_by, updated_by,
        created_at, updated_at, version)
    SELECT id, kind, channel, subject, body, activity_date, due_at, done, done_at, internal,
        pinned, author_id, assignee_id, account_id, contact_id, created_by, updated_by,
        created_at, updated_at, version
    FROM activities WHERE account_id IS NOT NULL OR contact_id IS NOT NULL;
DROP TABLE activities;
ALTER TABLE activities_v2 RENAME TO activities;
CREATE INDEX activities_account_idx ON activities (account_id, activity_date, created_at, id);
CREATE INDEX activities_contact_idx ON activities (contact_id, activity_date, created_at, id);
CREATE INDEX activities_assignee_idx ON activities (assignee_id, done, due_at);
DROP TABLE pipeline_totals;
DROP TABLE lead_status_history;
DROP TRIGGER leads_search_delete;
DROP TRIGGER leads_search_update;
DROP TRIGGER leads_search_insert;
DROP TABLE lead_search;
DROP TABLE leads;
DROP TABLE products;
DROP TABLE settings;
