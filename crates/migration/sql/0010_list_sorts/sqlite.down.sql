DROP INDEX accounts_kind_name_idx;
