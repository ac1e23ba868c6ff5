-- PostgreSQL's last_updated now behaves exactly as CockroachDB's ON UPDATE now() (cockroachdb/V3):
--  * the value is the transaction's timestamp, now(), one per transaction (V3 used clock_timestamp(), one per row);
--  * an UPDATE that names last_updated in its SET list keeps what it sets, even the value already there (V3
--    touched it whenever the value did not change, so "SET last_updated = last_updated" moved it here but not on
--    CockroachDB).
-- A row trigger cannot see the SET list, but "BEFORE UPDATE OF last_updated" fires only when the column is in it:
-- that trigger marks the row (a transaction-local setting) and fires first (triggers fire in name order), and the
-- touch trigger consumes the mark.
CREATE OR REPLACE FUNCTION stockflow_touch_last_updated() RETURNS trigger AS $$
BEGIN
    IF current_setting('stockflow.last_updated_in_set', true) = 'on' THEN
        PERFORM set_config('stockflow.last_updated_in_set', 'off', true);
    ELSE
        NEW.last_updated := now();
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;

CREATE FUNCTION stockflow_last_updated_in_set() RETURNS trigger AS $$
BEGIN
    PERFORM set_config('stockflow.last_updated_in_set', 'on', true);
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER locations_0_last_updated_in_set BEFORE UPDATE OF last_updated ON locations
    FOR EACH ROW EXECUTE FUNCTION stockflow_last_updated_in_set();
CREATE TRIGGER skus_0_last_updated_in_set BEFORE UPDATE OF last_updated ON skus
    FOR EACH ROW EXECUTE FUNCTION stockflow_last_updated_in_set();
CREATE TRIGGER inventory_levels_0_last_updated_in_set BEFORE UPDATE OF last_updated ON inventory_levels
    FOR EACH ROW EXECUTE FUNCTION stockflow_last_updated_in_set();
CREATE TRIGGER reservations_0_last_updated_in_set BEFORE UPDATE OF last_updated ON reservations
    FOR EACH ROW EXECUTE FUNCTION stockflow_last_updated_in_set();
CREATE TRIGGER orders_0_last_updated_in_set BEFORE UPDATE OF last_updated ON orders
    FOR EACH ROW EXECUTE FUNCTION stockflow_last_updated_in_set();
CREATE TRIGGER purchase_orders_0_last_updated_in_set BEFORE UPDATE OF last_updated ON purchase_orders
    FOR EACH ROW EXECUTE FUNCTION stockflow_last_updated_in_set();
CREATE TRIGGER alerts_0_last_updated_in_set BEFORE UPDATE OF last_updated ON alerts
    FOR EACH ROW EXECUTE FUNCTION stockflow_last_updated_in_set();
CREATE TRIGGER channels_0_last_updated_in_set BEFORE UPDATE OF last_updated ON channels
    FOR EACH ROW EXECUTE FUNCTION stockflow_last_updated_in_set();
CREATE TRIGGER subprocessor_state_0_last_updated_in_set BEFORE UPDATE OF last_updated ON subprocessor_state
    FOR EACH ROW EXECUTE FUNCTION stockflow_last_updated_in_set();
