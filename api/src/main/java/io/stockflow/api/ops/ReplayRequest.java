package io.stockflow.api.ops;

import io.micronaut.core.annotation.Introspected;
import io.micronaut.core.annotation.Nullable;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Size;
import java.util.List;
import java.util.Map;

/**
 * Re-emit rows of a watched table through the changefeed by touching their {@code last_updated}.
 * Rows are chosen by {@code key} (the primary-key values in key order, exactly as in a changefeed
 * message key, e.g. {@code ["JERKY-TERIYAKI-3OZ","SEA1"]}) and/or {@code filter} (column → value
 * equality, ANDed). {@code all: true} replays the whole table and must be said explicitly.
 */
@Introspected
public record ReplayRequest(
    @NotBlank String table,
    @Nullable @Size(max = 10) List<Object> key,
    @Nullable @Size(max = 20) Map<String, Object> filter,
    @Nullable Boolean all) {}
