package io.stockflow.api.orders;

import io.micronaut.core.annotation.Introspected;
import io.micronaut.core.annotation.Nullable;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Size;

/** Request bodies of the order endpoints. */
public final class OrderRequests {
  private OrderRequests() {}

  /** Turn a cart whose reservations are confirmed into an order (one per cart). */
  @Introspected
  public record Create(
      @NotBlank @Size(max = 100) String cartId, @Nullable @Size(max = 200) String customerRef) {}

  /** Move an order to {@code status}. */
  @Introspected
  public record Transition(@NotBlank String status) {}
}
