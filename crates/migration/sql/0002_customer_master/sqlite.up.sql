-- The customer master around accounts: contacts and their links to accounts, account
-- reps, the activities timeline (notes first), merge pointers, address filters and
-- indexed text search.

ALTER TABLE accounts ADD COLUMN city TEXT;
ALTER TABLE accounts ADD COLUMN region TEXT;
ALTER TABLE accounts ADD COLUMN country TEXT;
-- Set when the account was merged into another; no foreign key so that the column can
-- be dropped again on SQLite. The application clears it when the survivor is deleted.
ALTER TABLE accounts ADD COLUMN merged_into_id TEXT;

-- The filterable place of an account is its billing address, or its service address when
-- it has no billing address (the same rule as the application's).
UPDATE accounts SET
    city = json_extract(coalesce(billing_address, service_address), '$.city'),
    region = json_extract(coalesce(billing_address, service_address), '$.region'),
    country = json_extract(coalesce(billing_address, service_address), '$.country');

-- Search text now also holds cities, tags and the phone's digits. The FTS5 tokenizer
-- folds case and accents itself, so appending the raw values is enough here; the
-- application writes the fully folded form on the next save.
UPDATE accounts SET search_text = trim(
    search_text
    || ' ' || coalesce(json_extract(billing_address, '$.city'), '')
    || ' ' || coalesce(json_extract(service_address, '$.city'), '')
    || ' ' || coalesce((SELECT group_concat(tag, ' ') FROM account_tags t WHERE t.account_id = accounts.id), '')
    || ' ' || replace(replace(replace(replace(replace(replace(replace(replace(
            coalesce(phone, ''), ' ', ''), '+', ''), '-', ''), '(', ''), ')', ''), '.', ''), 'x', ''), '/', ''));

DROP INDEX accounts_owner_idx;
CREATE INDEX accounts_owner_created_idx ON accounts (owner_id, created_at, id);
CREATE INDEX accounts_place_idx ON accounts (country, region);

CREATE TABLE contacts (
    id              TEXT PRIMARY KEY,
    kind            TEXT NOT NULL CHECK (kind IN ('contact', 'doctor', 'patient', 'technician',
                                                  'staff', 'sales_person')),
    first_name      TEXT,
    middle_name     TEXT,
    last_name       TEXT,
    email           TEXT,
    phone           TEXT,
    title           TEXT,
    date_of_birth   TEXT,
    gender          TEXT,
    address         TEXT,
    active          INTEGER NOT NULL DEFAULT 1,
    legacy_id       TEXT,
    metadata        TEXT NOT NULL DEFAULT '{}',
    name_key        TEXT NOT NULL,
    sort_key        TEXT NOT NULL,
    search_text     TEXT NOT NULL DEFAULT '',
    created_by      TEXT REFERENCES users (id) ON DELETE SET NULL,
    updated_by      TEXT REFERENCES users (id) ON DELETE SET NULL,
    created_at      TEXT NOT NULL,
    updated_at      TEXT NOT NULL,
    version         INTEGER NOT NULL DEFAULT 1,
    CHECK (coalesce(first_name, '') <> '' OR coalesce(last_name, '') <> '')
);
CREATE UNIQUE INDEX contacts_legacy_id_key ON contacts (legacy_id);
CREATE INDEX contacts_created_at_idx ON contacts (created_at, id);
CREATE INDEX contacts_updated_at_idx ON contacts (updated_at, id);
CREATE INDEX contacts_sort_key_idx ON contacts (sort_key, id);
CREATE INDEX contacts_email_idx ON contacts (email);
CREATE INDEX contacts_created_by_idx ON contacts (created_by);

CREATE TABLE account_contacts (
    id              TEXT PRIMARY KEY,
    account_id      TEXT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    contact_id      TEXT NOT NULL REFERENCES contacts (id) ON DELETE CASCADE,
    role            TEXT,
    is_primary      INTEGER NOT NULL DEFAULT 0,
    start_date      TEXT,
    end_date        TEXT,
    active          INTEGER NOT NULL DEFAULT 1,
    created_by      TEXT REFERENCES users (id) ON DELETE SET NULL,
    created_at      TEXT NOT NULL,
    updated_at      TEXT NOT NULL,
    version         INTEGER NOT NULL DEFAULT 1,
    CHECK (end_date IS NULL OR start_date IS NULL OR end_date >= start_date)
);
CREATE UNIQUE INDEX account_contacts_pair_key ON account_contacts (account_id, contact_id);
-- At most one primary contact per account, whatever writes the rows.
CREATE UNIQUE INDEX account_contacts_one_primary ON account_contacts (account_id) WHERE is_primary;
CREATE INDEX account_contacts_contact_idx ON account_contacts (contact_id);

CREATE TABLE account_reps (
    account_id      TEXT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    user_id         TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    role            TEXT NOT NULL CHECK (role IN ('primary', 'secondary')),
    created_by      TEXT REFERENCES users (id) ON DELETE SET NULL,
    created_at      TEXT NOT NULL,
    PRIMARY KEY (account_id, user_id)
);
-- The primary rep is the account's owner: one at most.
CREATE UNIQUE INDEX account_reps_one_primary ON account_reps (account_id) WHERE role = 'primary';
CREATE INDEX account_reps_user_idx ON account_reps (user_id, account_id);

INSERT INTO account_reps (account_id, user_id, role, created_by, created_at)
    SELECT id, owner_id, 'primary', NULL, updated_at FROM accounts WHERE owner_id IS NOT NULL;

-- One timeline model (DESIGN §2): notes now; calls, meetings, tasks and the other links
-- arrive with the pipeline.
CREATE TABLE activities (
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
CREATE INDEX activities_account_idx ON activities (account_id, activity_date, created_at, id);
CREATE INDEX activities_contact_idx ON activities (contact_id, activity_date, created_at, id);
CREATE INDEX activities_assignee_idx ON activities (assignee_id, done, due_at);

-- Text search. FTS5 rows are keyed by integers: each record gets a stable `search_seq`
-- (a stored column; a bare rowid of a table keyed by text may change under VACUUM). It
-- also orders the word matches of a search, newest first, on both engines.
ALTER TABLE accounts ADD COLUMN search_seq INTEGER;
UPDATE accounts SET search_seq = rowid;
CREATE UNIQUE INDEX accounts_search_seq_key ON accounts (search_seq);
ALTER TABLE contacts ADD COLUMN search_seq INTEGER;
CREATE UNIQUE INDEX contacts_search_seq_key ON contacts (search_seq);
CREATE INDEX contacts_name_key_idx ON contacts (name_key, id);

CREATE VIRTUAL TABLE account_search USING fts5(
    body, content = '', contentless_delete = 1,
    tokenize = 'unicode61 remove_diacritics 2', prefix = '2 3'
);
INSERT INTO account_search (rowid, body) SELECT search_seq, search_text FROM accounts;

CREATE TRIGGER accounts_search_insert AFTER INSERT ON accounts
BEGIN
    UPDATE accounts SET search_seq = (SELECT coalesce(max(search_seq), 0) + 1 FROM accounts)
        WHERE id = new.id;
    INSERT INTO account_search (rowid, body)
        VALUES ((SELECT search_seq FROM accounts WHERE id = new.id), new.search_text);
END;
CREATE TRIGGER accounts_search_update AFTER UPDATE OF search_text ON accounts
    WHEN old.search_text IS NOT new.search_text
BEGIN
    DELETE FROM account_search WHERE rowid = old.search_seq;
    INSERT INTO account_search (rowid, body) VALUES (new.search_seq, new.search_text);
END;
CREATE TRIGGER accounts_search_delete AFTER DELETE ON accounts
BEGIN
    DELETE FROM account_search WHERE rowid = old.search_seq;
END;

CREATE VIRTUAL TABLE contact_search USING fts5(
    body, content = '', contentless_delete = 1,
    tokenize = 'unicode61 remove_diacritics 2', prefix = '2 3'
);
CREATE TRIGGER contacts_search_insert AFTER INSERT ON contacts
BEGIN
    UPDATE contacts SET search_seq = (SELECT coalesce(max(search_seq), 0) + 1 FROM contacts)
        WHERE id = new.id;
    INSERT INTO contact_search (rowid, body)
        VALUES ((SELECT search_seq FROM contacts WHERE id = new.id), new.search_text);
END;
CREATE TRIGGER contacts_search_update AFTER UPDATE OF search_text ON contacts
    WHEN old.search_text IS NOT new.search_text
BEGIN
    DELETE FROM contact_search WHERE rowid = old.search_seq;
    INSERT INTO contact_search (rowid, body) VALUES (new.search_seq, new.search_text);
END;
CREATE TRIGGER contacts_search_delete AFTER DELETE ON contacts
BEGIN
    DELETE FROM contact_search WHERE rowid = old.search_seq;
END;
