package io.stockflow.api.ops;

import io.micronaut.core.annotation.Introspected;
import io.micronaut.core.annotation.Nullable;
import io.swagger.v3.oas.annotations.media.ArraySchema;
import io.swagger.v3.oas.annotations.media.Schema;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import java.util.List;
import java.util.Map;

/**
 * Re-emit rows of a watched table through the changefeed by touching their {@code last_updated}.
 * Rows are chosen by {@code key} (the primary-key values in key order, exactly as in a changefeed
 * message key, e.g. {@code ["JERKY-TERIYAKI-3OZ","SEA1"]}) and/or {@code filter} (column → value
 * equality, ANDed). {@code all: true} replays the whole table and must be said explicitly.
 *
 * <p>A key or filter value is a JSON scalar; micronaut-openapi cannot derive that schema from
 * {@code Object}, so the document's {@code ReplayValue} and {@code ReplayFilter} are written in
 * {@code api/src/main/openapi/replay.yml}.
 */
@Introspected
public record ReplayRequest(
    @NotNull
        @Schema(
            description = "a watched table (ChangefeedDeclaration.stockflow())",
            allowableValues = {"inventory_levels", "reservations", "orders", "purchase_orders"})
        String table,
    @Nullable
        @Size(max = 10)
        @ArraySchema(
            arraySchema =
                @Schema(
                    description = "the primary-key values in key order, e.g. [\"SKU\",\"SEA1\"]"),
            schema = @Schema(ref = "#/components/schemas/ReplayValue"))
        List<Object> key,
    @Nullable @Size(max = 20) @Schema(ref = "#/components/schemas/ReplayFilter")
        Map<String, Object> filter,
    @Nullable Boolean all) {}
