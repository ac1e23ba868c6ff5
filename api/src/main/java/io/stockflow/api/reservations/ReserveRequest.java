package io.stockflow.api.reservations;

import io.micronaut.core.annotation.Introspected;
import io.swagger.v3.oas.annotations.media.Schema;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.NotBlank;
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
    @NotBlank
        @Pattern(regexp = "[^:\\s]{1,100}", message = "must be 1-100 characters, no ':' or spaces")
        String cartId,
    @NotEmpty @Size(max = 100) List<@Valid @NotNull Line> lines) {

  /** One cart line. */
  @Introspected
  public record Line(
      @NotNull @Positive @Max(10_000) Integer lineNo,
      @NotBlank @Size(max = 100) String sku,
      @NotNull @Positive @Max(100_000) Long quantity) {}
}
