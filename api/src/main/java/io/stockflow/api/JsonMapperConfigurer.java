package io.stockflow.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.micronaut.context.event.BeanCreatedEvent;
import io.micronaut.context.event.BeanCreatedEventListener;
import io.stockflow.db.Json;
import jakarta.inject.Singleton;

/**
 * Gives Micronaut's ObjectMapper (API responses, request bodies, stored idempotent responses)
 * stockflow's JSON settings ({@link Json}), the ones webhook bodies and alert details use too, so
 * they are stated in code once instead of in every application.yml.
 *
 * <p>Responses leave out null members only. Micronaut's default (NON_EMPTY) also dropped empty
 * lists and strings, so a required member such as a status's {@code lanes: []} went missing and the
 * body broke its OpenAPI schema; a member that may be absent is {@code @Nullable} in the model (not
 * required, nullable in the document). Request objects must be JSON objects ({@link
 * ObjectBodiesOnly}).
 */
@Singleton
public class JsonMapperConfigurer implements BeanCreatedEventListener<ObjectMapper> {
  @Override
  public ObjectMapper onCreated(BeanCreatedEvent<ObjectMapper> event) {
    return Json.configure(event.getBean())
        .setSerializationInclusion(JsonInclude.Include.NON_NULL)
        .registerModule(ObjectBodiesOnly.module());
  }
}
