-- Which partners a distributor manages (seed 004). A distributor's users see the
-- partners of its active links and those partners' records; deactivating a link takes
-- them out of view at once. A partner has at most one active distributor, so that no
-- two distributors ever share a partner's data; past links stay as history.

CREATE TABLE distributor_partners (
    id              UUID PRIMARY KEY,
    distributor_id  UUID NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    partner_id      UUID NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    active          BOOLEAN NOT NULL DEFAULT TRUE,
    started_at      TIMESTAMPTZ NOT NULL,
    ended_at        TIMESTAMPTZ,
    created_by      UUID REFERENCES users (id) ON DELETE SET NULL,
    updated_by      UUID REFERENCES users (id) ON DELETE SET NULL,
    created_at      TIMESTAMPTZ NOT NULL,
    updated_at      TIMESTAMPTZ NOT NULL,
    version         BIGINT NOT NULL DEFAULT 1,
    CHECK (distributor_id <> partner_id),
    CHECK (active = (ended_at IS NULL))
);
CREATE UNIQUE INDEX distributor_partners_active_partner_key
    ON distributor_partners (partner_id) WHERE active;
-- Every scope condition of a distributor user reads this: its active partners.
CREATE INDEX distributor_partners_distributor_idx
    ON distributor_partners (distributor_id, active, partner_id);
