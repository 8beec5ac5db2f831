-- What teams moving from the seed systems tripped over (#16).

-- Seed 003's profile types include `master` (a senior lab technician).
ALTER TABLE contacts DROP CONSTRAINT contacts_kind_check;
ALTER TABLE contacts ADD CONSTRAINT contacts_kind_check
    CHECK (kind IN ('contact', 'doctor', 'patient', 'technician', 'staff', 'sales_person', 'master'));

-- A person's primary account (seed 003's doctor_offices.is_primary), beside an
-- account's primary contact: at most one per person.
ALTER TABLE account_contacts ADD COLUMN is_primary_account BOOLEAN NOT NULL DEFAULT FALSE;
CREATE UNIQUE INDEX account_contacts_one_primary_account
    ON account_contacts (contact_id) WHERE is_primary_account;

-- Seed 004's distributor_partners is many-to-many: a partner may be managed by several
-- distributors at once (each sees its records); one active link per pair. The link
-- keeps the seed's notes.
DROP INDEX distributor_partners_active_partner_key;
CREATE UNIQUE INDEX distributor_partners_active_pair_key
    ON distributor_partners (distributor_id, partner_id) WHERE active;
ALTER TABLE distributor_partners ADD COLUMN notes TEXT;

-- Seed 001's rule as a setting: a rep also sees the accounts they last updated.
CREATE INDEX accounts_updated_by_idx ON accounts (updated_by);
CREATE FUNCTION rapport_setting_on(setting text) RETURNS boolean LANGUAGE sql STABLE
    AS $$ SELECT EXISTS (SELECT 1 FROM settings WHERE key = setting AND value = 'true'::jsonb) $$;
CREATE OR REPLACE FUNCTION rapport_rep_accounts() RETURNS SETOF uuid LANGUAGE sql STABLE
    AS $$
        SELECT id FROM accounts WHERE owner_id = rapport_acting_user()
        UNION SELECT id FROM accounts WHERE created_by = rapport_acting_user()
        UNION SELECT account_id FROM account_reps WHERE user_id = rapport_acting_user()
        UNION SELECT id FROM accounts WHERE updated_by = rapport_acting_user()
            AND rapport_setting_on('accounts.reps_see_last_updated')
    $$;
DROP POLICY rapport_scope ON accounts;
CREATE POLICY rapport_scope ON accounts USING (
    (SELECT rapport_sees_everything())
    OR CASE (SELECT rapport_acting_role())
        WHEN 'rep' THEN
            owner_id = (SELECT rapport_acting_user())
            OR created_by = (SELECT rapport_acting_user())
            OR EXISTS (SELECT 1 FROM account_reps ar
                        WHERE ar.account_id = accounts.id AND ar.user_id = (SELECT rapport_acting_user()))
            OR (updated_by = (SELECT rapport_acting_user())
                AND (SELECT rapport_setting_on('accounts.reps_see_last_updated')))
        WHEN 'partner' THEN id IN (SELECT rapport_organisations())
        WHEN 'distributor' THEN id IN (SELECT rapport_organisations())
        ELSE FALSE
    END
);

-- Phone numbers gain search words (the digits from each group on); written by the
-- migration's own step (crates/migration/src/steps.rs), which the folding rules need.
