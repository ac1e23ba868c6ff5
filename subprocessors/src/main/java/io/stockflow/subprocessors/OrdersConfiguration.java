package io.stockflow.subprocessors;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.core.bind.annotation.Bindable;
import java.time.Duration;

/**
 * {@code stockflow.orders.*}: the fulfilment SLA each new order's workflow starts with (see {@link
 * io.stockflow.workflows.orders.OrderFulfilmentSettings}); running ones keep theirs. Both count
 * from the confirmation.
 *
 * @param shipBy an order not shipped this long after its confirmation raises one {@code order_late}
 *     alert
 * @param giveUpAfter the workflow stops watching a late order after this long (the alert stays open
 *     until acknowledged); longer than {@code shipBy}
 */
@ConfigurationProperties("stockflow.orders")
public record OrdersConfiguration(
    @Bindable(defaultValue = "24h") Duration shipBy,
    @Bindable(defaultValue = "7d") Duration giveUpAfter) {}
