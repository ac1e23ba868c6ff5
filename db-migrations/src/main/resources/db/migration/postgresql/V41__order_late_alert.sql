-- Order fulfilment SLA (workflows/orders): an order not shipped by its ship-by deadline raises an order_late alert,
-- one per order (episode key order_late/-/<location>/<order id>). Dropped and re-added under the same name as two
-- statements; the new list is a superset, so existing rows pass its validation.
ALTER TABLE alerts DROP CONSTRAINT alerts_kind_valid;
ALTER TABLE alerts ADD CONSTRAINT alerts_kind_valid CHECK (
    kind IN ('low_stock', 'out_of_stock', 'count_variance', 'invariant_breach', 'restock_late', 'order_late'));
