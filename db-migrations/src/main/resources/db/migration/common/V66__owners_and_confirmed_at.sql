-- Issue 12: carts and orders belong to the caller, and a confirmed hold without an order does not keep stock forever.
-- Valid on CockroachDB v24+ and PostgreSQL 16. Only nullable columns without defaults: existing rows stay as they
-- are, and adding them rewrites nothing (a metadata-only change on both databases).

-- The API principal that reserved the cart ("key-" + 12 hex of the API key's digest, never the key). Other channel
-- callers get 404 for the cart, its confirm/release and its order; ops may act on any. NULL on rows written before
-- this migration (or by direct SQL): nobody is known to own them, so they stay reachable by every caller with the
-- role, as before (api/README.md, "Ownership").
ALTER TABLE reservations ADD COLUMN owner_principal TEXT NULL;

-- The order's owner: the cart's owner (also when ops creates the order for it).
ALTER TABLE orders ADD COLUMN owner_principal TEXT NULL;

-- When the hold was confirmed (reserved -> allocated). A confirmed hold that still has no order
-- stockflow.reservations.confirmed-order-timeout later is released by the reservation sweep. NULL on rows confirmed
-- before this migration: the sweep falls back to last_updated for those (never earlier than the confirm).
ALTER TABLE reservations ADD COLUMN confirmed_at TIMESTAMPTZ NULL;
