-- The lab's views at scale (#19, docs/benchmarks.md): the first page of active projects
-- sorted by creation time read every project and sorted the open ones (1.2 s at 1.5M
-- projects); the monthly statistics sorted every kept count (newest month first, then
-- office and type, an order the primary key does not have) and scanned them all for
-- one office.
CREATE INDEX projects_created_idx ON projects (created_at, id);
CREATE INDEX order_month_counts_newest_idx ON order_month_counts (month DESC, office_id, order_type_id);
CREATE INDEX order_month_counts_office_idx ON order_month_counts (office_id, month DESC, order_type_id);
