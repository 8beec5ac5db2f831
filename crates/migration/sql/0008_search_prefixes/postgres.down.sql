-- Text search prefixes (#15) are SQLite's FTS5 setting; PostgreSQL's GIN index on the
-- search vector answers a prefix from its sorted entries already.

-- Every lead in these indexes again, NULLs included.
DROP INDEX leads_partner_idx;
CREATE INDEX leads_partner_idx ON leads (partner_id);
DROP INDEX leads_account_idx;
CREATE INDEX leads_account_idx ON leads (account_id);
DROP INDEX leads_product_idx;
CREATE INDEX leads_product_idx ON leads (product_id);
DROP INDEX leads_distributor_partner_idx;
CREATE INDEX leads_distributor_partner_idx ON leads (distributor_id, partner_id);
