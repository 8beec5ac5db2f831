-- Back to 0011: the lab's tables go. SQLite drops no column that is a foreign key, so
-- the timeline is rebuilt in 0011's shape; comments on projects and tasks stay on their
-- order (they name it too), as comments of the order.
DROP INDEX activities_task_idx;
DROP INDEX activities_project_idx;
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
        version, order_id, contract_id)
    SELECT id, kind, channel, subject, body, activity_date, due_at, done, done_at,
        internal, pinned, author_id, assignee_id, account_id, contact_id, lead_id, corrects_id,
        parent_id, provider_name, provider_id, created_by, updated_by, created_at, updated_at,
        version, order_id, contract_id
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
DROP TABLE instructions;
DROP TABLE message_recipients;
DROP TABLE messages;
DROP TABLE message_types;
DROP TABLE tasks;
DROP TABLE projects;
DELETE FROM number_series WHERE series = 'project';
