-- The lab's standing views (#19; seed 003): orders counted per month, office and type,
-- kept in step by every order write (the orders area), so that the monthly statistics
-- read a few hundred rows rather than every order. An order with no office counts under
-- the nil id. The month is the order's creation month in UTC, `YYYY-MM`.
--
-- No row-level security: the rows belong to no one (like number_series); the store
-- reads them only for the roles that see every order, and counts the orders a scoped
-- role sees from the orders themselves, under their own policy.
CREATE TABLE order_month_counts (
    month           TEXT NOT NULL,
    office_id       UUID NOT NULL,
    order_type_id   UUID NOT NULL,
    order_count     BIGINT NOT NULL,
    PRIMARY KEY (month, office_id, order_type_id)
);
INSERT INTO order_month_counts (month, office_id, order_type_id, order_count)
SELECT to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM'),
       COALESCE(account_id, '00000000-0000-0000-0000-000000000000'::uuid),
       order_type_id, COUNT(*)
  FROM orders
 GROUP BY 1, 2, 3;

-- The state a message moved its order to, as it was when sent (its type may change
-- later).
ALTER TABLE messages ADD COLUMN moved_order_to TEXT;
