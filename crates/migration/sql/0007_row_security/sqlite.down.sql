-- Row-level security is PostgreSQL's; on SQLite the scope in every query is the one
-- line of defence (crates/store/src/scope.rs).
SELECT 1;
