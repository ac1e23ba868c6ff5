-- PostgreSQL has no ON UPDATE column clause: a trigger keeps last_updated current on every write,
-- including direct SQL by associates. An UPDATE that sets last_updated itself (a replay request) keeps its value.
CREATE FUNCTION stockflow_touch_last_updated() RETURNS trigger AS $$
BEGIN
    IF NEW.last_updated IS NOT DISTINCT FROM OLD.last_updated THEN
        NEW.last_updated := clock_timestamp();
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER locations_last_updated BEFORE UPDATE ON locations
    FOR EACH ROW EXECUTE FUNCTION stockflow_touch_last_updated();
CREATE TRIGGER skus_last_updated BEFORE UPDATE ON skus
    FOR EACH ROW EXECUTE FUNCTION stockflow_touch_last_updated();
CREATE TRIGGER inventory_levels_last_updated BEFORE UPDATE ON inventory_levels
    FOR EACH ROW EXECUTE FUNCTION stockflow_touch_last_updated();
CREATE TRIGGER reservations_last_updated BEFORE UPDATE ON reservations
    FOR EACH ROW EXECUTE FUNCTION stockflow_touch_last_updated();
CREATE TRIGGER orders_last_updated BEFORE UPDATE ON orders
    FOR EACH ROW EXECUTE FUNCTION stockflow_touch_last_updated();
CREATE TRIGGER purchase_orders_last_updated BEFORE UPDATE ON purchase_orders
    FOR EACH ROW EXECUTE FUNCTION stockflow_touch_last_updated();
CREATE TRIGGER alerts_last_updated BEFORE UPDATE ON alerts
    FOR EACH ROW EXECUTE FUNCTION stockflow_touch_last_updated();
CREATE TRIGGER channels_last_updated BEFORE UPDATE ON channels
    FOR EACH ROW EXECUTE FUNCTION stockflow_touch_last_updated();
CREATE TRIGGER subprocessor_state_last_updated BEFORE UPDATE ON subprocessor_state
    FOR EACH ROW EXECUTE FUNCTION stockflow_touch_last_updated();
