package io.stockflow.api.security;

import java.util.Set;

/**
 * The roles an API key can carry. {@code channel}: sales channels (availability, reservations,
 * orders); {@code associate}: warehouse staff and the WMS (stock movements, order fulfilment);
 * {@code ops}: operators (replay, dead letters, pause/resume, alerts, metrics) — ops may do
 * everything.
 */
public final class Roles {
  public static final String CHANNEL = "channel";
  public static final String ASSOCIATE = "associate";
  public static final String OPS = "ops";

  public static final Set<String> ALL = Set.of(CHANNEL, ASSOCIATE, OPS);

  private Roles() {}
}
