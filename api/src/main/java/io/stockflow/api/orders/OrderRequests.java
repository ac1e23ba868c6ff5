package io.stockflow.api.orders;

import io.micronaut.core.annotation.Introspected;
import io.micronaut.core.annotation.Nullable;
import io.stockflow.api.TextPatterns;
import io.swagger.v3.oas.annotations.media.Schema;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;

/** Request bodies of the order endpoints. */
public final class OrderRequests {
  private OrderRequests() {}

  /** Turn a cart whose reservations are confirmed into an order (one per cart). */
  @Introspected
  public record Create(
      @NotNull @TextPatterns.NotBlank @Size(max = 100) String cartId,
      @Nullable @TextPatterns.NoNul @Size(max = 200) String customerRef) {}

  /** Move an order to {@code status}. */
  @Introspected
  public record Transition(
      @NotNull
          @Schema(
              description = "the status to move to",
              allowableValues = {
                "pending",
                "confirmed",
                "picked",
                "packed",
                "shipped",
                "delivered",
                "cancelled"
              })
          String status) {}
}
