package io.stockflow.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.security.annotation.Secured;
import io.micronaut.security.rules.SecurityRule;
import io.swagger.v3.oas.annotations.Hidden;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/**
 * Serves the OpenAPI document that micronaut-openapi generated at compile time, public like the
 * Swagger UI: as YAML with {@code application/yaml; charset=utf-8} (served as a plain static file
 * it was {@code text/plain} without a charset, and clients decoded its non-ASCII text as Latin-1),
 * and as JSON (the same document, converted once) for tools that only read JSON. These routes take
 * precedence over the static {@code /swagger/**} mapping, which still serves the UI's files.
 */
@Controller("/swagger")
@Secured(SecurityRule.IS_ANONYMOUS)
@Hidden
public class OpenApiDocumentController {
  /** The generated document on the classpath. */
  static final String RESOURCE = "META-INF/swagger/" + ApiDefinition.SPEC_FILE + ".yml";

  public static final MediaType YAML = MediaType.of("application/yaml; charset=utf-8");

  private final byte[] yaml;
  private final byte[] json;

  public OpenApiDocumentController() {
    try (InputStream in =
        OpenApiDocumentController.class.getClassLoader().getResourceAsStream(RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException(
            RESOURCE + " is missing: the api module is built without micronaut-openapi");
      }
      yaml = in.readAllBytes();
      json = new ObjectMapper().writeValueAsBytes(new YAMLMapper().readTree(yaml));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + RESOURCE, e);
    }
  }

  @Get("/" + ApiDefinition.SPEC_FILE + ".yml")
  public HttpResponse<byte[]> yaml() {
    return HttpResponse.ok(yaml).contentType(YAML);
  }

  @Get("/" + ApiDefinition.SPEC_FILE + ".json")
  public HttpResponse<byte[]> json() {
    return HttpResponse.ok(json).contentType(MediaType.APPLICATION_JSON_TYPE);
  }
}
