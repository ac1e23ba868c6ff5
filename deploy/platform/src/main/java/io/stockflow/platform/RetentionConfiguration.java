package io.stockflow.platform;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.core.bind.annotation.Bindable;
import io.stockflow.db.SettingChecks;
import java.time.Duration;

/**
 * {@code stockflow.retention.*}: how long housekeeping keeps rows that only grow otherwise.
 *
 * @param interval how often the sweep runs (in processes with the consumer role)
 * @param idempotencyKeys stored API responses: a retry with the same Idempotency-Key after this
 *     runs anew, so keep it well above any client's retry window
 * @param fences changefeed fences no change advanced for this long; keep it above the changefeed
 *     topics' retention, so a re-delivered old message still meets its fence
 * @param deadLetters dead letters this long after they were re-driven or resolved (pending letters
 *     are kept whatever their age)
 * @param pageSize rows per delete statement
 */
@ConfigurationProperties("stockflow.retention")
public record RetentionConfiguration(
    @Bindable(defaultValue = "1h") Duration interval,
    @Bindable(defaultValue = "7d") Duration idempotencyKeys,
    @Bindable(defaultValue = "30d") Duration fences,
    @Bindable(defaultValue = "30d") Duration deadLetters,
    @Bindable(defaultValue = "1000") int pageSize) {

  public RetentionConfiguration {
    SettingChecks.positive("stockflow.retention.interval", interval);
    SettingChecks.positive("stockflow.retention.idempotency-keys", idempotencyKeys);
    SettingChecks.positive("stockflow.retention.fences", fences);
    SettingChecks.positive("stockflow.retention.dead-letters", deadLetters);
    SettingChecks.atLeast("stockflow.retention.page-size", pageSize, 1);
  }
}
