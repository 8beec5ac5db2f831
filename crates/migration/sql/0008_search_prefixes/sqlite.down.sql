-- Back to prefix indexes for 2 and 3 characters, rebuilt from the records' search_text.

-- The text indexes written by the triggers again, the queue applied and gone.
DELETE FROM account_search WHERE rowid IN (SELECT seq FROM search_pending WHERE fts = 'account_search' AND changed = 1);
INSERT INTO account_search (rowid, body) SELECT seq, body FROM search_pending p
    WHERE fts = 'account_search' AND body IS NOT NULL
      AND id = (SELECT max(id) FROM search_pending q WHERE q.fts = p.fts AND q.seq = p.seq);
DROP TRIGGER accounts_search_insert;
DROP TRIGGER accounts_search_update;
DROP TRIGGER accounts_search_delete;
CREATE TRIGGER accounts_search_insert AFTER INSERT ON accounts
BEGIN
    UPDATE accounts SET search_seq = (SELECT coalesce(max(search_seq), 0) + 1 FROM accounts)
        WHERE id = new.id;
    INSERT INTO account_search (rowid, body)
        VALUES ((SELECT search_seq FROM accounts WHERE id = new.id), new.search_text);
END;
CREATE TRIGGER accounts_search_update AFTER UPDATE OF search_text ON accounts
    WHEN old.search_text IS NOT new.search_text
BEGIN
    DELETE FROM account_search WHERE rowid = old.search_seq;
    INSERT INTO account_search (rowid, body) VALUES (new.search_seq, new.search_text);
END;
CREATE TRIGGER accounts_search_delete AFTER DELETE ON accounts
BEGIN
    DELETE FROM account_search WHERE rowid = old.search_seq;
END;
DELETE FROM contact_search WHERE rowid IN (SELECT seq FROM search_pending WHERE fts = 'contact_search' AND changed = 1);
INSERT INTO contact_search (rowid, body) SELECT seq, body FROM search_pending p
    WHERE fts = 'contact_search' AND body IS NOT NULL
      AND id = (SELECT max(id) FROM search_pending q WHERE q.fts = p.fts AND q.seq = p.seq);
DROP TRIGGER contacts_search_insert;
DROP TRIGGER contacts_search_update;
DROP TRIGGER contacts_search_delete;
CREATE TRIGGER contacts_search_insert AFTER INSERT ON contacts
BEGIN
    UPDATE contacts SET search_seq = (SELECT coalesce(max(search_seq), 0) + 1 FROM contacts)
        WHERE id = new.id;
    INSERT INTO contact_search (rowid, body)
        VALUES ((SELECT search_seq FROM contacts WHERE id = new.id), new.search_text);
END;
CREATE TRIGGER contacts_search_update AFTER UPDATE OF search_text ON contacts
    WHEN old.search_text IS NOT new.search_text
BEGIN
    DELETE FROM contact_search WHERE rowid = old.search_seq;
    INSERT INTO contact_search (rowid, body) VALUES (new.search_seq, new.search_text);
END;
CREATE TRIGGER contacts_search_delete AFTER DELETE ON contacts
BEGIN
    DELETE FROM contact_search WHERE rowid = old.search_seq;
END;
DELETE FROM lead_search WHERE rowid IN (SELECT seq FROM search_pending WHERE fts = 'lead_search' AND changed = 1);
INSERT INTO lead_search (rowid, body) SELECT seq, body FROM search_pending p
    WHERE fts = 'lead_search' AND body IS NOT NULL
      AND id = (SELECT max(id) FROM search_pending q WHERE q.fts = p.fts AND q.seq = p.seq);
DROP TRIGGER leads_search_insert;
DROP TRIGGER leads_search_update;
DROP TRIGGER leads_search_delete;
CREATE TRIGGER leads_search_insert AFTER INSERT ON leads
BEGIN
    UPDATE leads SET search_seq = (SELECT coalesce(max(search_seq), 0) + 1 FROM leads)
        WHERE id = new.id;
    INSERT INTO lead_search (rowid, body)
        VALUES ((SELECT search_seq FROM leads WHERE id = new.id), new.search_text);
END;
CREATE TRIGGER leads_search_update AFTER UPDATE OF search_text ON leads
    WHEN old.search_text IS NOT new.search_text
BEGIN
    DELETE FROM lead_search WHERE rowid = old.search_seq;
    INSERT INTO lead_search (rowid, body) VALUES (new.search_seq, new.search_text);
END;
CREATE TRIGGER leads_search_delete AFTER DELETE ON leads
BEGIN
    DELETE FROM lead_search WHERE rowid = old.search_seq;
END;
DROP TABLE search_pending;
DROP INDEX accounts_search_cover_idx;
DROP INDEX leads_search_cover_idx;
DROP TABLE account_search;
CREATE VIRTUAL TABLE account_search USING fts5(
    body, content = '', contentless_delete = 1,
    tokenize = 'unicode61 remove_diacritics 2', prefix = '2 3'
);
INSERT INTO account_search (rowid, body) SELECT search_seq, search_text FROM accounts;

DROP TABLE contact_search;
CREATE VIRTUAL TABLE contact_search USING fts5(
    body, content = '', contentless_delete = 1,
    tokenize = 'unicode61 remove_diacritics 2', prefix = '2 3'
);
INSERT INTO contact_search (rowid, body) SELECT search_seq, search_text FROM contacts;

DROP TABLE lead_search;
CREATE VIRTUAL TABLE lead_search USING fts5(
    body, content = '', contentless_delete = 1,
    tokenize = 'unicode61 remove_diacritics 2', prefix = '2 3'
);
INSERT INTO lead_search (rowid, body) SELECT search_seq, search_text FROM leads;

-- Every lead in these indexes again, NULLs included.
DROP INDEX leads_partner_idx;
CREATE INDEX leads_partner_idx ON leads (partner_id);
DROP INDEX leads_account_idx;
CREATE INDEX leads_account_idx ON leads (account_id);
DROP INDEX leads_product_idx;
CREATE INDEX leads_product_idx ON leads (product_id);
DROP INDEX leads_distributor_partner_idx;
CREATE INDEX leads_distributor_partner_idx ON leads (distributor_id, partner_id);
