DROP INDEX activities_provider_key;
DROP INDEX activities_parent_idx;
DROP INDEX activities_corrects_idx;
DROP INDEX activities_due_idx;
DROP INDEX activities_lead_idx;
DROP INDEX activities_account_idx;
CREATE INDEX activities_account_idx ON activities (account_id, activity_date, created_at, id);
-- Activities linked only to a lead cannot exist without leads.
DELETE FROM activities WHERE account_id IS NULL AND contact_id IS NULL;
ALTER TABLE activities DROP CONSTRAINT activities_link_check;
ALTER TABLE activities ADD CONSTRAINT activities_check
    CHECK (account_id IS NOT NULL OR contact_id IS NOT NULL);
ALTER TABLE activities DROP COLUMN provider_id;
ALTER TABLE activities DROP COLUMN provider_name;
ALTER TABLE activities DROP COLUMN parent_id;
ALTER TABLE activities DROP COLUMN corrects_id;
ALTER TABLE activities DROP COLUMN lead_id;
DROP TABLE pipeline_totals;
DROP TABLE lead_status_history;
DROP TABLE leads;
DROP TABLE products;
DROP TABLE settings;
