-- What teams moving from the seed systems tripped over (#16). The contacts' kind check
-- gains seed 003's `master` through the migration's own step
-- (crates/migration/src/steps.rs): SQLite cannot change a CHECK in place, and
-- rebuilding `contacts` would cascade to the tables that point at it.

-- A person's primary account (seed 003's doctor_offices.is_primary), beside an
-- account's primary contact: at most one per person.
ALTER TABLE account_contacts ADD COLUMN is_primary_account INTEGER NOT NULL DEFAULT 0;
CREATE UNIQUE INDEX account_contacts_one_primary_account
    ON account_contacts (contact_id) WHERE is_primary_account;

-- Seed 004's distributor_partners is many-to-many; one active link per pair.
DROP INDEX distributor_partners_active_partner_key;
CREATE UNIQUE INDEX distributor_partners_active_pair_key
    ON distributor_partners (distributor_id, partner_id) WHERE active = 1;
ALTER TABLE distributor_partners ADD COLUMN notes TEXT;

-- Seed 001's rule as a setting: a rep also sees the accounts they last updated.
CREATE INDEX accounts_updated_by_idx ON accounts (updated_by);
