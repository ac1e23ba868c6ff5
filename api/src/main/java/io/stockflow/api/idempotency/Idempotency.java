package io.stockflow.api.idempotency;

import static io.stockflow.db.jooq.Tables.API_IDEMPOTENCY_KEYS;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MutableHttpResponse;
import io.stockflow.api.problem.ApiProblem;
import io.stockflow.db.PagedDelete;
import io.stockflow.db.Transactions;
import jakarta.inject.Singleton;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jooq.DSLContext;
import org.jooq.exception.DataAccessException;
import org.jooq.impl.DSL;

/**
 * Runs every POST: one database transaction (through {@link Transactions#run}, so 40001 is
 * retried), optionally guarded by the caller's {@value #HEADER}.
 *
 * <p>With a key, the first successful response is stored with a SHA-256 of (operation, request
 * body) in the SAME transaction as the operation's effect: a stored response therefore always means
 * the effect committed, and a crash between the two cannot happen. A retry with the same key and
 * body gets the stored status and body back (header {@value #REPLAYED_HEADER}: true) without
 * running the operation; the same key with another body or operation is refused with 422. Failed
 * requests (4xx/5xx) are not stored: their transaction rolled back, so a retry runs again.
 *
 * <p>Two concurrent requests with the same key (or creating the same natural key, e.g. the same
 * reservation id) race on a primary key; the loser's transaction rolls back on the unique violation
 * and is run once more, when it finds the winner's result.
 */
@Singleton
public class Idempotency {
  public static final String HEADER = "Idempotency-Key";
  public static final String REPLAYED_HEADER = "Idempotent-Replayed";
  public static final int MAX_KEY_LENGTH = 200;

  /** The header's description in the OpenAPI document. */
  public static final String DESCRIPTION =
      "Optional; the first successful response to this key (per caller) is stored with the effect,"
          + " and a retry with the same key and body gets it back (Idempotent-Replayed: true)."
          + " The same key with another request is 422 idempotency-key-reused.";

  private static final int UNIQUE_RACE_RETRIES = 3;

  private final Transactions transactions;
  private final ObjectMapper json;

  public Idempotency(Transactions transactions, ObjectMapper json) {
    this.transactions = transactions;
    this.json = json;
  }

  /**
   * Runs {@code work} in a transaction, honouring {@code key} when present.
   *
   * @param principal the authenticated caller (keys are scoped per caller)
   * @param key the Idempotency-Key header, or null
   * @param operation identifies the endpoint and its path parameters, e.g. {@code POST
   *     /orders/42/transitions}
   * @param body the bound request body, or null; part of the request fingerprint
   */
  public HttpResponse<?> run(
      String principal,
      String key,
      String operation,
      Object body,
      Transactions.Work<MutableHttpResponse<?>> work) {
    validateKey(key);
    String hash = key == null ? null : fingerprint(operation, body);
    for (int attempt = 1; ; attempt++) {
      try {
        return transactions.run(tx -> inTransaction(tx, principal, key, hash, work));
      } catch (DataAccessException e) {
        if (!"23505".equals(e.sqlState()) || attempt >= UNIQUE_RACE_RETRIES) throw e;
      }
    }
  }

  /**
   * Retention: deletes the stored responses recorded before {@code cutoff}. A client that retries
   * with the same key after that runs its request anew, so keep it well above any client's retry
   * window.
   *
   * @return how many were deleted
   */
  public static long deleteRecordedBefore(Transactions tx, Instant cutoff, int pageSize) {
    var k = API_IDEMPOTENCY_KEYS;
    return PagedDelete.deleteWhere(
        tx,
        k,
        List.of(k.PRINCIPAL, k.IDEMPOTENCY_KEY),
        k.CREATED_AT.lt(cutoff.atOffset(ZoneOffset.UTC)),
        pageSize);
  }

  /** 400 unless {@code key} is absent or 1..200 characters. */
  public static void validateKey(String key) {
    if (key != null && (key.isBlank() || key.length() > MAX_KEY_LENGTH)) {
      throw ApiProblem.badRequest(HEADER, "must be 1 to " + MAX_KEY_LENGTH + " characters");
    }
  }

  /**
   * The part of {@link #run} inside the transaction, for a caller that owns the transaction (group
   * commit runs several requests in one): replay the stored response, or run {@code work} and store
   * its response in the same transaction. A unique violation (a concurrent request with the same
   * key) propagates; the caller must roll it back and run the request again.
   *
   * @param hash {@link #fingerprint} of the request, null when there is no key
   */
  public HttpResponse<?> inTransaction(
      DSLContext tx,
      String principal,
      String key,
      String hash,
      Transactions.Work<MutableHttpResponse<?>> work)
      throws Exception {
    if (key == null) return work.apply(tx);
    HttpResponse<?> stored = replay(tx, principal, key, hash);
    if (stored != null) return stored;
    MutableHttpResponse<?> response = work.apply(tx);
    store(tx, principal, key, hash, response);
    return response;
  }

  /** A (principal, key) pair and, for {@link #storeAll}, the response to store under it. */
  public record Keyed(String principal, String key, String hash, HttpResponse<?> response) {}

