package io.stockflow.api.reservations;

import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import io.micronaut.core.annotation.Introspected;
import io.micronaut.core.annotation.Nullable;
import io.stockflow.api.TextPatterns;
import io.swagger.v3.oas.annotations.media.Schema;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Positive;
import jakarta.validation.constraints.Size;
import java.util.List;

/**
 * Reserve every line of a cart, all or nothing. Each line's reservation id is {@code
 * <cartId>:<lineNo>}, which makes the request idempotent: sending the same cart again returns the
 * existing reservations.
 */
@Introspected
@Schema(description = "Reserve a cart's lines, all or nothing")
public record ReserveRequest(
    @NotNull
        @Pattern(
            regexp = "^[^:\\x00" + TextPatterns.WHITESPACE + "]{1,100}$",
            message = "must be 1-100 characters, no ':' or spaces")
        String cartId,
    @NotEmpty @Size(max = 100) List<@Valid @NotNull Line> lines,
    @Nullable
        @Pattern(
            regexp = "^[^\\x00" + TextPatterns.WHITESPACE + "]{1,200}$",
            message = "must be 1-200 characters, no spaces")
        @Schema(
            description =
                "who the cart is for; per-customer purchase limits (PUT /ops/purchase-limits/{sku})"
                    + " count this customer's holds")
        String customerRef) {

  /** Without a customer reference (no purchase limit applies). */
  public ReserveRequest(String cartId, List<Line> lines) {
    this(cartId, lines, null);
  }

  /** One cart line. Bound by {@link WholeNumber.LineDeserializer}: 2.9 units is a 400, not 2. */
  @Introspected
  @JsonDeserialize(using = WholeNumber.LineDeserializer.class)
  public record Line(
      @NotNull @Positive @Max(10_000) Integer lineNo,
      @NotNull @TextPatterns.NotBlank @Size(max = 100) String sku,
      // 2.9 must not silently become 2: whole JSON integers only, 1..MAX_QUANTITY.
      @NotNull @Positive @Max(MAX_QUANTITY) Long quantity) {}

  /** The most units one line may ask for: beyond it the request is refused (400), not tried. */
  public static final long MAX_QUANTITY = 100_000;
}
