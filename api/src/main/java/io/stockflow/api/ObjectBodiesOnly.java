package io.stockflow.api;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.BeanDescription;
import com.fasterxml.jackson.databind.DeserializationConfig;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.deser.BeanDeserializerModifier;
import com.fasterxml.jackson.databind.deser.std.DelegatingDeserializer;
import com.fasterxml.jackson.databind.module.SimpleModule;
import java.io.IOException;

/**
 * Refuses a JSON scalar or array where one of the API's request objects is expected (e.g. the body
 * {@code false} or {@code 5}), as a binding failure: 400. Without it Micronaut's bean-introspection
 * deserializer passes the scalar to the record's constructor as if it were its only argument, which
 * failed with a 500 (schemathesis found it on every POST) and, for a one-field record such as an
 * order transition, would even accept {@code "shipped"} for {@code {"status":"shipped"}}.
 */
final class ObjectBodiesOnly extends BeanDeserializerModifier {
  private static final String API_PACKAGE = "io.stockflow.api.";

  static SimpleModule module() {
    return new SimpleModule("stockflow-object-bodies-only")
        .setDeserializerModifier(new ObjectBodiesOnly());
  }

  @Override
  public JsonDeserializer<?> modifyDeserializer(
      DeserializationConfig config, BeanDescription description, JsonDeserializer<?> deserializer) {
    return description.getBeanClass().getName().startsWith(API_PACKAGE)
        ? new Guard(deserializer)
        : deserializer;
  }

  private static final class Guard extends DelegatingDeserializer {
    Guard(JsonDeserializer<?> delegate) {
      super(delegate);
    }

    @Override
    protected JsonDeserializer<?> newDelegatingInstance(JsonDeserializer<?> delegate) {
      return new Guard(delegate);
    }

    @Override
    public Object deserialize(JsonParser p, DeserializationContext ctx) throws IOException {
      JsonToken token = p.currentToken();
      if (token != null
          && (token.isScalarValue() && token != JsonToken.VALUE_NULL
              || token == JsonToken.START_ARRAY)) {
        return ctx.handleUnexpectedToken(handledType(), p);
      }
      return super.deserialize(p, ctx);
    }
  }
}
