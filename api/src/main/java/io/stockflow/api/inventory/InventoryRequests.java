package io.stockflow.api.inventory;

import io.micronaut.core.annotation.Introspected;
import io.micronaut.core.annotation.Nullable;
import io.stockflow.api.TextPatterns;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Positive;
import jakarta.validation.constraints.PositiveOrZero;
import jakarta.validation.constraints.Size;
import java.util.UUID;

/**
 * Request bodies of the inventory endpoints. Quantities are bounded (1..1,000,000 per movement) so
 * an absurd figure is refused before it reaches the database.
 */
public final class InventoryRequests {
  private InventoryRequests() {}

  /** Stock arrived: on_hand grows. With a purchase order, that order is marked received. */
  @Introspected
  public record Receipt(
      @NotNull @Positive @Max(1_000_000) Long quantity,
      @Nullable UUID purchaseOrderId,
      @Nullable @TextPatterns.NoNul @Size(max = 200) String reference) {}

  /** A physical count replaces on_hand; the variance and the reason are recorded. */
  @Introspected
  public record CycleCount(
      @NotNull @PositiveOrZero @Max(10_000_000) Long countedOnHand,
      @NotNull @TextPatterns.NotBlank @Size(max = 500) String reason) {}

  /** Units found damaged move from on_hand to damaged. */
  @Introspected
  public record Damage(
      @NotNull @Positive @Max(1_000_000) Long quantity,
      @NotNull @TextPatterns.NotBlank @Size(max = 500) String reason) {}

  /** A transfer between two locations of one SKU (shipped out, or arrived). */
  @Introspected
  public record Transfer(
      @NotNull @TextPatterns.NotBlank @Size(max = 100) String fromLocationId,
      @NotNull @TextPatterns.NotBlank @Size(max = 100) String toLocationId,
      @NotNull @Positive @Max(1_000_000) Long quantity,
      @Nullable @TextPatterns.NoNul @Size(max = 200) String reference) {}

  /** Replenishment thresholds of one (sku, location). */
  @Introspected
  public record Thresholds(
      @NotNull @PositiveOrZero @Max(10_000_000) Long reorderPoint,
      @NotNull @PositiveOrZero @Max(10_000_000) Long safetyStock,
      @NotNull @PositiveOrZero @Max(10_000_000) Long maxStock) {}
}
