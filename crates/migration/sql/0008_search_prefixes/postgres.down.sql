
-- Every lead in these indexes again, NULLs included.
DROP INDEX leads_partner_idx;
CREATE INDEX leads_partner_idx ON leads (partner_id);
DROP INDEX leads_account_idx;
CREATE INDEX leads_account_idx ON leads (account_id);
DROP INDEX leads_product_idx;
CREATE INDEX leads_product_idx ON leads (product_id);
DROP INDEX leads_distributor_partner_idx;
CREATE INDEX leads_distributor_partner_idx ON leads (distributor_id, partner_id);

-- The side tables of the text search go; the records' own GIN indexes remain.
DROP TRIGGER accounts_search_sync ON accounts;
DROP FUNCTION rapport_accounts_search_sync();
DROP TABLE account_search_vectors;
DROP TRIGGER contacts_search_sync ON contacts;
DROP FUNCTION rapport_contacts_search_sync();
DROP TABLE contact_search_vectors;
DROP TRIGGER leads_search_sync ON leads;
DROP FUNCTION rapport_leads_search_sync();
DROP TABLE lead_search_vectors;
