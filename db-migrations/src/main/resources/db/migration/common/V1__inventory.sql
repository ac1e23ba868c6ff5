-- Inventory model. Valid on CockroachDB v24+ and PostgreSQL 16 alike (see MigrationCompatibilityTest).
-- Keys are natural text keys (SKU codes, location codes, caller-chosen ids) or random UUIDs, never sequences,
-- so CockroachDB spreads writes over ranges instead of hot-spotting the tail of one.
-- Quantities are BIGINT (INT8 on both databases, a JSON number in the changefeed).

CREATE TABLE locations (
    id            TEXT        NOT NULL PRIMARY KEY,
    name          TEXT        NOT NULL,
    kind          TEXT        NOT NULL,
    region        TEXT        NOT NULL,
    time_zone     TEXT        NOT NULL DEFAULT 'UTC',
    capabilities  JSONB       NOT NULL DEFAULT '[]',
    active        BOOLEAN     NOT NULL DEFAULT true,
    created_at    TIMESTAMPTZ NOT NULL DEFAULT now(),
    last_updated  TIMESTAMPTZ NOT NULL DEFAULT now(),
    CONSTRAINT locations_kind_valid CHECK (kind IN ('fulfilment_centre', 'store', 'dark_store'))
);

CREATE TABLE skus (
    sku           TEXT          NOT NULL PRIMARY KEY,
    name          TEXT          NOT NULL,
    unit_price    DECIMAL(12,2) NOT NULL DEFAULT 0,
    attributes    JSONB         NOT NULL DEFAULT '{}',
    active        BOOLEAN       NOT NULL DEFAULT true,
    created_at    TIMESTAMPTZ   NOT NULL DEFAULT now(),
    last_updated  TIMESTAMPTZ   NOT NULL DEFAULT now(),
    CONSTRAINT skus_unit_price_non_negative CHECK (unit_price >= 0)
);

-- One row per (sku, location).
--   on_hand   physical, sellable-quality units in the building (damaged units are moved OUT of on_hand into damaged)
--   allocated units promised to confirmed orders, still on the shelf until picked/shipped
--   reserved  units held for checkouts in progress (reservations with status 'active')
--   available = on_hand - allocated - reserved   (never stored; never below zero, by inventory_never_oversold)
--   safety_stock is NOT subtracted here: the location may sell it, but channels are told
--   available - safety_stock (channel sync), so a miscount does not oversell online.
CREATE TABLE inventory_levels (
    sku               TEXT        NOT NULL REFERENCES skus (sku),
    location_id       TEXT        NOT NULL REFERENCES locations (id),
    on_hand           BIGINT      NOT NULL DEFAULT 0,
    allocated         BIGINT      NOT NULL DEFAULT 0,
    reserved          BIGINT      NOT NULL DEFAULT 0,
    damaged           BIGINT      NOT NULL DEFAULT 0,
    in_transit_in     BIGINT      NOT NULL DEFAULT 0,
    in_transit_out    BIGINT      NOT NULL DEFAULT 0,
    reorder_point     BIGINT      NOT NULL DEFAULT 0,
    safety_stock      BIGINT      NOT NULL DEFAULT 0,
    max_stock         BIGINT      NOT NULL DEFAULT 0,
    sellable          BOOLEAN     NOT NULL DEFAULT true,
    receiving_blocked BOOLEAN     NOT NULL DEFAULT false,
    last_counted_at   TIMESTAMPTZ NULL,
    last_updated      TIMESTAMPTZ NOT NULL DEFAULT now(),
    CONSTRAINT inventory_levels_pkey PRIMARY KEY (sku, location_id),
    CONSTRAINT inventory_quantities_non_negative CHECK (
        on_hand >= 0 AND allocated >= 0 AND reserved >= 0 AND damaged >= 0
        AND in_transit_in >= 0 AND in_transit_out >= 0),
    CONSTRAINT inventory_never_oversold CHECK (allocated + reserved <= on_hand),
    CONSTRAINT inventory_thresholds_valid CHECK (
        reorder_point >= 0 AND safety_stock >= 0 AND max_stock >= 0
        AND (max_stock = 0 OR max_stock >= reorder_point))
);

-- A checkout's hold on one line. id is the caller's idempotency key (e.g. cart id + line number).
CREATE TABLE reservations (
    id            TEXT        NOT NULL PRIMARY KEY,
    cart_id       TEXT        NOT NULL,
    order_id      UUID        NULL,
    sku           TEXT        NOT NULL,
    location_id   TEXT        NOT NULL,
    quantity      BIGINT      NOT NULL,
    status        TEXT        NOT NULL DEFAULT 'active',
    expires_at    TIMESTAMPTZ NOT NULL,
    created_at    TIMESTAMPTZ NOT NULL DEFAULT now(),
    last_updated  TIMESTAMPTZ NOT NULL DEFAULT now(),
    CONSTRAINT reservations_inventory_fk FOREIGN KEY (sku, location_id) REFERENCES inventory_levels (sku, location_id),
    CONSTRAINT reservations_quantity_positive CHECK (quantity > 0),
    CONSTRAINT reservations_status_valid CHECK (status IN ('active', 'confirmed', 'released', 'expired'))
);
CREATE INDEX reservations_cart_idx ON reservations (cart_id);

