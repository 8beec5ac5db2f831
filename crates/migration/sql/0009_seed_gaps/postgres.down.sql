DROP POLICY rapport_scope ON accounts;
CREATE POLICY rapport_scope ON accounts USING (
    (SELECT rapport_sees_everything())
    OR CASE (SELECT rapport_acting_role())
        WHEN 'rep' THEN
            owner_id = (SELECT rapport_acting_user())
            OR created_by = (SELECT rapport_acting_user())
            OR EXISTS (SELECT 1 FROM account_reps ar
                        WHERE ar.account_id = accounts.id AND ar.user_id = (SELECT rapport_acting_user()))
        WHEN 'partner' THEN id IN (SELECT rapport_organisations())
        WHEN 'distributor' THEN id IN (SELECT rapport_organisations())
        ELSE FALSE
    END
);
CREATE OR REPLACE FUNCTION rapport_rep_accounts() RETURNS SETOF uuid LANGUAGE sql STABLE
    AS $$
        SELECT id FROM accounts WHERE owner_id = rapport_acting_user()
        UNION SELECT id FROM accounts WHERE created_by = rapport_acting_user()
        UNION SELECT account_id FROM account_reps WHERE user_id = rapport_acting_user()
    $$;
DROP FUNCTION rapport_setting_on(text);
DROP INDEX accounts_updated_by_idx;

-- Refused (a unique violation) while a partner has two active distributors.
ALTER TABLE distributor_partners DROP COLUMN notes;
DROP INDEX distributor_partners_active_pair_key;
CREATE UNIQUE INDEX distributor_partners_active_partner_key
    ON distributor_partners (partner_id) WHERE active;

DROP INDEX account_contacts_one_primary_account;
ALTER TABLE account_contacts DROP COLUMN is_primary_account;

-- Refused (a check violation) while any person is of kind master.
ALTER TABLE contacts DROP CONSTRAINT contacts_kind_check;
ALTER TABLE contacts ADD CONSTRAINT contacts_kind_check
    CHECK (kind IN ('contact', 'doctor', 'patient', 'technician', 'staff', 'sales_person'));
