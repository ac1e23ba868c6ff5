package io.stockflow.workflows;

import io.temporal.api.enums.v1.IndexedValueType;
import io.temporal.common.SearchAttributeKey;
import io.temporal.common.SearchAttributes;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The custom search attributes every stockflow workflow carries, so ops can filter the Temporal Web
 * UI by {@code Sku = 'X'}, {@code LocationId = 'SEA1'} or {@code Kind = 'restock'}. All three are
 * Keyword (exact match). Registered on a real cluster by {@link
 * io.stockflow.workflows.worker.SearchAttributeRegistrar}; the dev server gets {@link
 * #DEV_SERVER_FLAGS} on its command line.
 */
public final class StockflowSearchAttributes {
  private StockflowSearchAttributes() {}

  public static final SearchAttributeKey<String> SKU = SearchAttributeKey.forKeyword("Sku");
  public static final SearchAttributeKey<String> LOCATION_ID =
      SearchAttributeKey.forKeyword("LocationId");
  public static final SearchAttributeKey<String> KIND = SearchAttributeKey.forKeyword("Kind");

  /** Every attribute: the one list both maps below are made from. */
  private static final List<SearchAttributeKey<String>> KEYWORDS = List.of(SKU, LOCATION_ID, KIND);

  /** Name → indexed type, what the OperatorService registers. */
  public static final Map<String, IndexedValueType> DEFINITIONS =
      KEYWORDS.stream()
          .collect(
              Collectors.toUnmodifiableMap(
                  SearchAttributeKey::getName, k -> IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD));

  /**
   * Name → type name as {@code temporal server start-dev --search-attribute} and {@code
   * io.stockflow.embedded.TemporalDevServer#start} take it.
   */
  public static final Map<String, String> DEV_SERVER_FLAGS =
      KEYWORDS.stream()
          .collect(Collectors.toUnmodifiableMap(SearchAttributeKey::getName, k -> "Keyword"));

  /** The attributes for one workflow; {@code sku} or {@code locationId} may be null. */
  public static SearchAttributes of(String kind, String sku, String locationId) {
    SearchAttributes.Builder b = SearchAttributes.newBuilder().set(KIND, kind);
    if (sku != null) b.set(SKU, sku);
    if (locationId != null) b.set(LOCATION_ID, locationId);
    return b.build();
  }
}
