package io.stockflow.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.stockflow.api.problem.ProblemResponses;
import io.stockflow.db.changefeed.ChangefeedDeclaration;
import io.stockflow.db.changefeed.WatchedTable;
import io.stockflow.stock.DbCode;
import io.stockflow.stock.OrderStatus;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The generated document's rules that hold for every operation, and the enums that are spelt in
 * annotations agree with the code that decides (so neither can change alone).
 */
class OpenApiDocumentTest {
  static JsonNode doc;

  @BeforeAll
  static void read() throws IOException {
    try (InputStream in =
        OpenApiDocumentTest.class
            .getClassLoader()
            .getResourceAsStream(OpenApiDocumentController.RESOURCE)) {
      doc = new YAMLMapper().readTree(in);
    }
  }

  @Test
  void everyOperationNeedsTheApiKeyAndDocumentsItsErrorsAsProblems() {
    assertThat(doc.at("/security/0").has(ApiDefinition.SECURITY_SCHEME)).isTrue();
    assertThat(doc.at("/components/securitySchemes/apiKey/in").asText()).isEqualTo("header");
    List<String> operations = new ArrayList<>();
    for (Map.Entry<String, JsonNode> path : doc.path("paths").properties()) {
      for (Map.Entry<String, JsonNode> op : path.getValue().properties()) {
        String name = op.getKey().toUpperCase() + " " + path.getKey();
        operations.add(name);
        assertThat(op.getValue().has("security")).as(name + " overrides the security").isFalse();
        JsonNode responses = op.getValue().path("responses");
        assertThat(responses.has("401")).as(name + " documents 401").isTrue();
        responses
            .properties()
            .forEach(
                r -> {
                  if (Integer.parseInt(r.getKey()) < 400) return;
                  assertThat(
                          r.getValue()
                              .at(
                                  "/content/"
                                      + escape(ProblemResponses.MEDIA_TYPE)
                                      + "/schema/$ref")
                              .asText())
                      .as(name + " " + r.getKey())
                      .isEqualTo("#/components/schemas/Problem");
                });
        if (path.getKey().contains("{")) {
          assertThat(responses.has("404") || op.getKey().equals("delete"))
              .as(name + " documents 404")
              .isTrue();
        }
      }
    }
    assertThat(operations).hasSizeGreaterThan(20);
  }

  @Test
  void theReplayTablesAreTheWatchedTables() {
    assertThat(texts(doc.at("/components/schemas/ReplayRequest/properties/table/enum")))
        .isEqualTo(
            ChangefeedDeclaration.stockflow().tables().stream().map(WatchedTable::table).toList());
  }

  @Test
  void theTransitionStatusesAreTheOrderStatuses() {
    assertThat(texts(doc.at("/components/schemas/OrderRequests.Transition/properties/status/enum")))
        .isEqualTo(DbCode.codes(OrderStatus.values()));
  }

  private static List<String> texts(JsonNode array) {
    List<String> out = new ArrayList<>();
    array.forEach(n -> out.add(n.asText()));
    return out;
  }

  /** A JSON pointer segment: "/" in a media type is "~1". */
  private static String escape(String segment) {
    return segment.replace("~", "~0").replace("/", "~1");
  }
}
