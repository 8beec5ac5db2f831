-- Users, sign-in, audit, idempotency and the first domain table (accounts).

CREATE TABLE users (
    id              UUID PRIMARY KEY,
    email           TEXT NOT NULL,
    name            TEXT NOT NULL DEFAULT '',
    role            TEXT NOT NULL CHECK (role IN ('admin', 'restricted_admin', 'manager', 'rep',
                                                  'distributor', 'partner', 'fulfiller', 'viewer')),
    enabled         BOOLEAN NOT NULL DEFAULT TRUE,
    enabled_by      UUID REFERENCES users (id) ON DELETE SET NULL,
    enabled_at      TIMESTAMPTZ,
    auth_provider   TEXT NOT NULL DEFAULT 'local',
    auth_subject    TEXT,
    password_hash   TEXT,
    account_id      UUID,
    failed_logins   INTEGER NOT NULL DEFAULT 0,
    locked_until    TIMESTAMPTZ,
    last_login_at   TIMESTAMPTZ,
    created_at      TIMESTAMPTZ NOT NULL,
    updated_at      TIMESTAMPTZ NOT NULL,
    version         BIGINT NOT NULL DEFAULT 1
);
CREATE UNIQUE INDEX users_email_key ON users (email);

CREATE TABLE sessions (
    id              TEXT PRIMARY KEY,
    user_id         UUID NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    csrf_token      TEXT NOT NULL,
    created_at      TIMESTAMPTZ NOT NULL,
    last_seen_at    TIMESTAMPTZ NOT NULL,
    expires_at      TIMESTAMPTZ NOT NULL,
    ip              TEXT,
    user_agent      TEXT
);
CREATE INDEX sessions_user_idx ON sessions (user_id);
CREATE INDEX sessions_expires_idx ON sessions (expires_at);

CREATE TABLE api_tokens (
    id              UUID PRIMARY KEY,
    user_id         UUID NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    name            TEXT NOT NULL,
    token_hash      TEXT NOT NULL,
    prefix          TEXT NOT NULL,
    created_at      TIMESTAMPTZ NOT NULL,
    expires_at      TIMESTAMPTZ,
    revoked_at      TIMESTAMPTZ,
    last_used_at    TIMESTAMPTZ
);
CREATE UNIQUE INDEX api_tokens_token_hash_key ON api_tokens (token_hash);
CREATE INDEX api_tokens_user_idx ON api_tokens (user_id, created_at);

CREATE TABLE accounts (
    id                  UUID PRIMARY KEY,
    kind                TEXT NOT NULL CHECK (kind IN ('customer', 'prospect', 'partner', 'distributor',
                                                      'office', 'facility')),
    name                TEXT NOT NULL CHECK (name <> ''),
    legal_name          TEXT,
    company_key         TEXT NOT NULL CHECK (company_key <> ''),
    registration_number TEXT,
    customer_type       TEXT CHECK (customer_type IN ('residential', 'commercial')),
    email               TEXT,
    phone               TEXT,
    website             TEXT,
    billing_address     JSONB,
    service_address     JSONB,
    tags                JSONB NOT NULL DEFAULT '[]',
    notes               TEXT,
    owner_id            UUID REFERENCES users (id) ON DELETE SET NULL,
    legacy_id           TEXT,
    metadata            JSONB NOT NULL DEFAULT '{}',
    search_text         TEXT NOT NULL DEFAULT '',
    created_by          UUID REFERENCES users (id) ON DELETE SET NULL,
    updated_by          UUID REFERENCES users (id) ON DELETE SET NULL,
    created_at          TIMESTAMPTZ NOT NULL,
    updated_at          TIMESTAMPTZ NOT NULL,
    archived_at         TIMESTAMPTZ,
    version             BIGINT NOT NULL DEFAULT 1
);
CREATE UNIQUE INDEX accounts_company_key_key ON accounts (company_key);
CREATE UNIQUE INDEX accounts_registration_number_key ON accounts (registration_number);
CREATE UNIQUE INDEX accounts_legacy_id_key ON accounts (legacy_id);
CREATE INDEX accounts_owner_idx ON accounts (owner_id);
CREATE INDEX accounts_created_by_idx ON accounts (created_by);
CREATE INDEX accounts_created_at_idx ON accounts (created_at, id);
CREATE INDEX accounts_updated_at_idx ON accounts (updated_at, id);
CREATE INDEX accounts_name_idx ON accounts (name, id);
CREATE INDEX accounts_kind_created_idx ON accounts (kind, created_at, id);

ALTER TABLE users ADD CONSTRAINT users_account_id_fkey
    FOREIGN KEY (account_id) REFERENCES accounts (id) ON DELETE SET NULL;

CREATE TABLE account_tags (
    account_id  UUID NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    tag         TEXT NOT NULL,
    PRIMARY KEY (account_id, tag)
);
CREATE INDEX account_tags_tag_idx ON account_tags (tag, account_id);

CREATE TABLE audit_log (
    id          UUID PRIMARY KEY,
    at          TIMESTAMPTZ NOT NULL,
    actor_id    UUID,
    actor_email TEXT,
    action      TEXT NOT NULL,
    entity_type TEXT NOT NULL,
    entity_id   UUID,
    before      JSONB,
    after       JSONB,
    request_id  TEXT,
    ip          TEXT,
    user_agent  TEXT
);
CREATE INDEX audit_log_at_idx ON audit_log (at, id);
CREATE INDEX audit_log_entity_idx ON audit_log (entity_type, entity_id, at);
CREATE INDEX audit_log_actor_idx ON audit_log (actor_id, at);

-- The audit log is append-only: history that can be rewritten is not history.
CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit_log is append-only';
END;
$$;
CREATE TRIGGER audit_log_no_update BEFORE UPDATE OR DELETE ON audit_log
    FOR EACH ROW EXECUTE FUNCTION audit_log_append_only();

CREATE TABLE idempotency_keys (
    user_id          UUID NOT NULL,
    key              TEXT NOT NULL,
    method           TEXT NOT NULL,
    path             TEXT NOT NULL,
    body_hash        TEXT NOT NULL,
    status           INTEGER,
    response_headers JSONB,
    response_body    BYTEA,
    created_at       TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (user_id, key)
);
CREATE INDEX idempotency_keys_created_idx ON idempotency_keys (created_at);
