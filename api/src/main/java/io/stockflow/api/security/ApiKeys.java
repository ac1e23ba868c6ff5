package io.stockflow.api.security;

import io.micronaut.context.env.Environment;
import io.micronaut.context.exceptions.ConfigurationException;
import io.micronaut.core.naming.conventions.StringConvention;
import jakarta.inject.Singleton;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The configured API keys: {@code stockflow.api.keys} maps each key to its roles, e.g.
 *
 * <pre>
 * stockflow.api.keys:
 *   "3f9c...long-random...": [ops]
 *   "wms-7d1e...":           "associate"
 *   "shop-9a2b...":          "channel,associate"
 * </pre>
 *
 * Keys are read with their exact spelling (no kebab-case normalisation). An unknown role fails the
 * start, so a typo cannot silently lock a caller out. Keys are compared by SHA-256 digest in
 * constant time; the principal name is {@code key-} plus the first 12 hex digits of the digest, so
 * logs and idempotency records never hold a usable key. Thread-safe and immutable.
 */
@Singleton
public class ApiKeys {
  public static final String PROPERTY = "stockflow.api.keys";

  /** A known caller: its non-secret name and its roles. */
  public record Caller(String principal, Set<String> roles) {}

  private record Entry(byte[] digest, Caller caller) {}

  private final List<Entry> entries = new ArrayList<>();

  public ApiKeys(Environment environment) {
    Map<String, Object> raw = environment.getProperties(PROPERTY, StringConvention.RAW);
    raw.forEach((key, value) -> entries.add(entry(key, value)));
  }

  /** The caller owning {@code key}, if it is configured. */
  public Optional<Caller> find(String key) {
    if (key == null || key.isEmpty()) return Optional.empty();
    byte[] digest = sha256(key);
    Caller found = null;
    // Visit every entry so the time taken does not tell which prefix matched.
    for (Entry e : entries) {
      if (MessageDigest.isEqual(e.digest, digest)) found = e.caller;
    }
    return Optional.ofNullable(found);
  }

  /** How many keys are configured (zero means every protected endpoint answers 401). */
  public int size() {
    return entries.size();
  }

  private static Entry entry(String key, Object value) {
    List<String> roles = new ArrayList<>();
    if (value instanceof Iterable<?> list) {
      list.forEach(r -> roles.add(String.valueOf(r).trim()));
    } else {
      roles.addAll(Arrays.stream(String.valueOf(value).split("[,\\s]+")).toList());
    }
    Set<String> set = new LinkedHashSet<>();
    for (String role : roles) {
      if (role.isEmpty()) continue;
      if (!Roles.ALL.contains(role)) {
        throw new ConfigurationException(
            PROPERTY + ": unknown role '" + role + "' (allowed: channel, associate, ops)");
      }
      set.add(role);
    }
    if (set.isEmpty()) throw new ConfigurationException(PROPERTY + ": a key has no roles");
    byte[] digest = sha256(key);
    String principal = "key-" + HexFormat.of().formatHex(digest).substring(0, 12);
    return new Entry(digest, new Caller(principal, Set.copyOf(set)));
  }

  private static byte[] sha256(String s) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is always available", e);
    }
  }
}
