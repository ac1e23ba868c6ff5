-- Flash-sale controls for reservations (api/README.md, "Reservations"). Valid on CockroachDB v24+ and PostgreSQL 16.

-- Who a hold is for: a per-customer purchase limit counts the customer's active and confirmed holds of a SKU.
-- Counting the reservations themselves (rather than keeping a separate counter) means a release or an expiry, by
-- whichever path (API, expiry workflow, a person with psql), gives the allowance back with no second write to forget.
ALTER TABLE reservations ADD COLUMN customer_ref TEXT NULL;
CREATE INDEX reservations_customer_sku_idx ON reservations (customer_ref, sku);

-- At most max_per_customer units of the SKU held (active or confirmed) by one customer_ref at any time.
CREATE TABLE purchase_limits (
    sku              TEXT        NOT NULL PRIMARY KEY REFERENCES skus (sku),
    max_per_customer BIGINT      NOT NULL,
    updated_by       TEXT        NOT NULL,
    updated_at       TIMESTAMPTZ NOT NULL DEFAULT now(),
    CONSTRAINT purchase_limits_positive CHECK (max_per_customer > 0)
);

-- One row per (sku, customer) that has bought a limited SKU: the reserve transaction upserts it first, which takes
-- its row lock, and only then counts the customer's holds. Two concurrent purchases by one customer therefore count
-- one after the other (PostgreSQL READ COMMITTED: the count is a new statement after the lock wait, so it sees the
-- other's committed hold; CockroachDB SERIALIZABLE: the conflict is a 40001 retry). No advisory locks needed.
CREATE TABLE purchase_limit_locks (
    sku          TEXT        NOT NULL,
    customer_ref TEXT        NOT NULL,
    last_checked TIMESTAMPTZ NOT NULL DEFAULT now(),
    CONSTRAINT purchase_limit_locks_pkey PRIMARY KEY (sku, customer_ref)
);
