package io.stockflow.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.micronaut.context.event.BeanCreatedEvent;
import io.micronaut.context.event.BeanCreatedEventListener;
import io.stockflow.db.Json;
import jakarta.inject.Singleton;

/**
 * Gives Micronaut's ObjectMapper (API responses, request bodies, stored idempotent responses)
 * stockflow's JSON settings ({@link Json}), the ones webhook bodies and alert details use too, so
 * they are stated in code once instead of in every application.yml.
 */
@Singleton
public class JsonMapperConfigurer implements BeanCreatedEventListener<ObjectMapper> {
  @Override
  public ObjectMapper onCreated(BeanCreatedEvent<ObjectMapper> event) {
    return Json.configure(event.getBean());
  }
}
