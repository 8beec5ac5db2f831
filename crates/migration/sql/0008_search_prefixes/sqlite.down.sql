-- Back to prefix indexes for 2 and 3 characters, rebuilt from the records' search_text.
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
