-- CockroachDB maintains last_updated itself: ON UPDATE applies to every UPDATE that does not set the column,
-- so a replay request (SET last_updated = now()) keeps its own value.
ALTER TABLE locations        ALTER COLUMN last_updated SET ON UPDATE now();
ALTER TABLE skus             ALTER COLUMN last_updated SET ON UPDATE now();
ALTER TABLE inventory_levels ALTER COLUMN last_updated SET ON UPDATE now();
ALTER TABLE reservations     ALTER COLUMN last_updated SET ON UPDATE now();
ALTER TABLE orders           ALTER COLUMN last_updated SET ON UPDATE now();
ALTER TABLE purchase_orders  ALTER COLUMN last_updated SET ON UPDATE now();
ALTER TABLE alerts           ALTER COLUMN last_updated SET ON UPDATE now();
ALTER TABLE channels         ALTER COLUMN last_updated SET ON UPDATE now();
ALTER TABLE subprocessor_state ALTER COLUMN last_updated SET ON UPDATE now();
