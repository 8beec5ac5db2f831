-- The account list filtered by kind and sorted by name (the UI's "Kind" filter with
-- "Name A–Z") walks this index instead of sorting every account of the kind.
CREATE INDEX accounts_kind_name_idx ON accounts (kind, name, id);
