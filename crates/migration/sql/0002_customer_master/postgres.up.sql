-- The customer master around accounts: contacts and their links to accounts, account
-- reps, the activities timeline (notes first), merge pointers, address filters and
-- indexed text search.

ALTER TABLE accounts ADD COLUMN city TEXT;
ALTER TABLE accounts ADD COLUMN region TEXT;
ALTER TABLE accounts ADD COLUMN country TEXT;
-- Set when the account was merged into another; kept without a foreign key like on
-- SQLite. The application clears it when the survivor is deleted.
ALTER TABLE accounts ADD COLUMN merged_into_id UUID;

-- The filterable place of an account is its billing address, or its service address when
-- it has no billing address (the same rule as the application's).
UPDATE accounts SET
    city = coalesce(billing_address, service_address) ->> 'city',
    region = coalesce(billing_address, service_address) ->> 'region',
    country = coalesce(billing_address, service_address) ->> 'country';

-- Search text is now a list of words (letters and digits only) and also holds cities,
-- tags and the phone's digits. Accents in the added values are folded on the next save.
UPDATE accounts SET search_text = btrim(regexp_replace(lower(
    search_text
    || ' ' || coalesce(billing_address ->> 'city', '')
    || ' ' || coalesce(service_address ->> 'city', '')
    || ' ' || coalesce((SELECT string_agg(tag, ' ') FROM account_tags t WHERE t.account_id = accounts.id), '')
    || ' ' || regexp_replace(coalesce(phone, ''), '[^0-9]', '', 'g')),
    '[^[:alnum:]]+', ' ', 'g'));

DROP INDEX accounts_owner_idx;
CREATE INDEX accounts_owner_created_idx ON accounts (owner_id, created_at, id);
CREATE INDEX accounts_place_idx ON accounts (country, region);
CREATE INDEX accounts_search_idx ON accounts USING gin (to_tsvector('simple', search_text));

CREATE TABLE contacts (
    id              UUID PRIMARY KEY,
    kind            TEXT NOT NULL CHECK (kind IN ('contact', 'doctor', 'patient', 'technician',
                                                  'staff', 'sales_person')),
    first_name      TEXT,
    middle_name     TEXT,
    last_name       TEXT,
    email           TEXT,
    phone           TEXT,
    title           TEXT,
    date_of_birth   DATE,
    gender          TEXT,
    address         JSONB,
    active          BOOLEAN NOT NULL DEFAULT TRUE,
    legacy_id       TEXT,
    metadata        JSONB NOT NULL DEFAULT '{}',
    name_key        TEXT NOT NULL,
    sort_key        TEXT NOT NULL,
    search_text     TEXT NOT NULL DEFAULT '',
    created_by      UUID REFERENCES users (id) ON DELETE SET NULL,
    updated_by      UUID REFERENCES users (id) ON DELETE SET NULL,
    created_at      TIMESTAMPTZ NOT NULL,
    updated_at      TIMESTAMPTZ NOT NULL,
    version         BIGINT NOT NULL DEFAULT 1,
    CHECK (coalesce(first_name, '') <> '' OR coalesce(last_name, '') <> '')
);
CREATE UNIQUE INDEX contacts_legacy_id_key ON contacts (legacy_id);
CREATE INDEX contacts_created_at_idx ON contacts (created_at, id);
CREATE INDEX contacts_updated_at_idx ON contacts (updated_at, id);
CREATE INDEX contacts_sort_key_idx ON contacts (sort_key, id);
CREATE INDEX contacts_email_idx ON contacts (email);
CREATE INDEX contacts_created_by_idx ON contacts (created_by);
CREATE INDEX contacts_search_idx ON contacts USING gin (to_tsvector('simple', search_text));

CREATE TABLE account_contacts (
    id              UUID PRIMARY KEY,
    account_id      UUID NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    contact_id      UUID NOT NULL REFERENCES contacts (id) ON DELETE CASCADE,
    role            TEXT,
    is_primary      BOOLEAN NOT NULL DEFAULT FALSE,
    start_date      DATE,
    end_date        DATE,
    active          BOOLEAN NOT NULL DEFAULT TRUE,
    created_by      UUID REFERENCES users (id) ON DELETE SET NULL,
    created_at      TIMESTAMPTZ NOT NULL,
    updated_at      TIMESTAMPTZ NOT NULL,
    version         BIGINT NOT NULL DEFAULT 1,
    CHECK (end_date IS NULL OR start_date IS NULL OR end_date >= start_date)
);
CREATE UNIQUE INDEX account_contacts_pair_key ON account_contacts (account_id, contact_id);
-- At most one primary contact per account, whatever writes the rows.
CREATE UNIQUE INDEX account_contacts_one_primary ON account_contacts (account_id) WHERE is_primary;
CREATE INDEX account_contacts_contact_idx ON account_contacts (contact_id);

CREATE TABLE account_reps (
    account_id      UUID NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    user_id         UUID NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    role            TEXT NOT NULL CHECK (role IN ('primary', 'secondary')),
    created_by      UUID REFERENCES users (id) ON DELETE SET NULL,
    created_at      TIMESTAMPTZ NOT NULL,
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
    id              UUID PRIMARY KEY,
    kind            TEXT NOT NULL CHECK (kind IN ('note', 'call', 'email', 'meeting', 'chat',
                                                  'task', 'comment')),
    channel         TEXT CHECK (channel IN ('phone', 'email', 'meeting', 'chat', 'other')),
    subject         TEXT,
    body            TEXT NOT NULL DEFAULT '',
    activity_date   DATE NOT NULL,
    due_at          TIMESTAMPTZ,
    done            BOOLEAN NOT NULL DEFAULT FALSE,
    done_at         TIMESTAMPTZ,
    internal        BOOLEAN NOT NULL DEFAULT FALSE,
    pinned          BOOLEAN NOT NULL DEFAULT FALSE,
    author_id       UUID REFERENCES users (id) ON DELETE SET NULL,
    assignee_id     UUID REFERENCES users (id) ON DELETE SET NULL,
    account_id      UUID REFERENCES accounts (id) ON DELETE CASCADE,
    contact_id      UUID REFERENCES contacts (id) ON DELETE SET NULL,
    created_by      UUID REFERENCES users (id) ON DELETE SET NULL,
    updated_by      UUID REFERENCES users (id) ON DELETE SET NULL,
    created_at      TIMESTAMPTZ NOT NULL,
    updated_at      TIMESTAMPTZ NOT NULL,
    version         BIGINT NOT NULL DEFAULT 1,
    CHECK (account_id IS NOT NULL OR contact_id IS NOT NULL)
);
CREATE INDEX activities_account_idx ON activities (account_id, activity_date, created_at, id);
CREATE INDEX activities_contact_idx ON activities (contact_id, activity_date, created_at, id);
CREATE INDEX activities_assignee_idx ON activities (assignee_id, done, due_at);
