package io.stockflow.workflows.alerts;

import java.util.Map;

/**
 * Start argument of {@link AlertWorkflow}: what to alert about and how insistently. Timing travels
 * in the input so a running alert keeps the rhythm it started with.
 *
 * @param sku null for alerts not about one SKU
 * @param locationId null for alerts not about one location
 * @param severity {@code info}, {@code warning} or {@code critical}; escalation raises it to
 *     critical
 * @param details free-form facts stored in {@code alerts.details} and sent with the webhook
 * @param episode what makes an event-type episode unique (e.g. the cycle count's timestamp, the
 *     purchase order's episode key, the change's HLC), so replaying the change finds the alert it
 *     already raised; null for condition alerts, whose episodes are numbered per row instead
 * @param policy re-notification interval and escalation threshold (escalated: severity critical,
 *     {@code escalated: true} in the webhook)
 */
public record AlertInput(
    AlertKind kind,
    String sku,
    String locationId,
    String severity,
    String message,
    Map<String, Object> details,
    String episode,
    AlertPolicy policy) {}
