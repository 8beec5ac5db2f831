-- Text search (#15): FTS5 keeps prefix indexes for 2 to 6 characters instead of 2 and 3.
-- A prefix query of 4 to 6 characters ("smith*") then reads one doclist instead of
-- merging those of every word that starts with it (an e-mail address makes each of its
-- words unique), so a page of matches costs the same at a million rows as at ten
-- thousand. The tables are contentless: each is rebuilt from its records' search_text
-- under the same rowids (search_seq); the triggers name them and need no change.
--
-- A search's count joins each text match to its record for the list's conditions; an
-- index holding what the count reads (archived_at and the name key) answers that join
-- without reading the record itself, five times cheaper per match.
DROP TABLE account_search;
CREATE VIRTUAL TABLE account_search USING fts5(
    body, content = '', contentless_delete = 1,
    tokenize = 'unicode61 remove_diacritics 2', prefix = '2 3 4 5 6'
);
INSERT INTO account_search (rowid, body) SELECT search_seq, search_text FROM accounts;

DROP TABLE contact_search;
CREATE VIRTUAL TABLE contact_search USING fts5(
    body, content = '', contentless_delete = 1,
    tokenize = 'unicode61 remove_diacritics 2', prefix = '2 3 4 5 6'
);
INSERT INTO contact_search (rowid, body) SELECT search_seq, search_text FROM contacts;

DROP TABLE lead_search;
CREATE VIRTUAL TABLE lead_search USING fts5(
    body, content = '', contentless_delete = 1,
    tokenize = 'unicode61 remove_diacritics 2', prefix = '2 3 4 5 6'
);
INSERT INTO lead_search (rowid, body) SELECT search_seq, search_text FROM leads;

CREATE INDEX accounts_search_cover_idx ON accounts (search_seq, archived_at, company_key);
CREATE INDEX leads_search_cover_idx ON leads (search_seq, archived_at, title_key);

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

-- Lead and account writes (#15): FTS5 writes what it holds in memory to disk at every
-- SAVEPOINT, and the SQLite writer runs each write of a batch in a savepoint of its own,
-- so each record made a tiny index segment that later merges paid for again. The
-- triggers now queue the text in `search_pending`; the writer applies the queue once
-- per batch, after its writes and before its commit (`rapport_store::kernel::search::
-- SQLITE_APPLY_PENDING`), so one commit holds both and a failed write's savepoint
-- rolls its queue rows back with it. `changed` marks rows whose old text must go.
CREATE TABLE search_pending (
    id      INTEGER PRIMARY KEY,
    fts     TEXT NOT NULL,
    seq     INTEGER NOT NULL,
    body    TEXT,
    changed INTEGER NOT NULL
);
DROP TRIGGER accounts_search_insert;
DROP TRIGGER accounts_search_update;
DROP TRIGGER accounts_search_delete;
CREATE TRIGGER accounts_search_insert AFTER INSERT ON accounts
BEGIN
    UPDATE accounts SET search_seq = (SELECT coalesce(max(search_seq), 0) + 1 FROM accounts)
        WHERE id = new.id;
    INSERT INTO search_pending (fts, seq, body, changed)
        VALUES ('account_search', (SELECT search_seq FROM accounts WHERE id = new.id), new.search_text, 0);
END;
CREATE TRIGGER accounts_search_update AFTER UPDATE OF search_text ON accounts
    WHEN old.search_text IS NOT new.search_text
BEGIN
    INSERT INTO search_pending (fts, seq, body, changed)
        VALUES ('account_search', new.search_seq, new.search_text, 1);
END;
CREATE TRIGGER accounts_search_delete AFTER DELETE ON accounts
BEGIN
    INSERT INTO search_pending (fts, seq, body, changed) VALUES ('account_search', old.search_seq, NULL, 1);
END;
DROP TRIGGER contacts_search_insert;
DROP TRIGGER contacts_search_update;
DROP TRIGGER contacts_search_delete;
CREATE TRIGGER contacts_search_insert AFTER INSERT ON contacts
BEGIN
    UPDATE contacts SET search_seq = (SELECT coalesce(max(search_seq), 0) + 1 FROM contacts)
        WHERE id = new.id;
    INSERT INTO search_pending (fts, seq, body, changed)
        VALUES ('contact_search', (SELECT search_seq FROM contacts WHERE id = new.id), new.search_text, 0);
END;
CREATE TRIGGER contacts_search_update AFTER UPDATE OF search_text ON contacts
    WHEN old.search_text IS NOT new.search_text
BEGIN
    INSERT INTO search_pending (fts, seq, body, changed)
        VALUES ('contact_search', new.search_seq, new.search_text, 1);
END;
CREATE TRIGGER contacts_search_delete AFTER DELETE ON contacts
BEGIN
    INSERT INTO search_pending (fts, seq, body, changed) VALUES ('contact_search', old.search_seq, NULL, 1);
END;
DROP TRIGGER leads_search_insert;
DROP TRIGGER leads_search_update;
DROP TRIGGER leads_search_delete;
CREATE TRIGGER leads_search_insert AFTER INSERT ON leads
BEGIN
    UPDATE leads SET search_seq = (SELECT coalesce(max(search_seq), 0) + 1 FROM leads)
        WHERE id = new.id;
    INSERT INTO search_pending (fts, seq, body, changed)
        VALUES ('lead_search', (SELECT search_seq FROM leads WHERE id = new.id), new.search_text, 0);
END;
CREATE TRIGGER leads_search_update AFTER UPDATE OF search_text ON leads
    WHEN old.search_text IS NOT new.search_text
BEGIN
    INSERT INTO search_pending (fts, seq, body, changed)
        VALUES ('lead_search', new.search_seq, new.search_text, 1);
END;
CREATE TRIGGER leads_search_delete AFTER DELETE ON leads
BEGIN
    INSERT INTO search_pending (fts, seq, body, changed) VALUES ('lead_search', old.search_seq, NULL, 1);
END;
