-- Back to 0012: the kept counts go (they are derived from orders); messages forget the
-- state they moved their order to (the order's history still says it).
DROP TABLE order_month_counts;
ALTER TABLE messages DROP COLUMN moved_order_to;
