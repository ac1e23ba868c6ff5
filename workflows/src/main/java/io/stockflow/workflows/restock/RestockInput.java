package io.stockflow.workflows.restock;

import io.stockflow.workflows.alerts.AlertPolicy;
import java.time.Duration;

/**
 * Start argument of {@link RestockWorkflow}. The settings travel in the input, not in the worker,
 * so a running episode keeps the timers it started with when the configuration changes.
 *
 * @param leadTime how long the supplier has: the purchase order's {@code due_at} is now + lead
 *     time, after which the episode escalates with a {@code restock_late} alert
 * @param receiptCheckInterval how often the workflow looks at the database for the receipt when no
 *     stock signal arrives (a backstop; signals normally wake it up)
 * @param lateAlert how the {@code restock_late} alert repeats once the order is overdue
 */
public record RestockInput(
    String sku,
    String locationId,
    Duration leadTime,
    Duration receiptCheckInterval,
    AlertPolicy lateAlert) {}
