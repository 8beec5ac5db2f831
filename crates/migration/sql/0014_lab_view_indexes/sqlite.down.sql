-- Back to 0013: the views read without their indexes (slower, the same answers).
DROP INDEX order_month_counts_office_idx;
DROP INDEX order_month_counts_newest_idx;
DROP INDEX projects_created_idx;
