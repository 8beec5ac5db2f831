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

-- Text search under row-level security (#15): a policy's conditions run before any
-- condition of the query that is not "leakproof", and the text match `@@` is not, so
-- with the policies on PostgreSQL could not use the GIN index on the record's own
-- table and read every row instead. Each searchable table now keeps its vectors in a
-- side table without a policy, `<name>_search_vectors` (search_seq, vector), indexed
-- by GIN and kept by a trigger; a search finds the search_seq values there and reads
-- the records through their own table, where the policy applies as before. The side
-- table holds words and sequence numbers only, like SQLite's FTS5 tables.
CREATE TABLE account_search_vectors (
    search_seq    BIGINT PRIMARY KEY,
    search_vector TSVECTOR NOT NULL
);
INSERT INTO account_search_vectors (search_seq, search_vector) SELECT search_seq, search_vector FROM accounts;
CREATE INDEX account_search_vectors_idx ON account_search_vectors USING gin (search_vector);
CREATE FUNCTION rapport_accounts_search_sync() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        DELETE FROM account_search_vectors WHERE search_seq = OLD.search_seq;
        RETURN OLD;
    END IF;
    INSERT INTO account_search_vectors (search_seq, search_vector) VALUES (NEW.search_seq, NEW.search_vector)
        ON CONFLICT (search_seq) DO UPDATE SET search_vector = EXCLUDED.search_vector;
    RETURN NEW;
END
$$;
CREATE TRIGGER accounts_search_sync AFTER INSERT OR UPDATE OF search_text OR DELETE ON accounts
    FOR EACH ROW EXECUTE FUNCTION rapport_accounts_search_sync();
CREATE TABLE contact_search_vectors (
    search_seq    BIGINT PRIMARY KEY,
    search_vector TSVECTOR NOT NULL
);
INSERT INTO contact_search_vectors (search_seq, search_vector) SELECT search_seq, search_vector FROM contacts;
CREATE INDEX contact_search_vectors_idx ON contact_search_vectors USING gin (search_vector);
CREATE FUNCTION rapport_contacts_search_sync() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        DELETE FROM contact_search_vectors WHERE search_seq = OLD.search_seq;
        RETURN OLD;
    END IF;
    INSERT INTO contact_search_vectors (search_seq, search_vector) VALUES (NEW.search_seq, NEW.search_vector)
        ON CONFLICT (search_seq) DO UPDATE SET search_vector = EXCLUDED.search_vector;
    RETURN NEW;
END
$$;
CREATE TRIGGER contacts_search_sync AFTER INSERT OR UPDATE OF search_text OR DELETE ON contacts
    FOR EACH ROW EXECUTE FUNCTION rapport_contacts_search_sync();
CREATE TABLE lead_search_vectors (
    search_seq    BIGINT PRIMARY KEY,
    search_vector TSVECTOR NOT NULL
);
INSERT INTO lead_search_vectors (search_seq, search_vector) SELECT search_seq, search_vector FROM leads;
CREATE INDEX lead_search_vectors_idx ON lead_search_vectors USING gin (search_vector);
CREATE FUNCTION rapport_leads_search_sync() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        DELETE FROM lead_search_vectors WHERE search_seq = OLD.search_seq;
        RETURN OLD;
    END IF;
    INSERT INTO lead_search_vectors (search_seq, search_vector) VALUES (NEW.search_seq, NEW.search_vector)
        ON CONFLICT (search_seq) DO UPDATE SET search_vector = EXCLUDED.search_vector;
    RETURN NEW;
END
$$;
CREATE TRIGGER leads_search_sync AFTER INSERT OR UPDATE OF search_text OR DELETE ON leads
    FOR EACH ROW EXECUTE FUNCTION rapport_leads_search_sync();