CREATE TABLE orders (
    id            UUID        NOT NULL PRIMARY KEY DEFAULT gen_random_uuid(),
    cart_id       TEXT        NOT NULL,
    location_id   TEXT        NOT NULL REFERENCES locations (id),
    status        TEXT        NOT NULL DEFAULT 'pending',
    customer_ref  TEXT        NULL,
    created_at    TIMESTAMPTZ NOT NULL DEFAULT now(),
    last_updated  TIMESTAMPTZ NOT NULL DEFAULT now(),
    CONSTRAINT orders_cart_unique UNIQUE (cart_id),
    CONSTRAINT orders_status_valid CHECK (
        status IN ('pending', 'confirmed', 'picked', 'packed', 'shipped', 'delivered', 'cancelled'))
);

CREATE TABLE order_lines (
    order_id       UUID   NOT NULL REFERENCES orders (id),
    line_no        BIGINT NOT NULL,
    sku            TEXT   NOT NULL REFERENCES skus (sku),
    quantity       BIGINT NOT NULL,
    reservation_id TEXT   NULL REFERENCES reservations (id),
    CONSTRAINT order_lines_pkey PRIMARY KEY (order_id, line_no),
    CONSTRAINT order_lines_quantity_positive CHECK (quantity > 0)
);

-- Restock: one purchase order per episode; episode_key makes the activity idempotent.
CREATE TABLE purchase_orders (
    id            UUID        NOT NULL PRIMARY KEY DEFAULT gen_random_uuid(),
    episode_key   TEXT        NOT NULL,
    sku           TEXT        NOT NULL,
    location_id   TEXT        NOT NULL,
    quantity      BIGINT      NOT NULL,
    status        TEXT        NOT NULL DEFAULT 'open',
    due_at        TIMESTAMPTZ NOT NULL,
    received_at   TIMESTAMPTZ NULL,
    created_at    TIMESTAMPTZ NOT NULL DEFAULT now(),
    last_updated  TIMESTAMPTZ NOT NULL DEFAULT now(),
    CONSTRAINT purchase_orders_episode_unique UNIQUE (episode_key),
    CONSTRAINT purchase_orders_inventory_fk FOREIGN KEY (sku, location_id) REFERENCES inventory_levels (sku, location_id),
    CONSTRAINT purchase_orders_quantity_positive CHECK (quantity > 0),
    CONSTRAINT purchase_orders_status_valid CHECK (status IN ('open', 'received', 'late', 'cancelled'))
);

-- Alerts: one row per episode; notify_count counts webhook deliveries (re-notification until acknowledged).
CREATE TABLE alerts (
    id              UUID        NOT NULL PRIMARY KEY DEFAULT gen_random_uuid(),
    episode_key     TEXT        NOT NULL,
    kind            TEXT        NOT NULL,
    severity        TEXT        NOT NULL DEFAULT 'warning',
    sku             TEXT        NULL,
    location_id     TEXT        NULL,
    message         TEXT        NOT NULL,
    details         JSONB       NOT NULL DEFAULT '{}',
    status          TEXT        NOT NULL DEFAULT 'open',
    notify_count    BIGINT      NOT NULL DEFAULT 0,
    acknowledged_by TEXT        NULL,
    acknowledged_at TIMESTAMPTZ NULL,
    created_at      TIMESTAMPTZ NOT NULL DEFAULT now(),
    last_updated    TIMESTAMPTZ NOT NULL DEFAULT now(),
    CONSTRAINT alerts_episode_unique UNIQUE (episode_key),
    CONSTRAINT alerts_kind_valid CHECK (
        kind IN ('low_stock', 'out_of_stock', 'count_variance', 'invariant_breach', 'restock_late')),
    CONSTRAINT alerts_severity_valid CHECK (severity IN ('info', 'warning', 'critical')),
    CONSTRAINT alerts_status_valid CHECK (status IN ('open', 'acknowledged', 'resolved'))
);

-- Sales channels and what each was last told (the channel-availability projection).
CREATE TABLE channels (
    id            TEXT        NOT NULL PRIMARY KEY,
    name          TEXT        NOT NULL,
    webhook_url   TEXT        NULL,
    active        BOOLEAN     NOT NULL DEFAULT true,
    created_at    TIMESTAMPTZ NOT NULL DEFAULT now(),
    last_updated  TIMESTAMPTZ NOT NULL DEFAULT now()
);

CREATE TABLE channel_availability (
    channel_id        TEXT        NOT NULL REFERENCES channels (id),
    sku               TEXT        NOT NULL REFERENCES skus (sku),
    available_to_sell BIGINT      NOT NULL,
    status            TEXT        NOT NULL,
    synced_at         TIMESTAMPTZ NOT NULL DEFAULT now(),
    CONSTRAINT channel_availability_pkey PRIMARY KEY (channel_id, sku),
    CONSTRAINT channel_availability_non_negative CHECK (available_to_sell >= 0),
    CONSTRAINT channel_availability_status_valid CHECK (status IN ('in_stock', 'low_stock', 'out_of_stock'))
);

-- Audit log written from the changefeed, so direct SQL writes are audited too.
-- (table_name, row_key, updated_hlc) identifies one emitted row version: a re-emitted duplicate inserts nothing.
CREATE TABLE inventory_changes (
    table_name    TEXT        NOT NULL,
    row_key       TEXT        NOT NULL,
    updated_hlc   TEXT        NOT NULL,
    operation     TEXT        NOT NULL,
    before_row    JSONB       NULL,
    after_row     JSONB       NULL,
    committed_at  TIMESTAMPTZ NOT NULL,
    recorded_at   TIMESTAMPTZ NOT NULL DEFAULT now(),
    CONSTRAINT inventory_changes_pkey PRIMARY KEY (row_key, table_name, updated_hlc),
    CONSTRAINT inventory_changes_operation_valid CHECK (operation IN ('insert', 'update', 'delete', 'replay'))
);
