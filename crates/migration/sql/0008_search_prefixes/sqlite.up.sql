-- Text search (#15): FTS5 keeps prefix indexes for 2 to 6 characters instead of 2 and 3.
-- A prefix query of 4 to 6 characters ("smith*") then reads one doclist instead of
-- merging those of every word that starts with it (an e-mail address makes each of its
-- words unique), so a page of matches costs the same at a million rows as at ten
-- thousand. The tables are contentless: each is rebuilt from its records' search_text
-- under the same rowids (search_seq); the triggers name them and need no change.
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
