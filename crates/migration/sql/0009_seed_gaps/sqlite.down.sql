DROP INDEX accounts_updated_by_idx;

-- Refused (a unique violation) while a partner has two active distributors.
ALTER TABLE distributor_partners DROP COLUMN notes;
DROP INDEX distributor_partners_active_pair_key;
CREATE UNIQUE INDEX distributor_partners_active_partner_key
    ON distributor_partners (partner_id) WHERE active = 1;

DROP INDEX account_contacts_one_primary_account;
ALTER TABLE account_contacts DROP COLUMN is_primary_account;
