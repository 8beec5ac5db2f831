-- Text search prefixes (#15) are SQLite's FTS5 setting; PostgreSQL's GIN index on the
-- search vector answers a prefix from its sorted entries already.

-- Lead writes (#15): most leads have no partner, distributor, account or product yet,
-- and an index entry per NULL costs every create and change of such a lead for nothing.
-- These indexes now hold only the leads that have the value; every filter and policy on
-- them compares with a value, which implies it is not NULL, so each still uses them.
DROP INDEX leads_partner_idx;
CREATE INDEX leads_partner_idx ON leads (partner_id) WHERE partner_id IS NOT NULL;
DROP INDEX leads_account_idx;
CREATE INDEX leads_account_idx ON leads (account_id) WHERE account_id IS NOT NULL;
DROP INDEX leads_product_idx;
CREATE INDEX leads_product_idx ON leads (product_id) WHERE product_id IS NOT NULL;
DROP INDEX leads_distributor_partner_idx;
CREATE INDEX leads_distributor_partner_idx ON leads (distributor_id, partner_id) WHERE distributor_id IS NOT NULL;
