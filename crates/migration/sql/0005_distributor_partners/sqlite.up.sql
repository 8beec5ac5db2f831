-- Which partners a distributor manages (seed 004). A distributor's users see the
-- partners of its active links and those partners' records; deactivating a link takes
-- them out of view at once. A partner has at most one active distributor, so that no
-- two distributors ever share a partner's data; past links stay as history.

CREATE TABLE distributor_partners (
    id              TEXT PRIMARY KEY,
    distributor_id  TEXT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    partner_id      TEXT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    active          INTEGER NOT NULL DEFAULT 1,
    started_at      TEXT NOT NULL,
    ended_at        TEXT,
    created_by      TEXT REFERENCES users (id) ON DELETE SET NULL,
    updated_by      TEXT REFERENCES users (id) ON DELETE SET NULL,
    created_at      TEXT NOT NULL,
    updated_at      TEXT NOT NULL,
    version         INTEGER NOT NULL DEFAULT 1,
    CHECK (distributor_id <> partner_id),
    CHECK (active = (ended_at IS NULL))
);
CREATE UNIQUE INDEX distributor_partners_active_partner_key
    ON distributor_partners (partner_id) WHERE active = 1;
-- Every scope condition of a distributor user reads this: its active partners.
CREATE INDEX distributor_partners_distributor_idx
    ON distributor_partners (distributor_id, active, partner_id);
