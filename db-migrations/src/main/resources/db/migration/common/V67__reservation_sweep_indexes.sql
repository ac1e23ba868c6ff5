-- Indexes for the reservation sweep (api: ReservationSweeper). Separate from V66 because CockroachDB refuses an
-- index in the same transaction as the ADD COLUMN it refers to (cockroachdb/cockroach#83593); here every column
-- exists already. Partial indexes (CockroachDB since v20.2, PostgreSQL): only the rows a sweep can act on, so they
-- stay small however large the table grows, and writes to finished reservations never touch them.

-- Active holds by deadline: "active and expires_at <= cutoff", walked in (expires_at, id) order, is a range scan
-- of its head.
CREATE INDEX reservations_active_expiry_idx ON reservations (expires_at, id) WHERE status = 'active';

-- Confirmed holds still waiting for their order (normally a handful: an order follows a confirm within seconds).
CREATE INDEX reservations_confirmed_unordered_idx ON reservations (confirmed_at)
    WHERE status = 'confirmed' AND order_id IS NULL;
