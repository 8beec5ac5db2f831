DROP POLICY rapport_scope ON activities;
CREATE POLICY rapport_scope ON activities USING (
    (SELECT rapport_sees_everything())
    OR CASE (SELECT rapport_acting_role())
        WHEN 'fulfiller' THEN FALSE
        ELSE
            (NOT internal OR (SELECT rapport_acting_role()) NOT IN ('partner', 'distributor'))
            AND (EXISTS (SELECT 1 FROM accounts a WHERE a.id = activities.account_id)
                 OR EXISTS (SELECT 1 FROM leads l WHERE l.id = activities.lead_id)
                 OR EXISTS (SELECT 1 FROM contacts c WHERE c.id = activities.contact_id))
    END
);
-- Notes that hung only off an order or a contract have nowhere to go.
DELETE FROM activities WHERE account_id IS NULL AND contact_id IS NULL AND lead_id IS NULL;
ALTER TABLE activities DROP CONSTRAINT activities_link_check;
ALTER TABLE activities ADD CONSTRAINT activities_link_check
    CHECK (account_id IS NOT NULL OR contact_id IS NOT NULL OR lead_id IS NOT NULL);
DROP INDEX activities_order_idx;
DROP INDEX activities_contract_idx;
ALTER TABLE activities DROP COLUMN contract_id;
ALTER TABLE activities DROP COLUMN order_id;
ALTER TABLE orders DROP CONSTRAINT orders_renews_contract_fk;
DROP TABLE contract_status_history;
DROP TABLE contracts;
DROP TABLE order_state_history;
DROP TABLE order_items;
DROP TABLE order_people;
DROP TABLE orders;
DROP TABLE order_state_transitions;
DROP TABLE order_states;
DROP TABLE order_types;
DROP TABLE number_series;
DROP TABLE durations;
DROP TABLE price_tiers;
DROP INDEX products_type_idx;
DROP INDEX products_category_idx;
ALTER TABLE products DROP COLUMN currency;
ALTER TABLE products DROP COLUMN unit_price;
ALTER TABLE products DROP COLUMN category;
ALTER TABLE products DROP COLUMN unit;
ALTER TABLE products DROP COLUMN type;
