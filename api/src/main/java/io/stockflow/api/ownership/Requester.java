package io.stockflow.api.ownership;

import io.micronaut.security.authentication.Authentication;
import io.stockflow.api.security.Roles;
import java.util.Objects;

/**
 * Who asks, as far as owned rows (carts, orders) are concerned: the caller's principal, and whether
 * its roles let it act on rows of every owner.
 *
 * <p>A row another caller owns is answered exactly like a row that does not exist (404), so a
 * channel cannot even learn which cart ids or order ids other channels use. A row with no recorded
 * owner ({@code owner_principal IS NULL}: written before ownership was recorded, or by direct SQL)
 * is reachable by every caller with the endpoint's role, as all rows were before.
 *
 * @param principal the caller's principal ({@code key-} + 12 hex digits of the key's digest)
 * @param anyOwner true when the caller's roles reach rows of every owner
 */
public record Requester(String principal, boolean anyOwner) {
  public Requester {
    Objects.requireNonNull(principal, "principal");
  }

  /**
   * Scope for carts (reservations): only ops acts on any cart. A channel key that also has the
   * associate role still sees only its own carts; carts are a channel's checkout state, not
   * warehouse work.
   */
  public static Requester forCarts(Authentication auth) {
    return new Requester(auth.getName(), auth.getRoles().contains(Roles.OPS));
  }

  /**
   * Scope for orders: ops and associates (warehouse staff and the WMS) act on any order, because
   * fulfilment (pick, pack, ship, deliver) is done by whoever runs the building, not by the channel
   * that sold the goods. Channels see and move only their own orders.
   */
  public static Requester forOrders(Authentication auth) {
    return new Requester(
        auth.getName(),
        auth.getRoles().contains(Roles.OPS) || auth.getRoles().contains(Roles.ASSOCIATE));
  }

  /** True when this caller may see and act on a row owned by {@code owner} (null: unknown). */
  public boolean mayAccess(String owner) {
    return anyOwner || owner == null || owner.equals(principal);
  }
}
