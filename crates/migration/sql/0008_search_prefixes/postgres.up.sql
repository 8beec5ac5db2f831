-- Text search prefixes (#15) are SQLite's FTS5 setting; PostgreSQL's GIN index on the
-- search vector answers a prefix from its sorted entries already.
SELECT 1;
