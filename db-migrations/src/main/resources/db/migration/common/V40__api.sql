-- Tables the HTTP API owns (api/). Valid on CockroachDB v24+ and PostgreSQL 16 alike.

-- Idempotency-Key: the first successful response to a POST is stored with a hash of its request, so a retry with
-- the same key and body gets the same answer without running the operation again, and the same key with a different
-- body is refused. Scoped per caller (principal) so two callers cannot collide on a key. Written in the same
-- transaction as the operation's effect, so a stored response always means the effect committed.
CREATE TABLE api_idempotency_keys (
    principal       TEXT        NOT NULL,
    idempotency_key TEXT        NOT NULL,
    request_hash    TEXT        NOT NULL,
    status_code     BIGINT      NOT NULL,
    response_body   TEXT        NULL,
    created_at      TIMESTAMPTZ NOT NULL DEFAULT now(),
    CONSTRAINT api_idempotency_keys_pkey PRIMARY KEY (principal, idempotency_key)
);

-- Why stock changed when a person said so: receipts, cycle counts (with the counted figure, the variance and the
-- reason), damage, transfers. The changefeed audit log (inventory_changes) records WHAT changed for every writer;
-- this table records the operator's stated reason, which a row diff cannot carry.
CREATE TABLE inventory_adjustments (
    id                      UUID        NOT NULL PRIMARY KEY DEFAULT gen_random_uuid(),
    sku                     TEXT        NOT NULL,
    location_id             TEXT        NOT NULL,
    kind                    TEXT        NOT NULL,
    on_hand_delta           BIGINT      NOT NULL,
    previous_on_hand        BIGINT      NOT NULL,
    counterpart_location_id TEXT        NULL,
    reason                  TEXT        NULL,
    reference               TEXT        NULL,
    actor                   TEXT        NOT NULL,
    created_at              TIMESTAMPTZ NOT NULL DEFAULT now(),
    CONSTRAINT inventory_adjustments_inventory_fk FOREIGN KEY (sku, location_id)
        REFERENCES inventory_levels (sku, location_id),
    CONSTRAINT inventory_adjustments_kind_valid CHECK (
        kind IN ('receipt', 'cycle_count', 'damage', 'transfer_out', 'transfer_in'))
);
CREATE INDEX inventory_adjustments_sku_idx ON inventory_adjustments (sku, location_id, created_at);