  /** The pairs among {@code keys} that already have a stored response (one statement). */
  public Set<Keyed> storedAmong(DSLContext tx, List<Keyed> keys) {
    if (keys.isEmpty()) return Set.of();
    Set<List<String>> found = new HashSet<>();
    tx.select(API_IDEMPOTENCY_KEYS.PRINCIPAL, API_IDEMPOTENCY_KEYS.IDEMPOTENCY_KEY)
        .from(API_IDEMPOTENCY_KEYS)
        .where(
            DSL.row(API_IDEMPOTENCY_KEYS.PRINCIPAL, API_IDEMPOTENCY_KEYS.IDEMPOTENCY_KEY)
                .in(keys.stream().map(k -> DSL.row(k.principal(), k.key())).toList()))
        .forEach(r -> found.add(List.of(r.value1(), r.value2())));
    Set<Keyed> result = new HashSet<>();
    for (Keyed k : keys) if (found.contains(List.of(k.principal(), k.key()))) result.add(k);
    return result;
  }

  /**
   * Stores several responses in ONE multi-row insert, in the caller's transaction (so, as in {@link
   * #run}, a stored response always means its effect committed). A unique violation means a
   * concurrent request with one of the keys won; the caller rolls back and runs them one by one.
   */
  public void storeAll(DSLContext tx, List<Keyed> responses) throws JsonProcessingException {
    if (responses.isEmpty()) return;
    var insert =
        tx.insertInto(
            API_IDEMPOTENCY_KEYS,
            API_IDEMPOTENCY_KEYS.PRINCIPAL,
            API_IDEMPOTENCY_KEYS.IDEMPOTENCY_KEY,
            API_IDEMPOTENCY_KEYS.REQUEST_HASH,
            API_IDEMPOTENCY_KEYS.STATUS_CODE,
            API_IDEMPOTENCY_KEYS.RESPONSE_BODY);
    for (Keyed k : responses) {
      Object body = k.response().getBody().orElse(null);
      insert =
          insert.values(
              k.principal(),
              k.key(),
              k.hash(),
              (long) k.response().getStatus().getCode(),
              body == null ? null : json.writeValueAsString(body));
    }
    insert.execute();
  }

  /** True when {@code principal} already has a response stored under {@code key} (any request). */
  public boolean stored(DSLContext db, String principal, String key) {
    return key != null
        && db.fetchExists(
            API_IDEMPOTENCY_KEYS,
            API_IDEMPOTENCY_KEYS
                .PRINCIPAL
                .eq(principal)
                .and(API_IDEMPOTENCY_KEYS.IDEMPOTENCY_KEY.eq(key)));
  }

  private HttpResponse<?> replay(DSLContext tx, String principal, String key, String hash)
      throws JsonProcessingException {
    var row =
        tx.selectFrom(API_IDEMPOTENCY_KEYS)
            .where(API_IDEMPOTENCY_KEYS.PRINCIPAL.eq(principal))
            .and(API_IDEMPOTENCY_KEYS.IDEMPOTENCY_KEY.eq(key))
            .fetchOne();
    if (row == null) return null;
    if (!row.getRequestHash().equals(hash)) {
      throw new ApiProblem(
          HttpStatus.UNPROCESSABLE_ENTITY,
          "idempotency-key-reused",
          "Idempotency-Key reused",
          "this Idempotency-Key was already used with a different request; use a new key",
          List.of(new ApiProblem.FieldError(HEADER, "already used with a different request")),
          Map.of());
    }
    MutableHttpResponse<Object> response =
        HttpResponse.status(HttpStatus.valueOf(row.getStatusCode().intValue()));
    response.header(REPLAYED_HEADER, "true");
    if (row.getResponseBody() != null) response.body(json.readTree(row.getResponseBody()));
    return response;
  }

  private void store(
      DSLContext tx, String principal, String key, String hash, HttpResponse<?> response)
      throws JsonProcessingException {
    Object body = response.getBody().orElse(null);
    tx.insertInto(API_IDEMPOTENCY_KEYS)
        .set(API_IDEMPOTENCY_KEYS.PRINCIPAL, principal)
        .set(API_IDEMPOTENCY_KEYS.IDEMPOTENCY_KEY, key)
        .set(API_IDEMPOTENCY_KEYS.REQUEST_HASH, hash)
        .set(API_IDEMPOTENCY_KEYS.STATUS_CODE, (long) response.getStatus().getCode())
        .set(
            API_IDEMPOTENCY_KEYS.RESPONSE_BODY, body == null ? null : json.writeValueAsString(body))
        .execute();
  }

  /** SHA-256 of (operation, body): what a stored key's request must match. */
  public String fingerprint(String operation, Object body) {
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      sha.update(operation.getBytes(StandardCharsets.UTF_8));
      sha.update((byte) 0);
      if (body != null) sha.update(json.writeValueAsBytes(body));
      return HexFormat.of().formatHex(sha.digest());
    } catch (NoSuchAlgorithmException | JsonProcessingException e) {
      throw new IllegalStateException("cannot fingerprint request", e);
    }
  }
}
