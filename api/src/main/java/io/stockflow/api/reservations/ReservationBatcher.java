package io.stockflow.api.reservations;

import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpResponse;
import io.stockflow.api.idempotency.Idempotency;
import io.stockflow.api.problem.ApiProblem;
import io.stockflow.db.Transactions;
import jakarta.inject.Singleton;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import org.jooq.DSLContext;
import org.jooq.exception.DataAccessException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Group commit for reservations. A hot (sku, location) row allows one transaction at a time (its
 * row lock is held until the commit is flushed), so one commit per reservation caps a hot SKU at 1
 * / commit latency. Here the requests for one (sku, location) wait in a FIFO lane; one batch per
 * lane is in flight at a time, and while it commits, newcomers queue and form the next batch. A
 * batch is ONE transaction in which every request runs in arrival order under its own savepoint:
 * its own conditional UPDATE (the database re-checks availability on the locked row, so the {@code
 * inventory_never_oversold} CHECK is never even approached), its own reservation rows, its own
 * Idempotency-Key record. A request that fails (409, 422, …) is rolled back to its savepoint and
 * gets its own error; the others commit.
 *
 * <p>Nothing here counts stock: the database stays the only truth, so several API instances (each
 * with its own lanes) are exactly as correct as one; their batches simply take turns on the row
 * lock. The lanes only decide who shares a commit.
 *
 * <p>No extra thread: the first request to find its lane idle drains it (runs the batch on its own
 * request thread), then hands the lane to the head of the queue, whose thread runs the next batch.
 *
 * <p>Admission control: at most {@code max-queue} requests wait per lane (on this instance); the
 * next is answered 429 with Retry-After at once instead of adding unbounded latency for everyone.
 */
@Singleton
public class ReservationBatcher {
  private static final Logger log = LoggerFactory.getLogger(ReservationBatcher.class);

  private final Transactions transactions;
  private final ReservationService service;
  private final Idempotency idempotency;
  private final ReservationsConfiguration config;
  private final Map<Key, Lane> lanes = new ConcurrentHashMap<>();
  private final LongAdder batches = new LongAdder();
  private final LongAdder batched = new LongAdder();
  private final LongAdder refused = new LongAdder();
  private final LongAdder setRuns = new LongAdder();
  private final LongAdder fallbacks = new LongAdder();
  private final DistributionSummary batchSizes;

  public ReservationBatcher(
      Transactions transactions,
      ReservationService service,
      Idempotency idempotency,
      ReservationsConfiguration config,
      @Nullable MeterRegistry registry) {
    this.transactions = transactions;
    this.service = service;
    this.idempotency = idempotency;
    this.config = config;
    // Batch size is THE figure of group commit: ~1 means no contention (or no coalescing), large
    // means the hot row's commits are being shared. On /prometheus when the registry exists.
    this.batchSizes =
        registry == null
            ? null
            : DistributionSummary.builder("stockflow.reservations.batch.size")
                .description("reservations per group-commit transaction")
                .register(registry);
    if (registry != null) {
      registry.more().counter("stockflow.reservations.admission.refused", List.of(), refused);
    }
  }

  /**
   * Totals on this instance since start: batches run, requests in them, 429s answered, set-based
   * runs, and those of them that fell back to one request at a time.
   */
  public record Stats(long batches, long requests, long refused, long setRuns, long fallbacks) {}

  public Stats stats() {
    return new Stats(batches.sum(), batched.sum(), refused.sum(), setRuns.sum(), fallbacks.sum());
  }

  /** A lane: one row of inventory_levels. */
  public record Key(String sku, String locationId) {}

  /**
   * A single-line reserve request in a batch: the cart, who asked, and its Idempotency-Key (null
   * when none) with the request's {@link Idempotency#fingerprint}.
   */
  public record Member(ReserveRequest request, String principal, String key, String hash) {}

  /** One request's part of a batch, run inside the shared transaction under a savepoint. */
  @FunctionalInterface
  public interface Work {
    HttpResponse<?> apply(DSLContext tx) throws Exception;
  }

  /** How one request fared in its batch. */
  public enum Kind {
    /** Committed (or a stored Idempotency-Key replayed): {@code response} is the answer. */
    DONE,
    /** Failed on its own (rolled back to its savepoint): {@code error} is the answer. */
    FAILED,
    /** The location had not enough available when the batch ran; nothing changed. */
    NOT_HERE,
    /** Lost a unique-key race with a concurrent request; run it alone (it will find the winner). */
    ALONE
  }

  /** The outcome of one request. */
  public record Result(Kind kind, HttpResponse<?> response, RuntimeException error) {}

  private static final class Pending {
    final Member member;
    final Work work;
    final CompletableFuture<Result> done = new CompletableFuture<>();
    final CompletableFuture<Void> lead = new CompletableFuture<>();

    Pending(Member member, Work work) {
      this.member = member;
      this.work = work;
    }

    String customerRef() {
      return member.request().customerRef();
    }
  }

  private static final class Lane {
    final ArrayDeque<Pending> queue = new ArrayDeque<>();
    boolean running;
    boolean retired;
  }

  /**
   * Runs {@code member} in the next batch of {@code key}'s lane and returns its own outcome. Blocks
   * the calling (request) thread until the batch committed or failed.
   *
   * @param individually the request on its own, under its own savepoint: what the batch runs when
   *     it cannot take the request in a set-based run (see {@link #runBatch})
   * @throws ApiProblem 429 when the lane already has {@code max-queue} requests waiting
   */
  public Result submit(Key key, Member member, Work individually) {
    Pending p = new Pending(member, individually);
    Lane lane;
    boolean leader;
    while (true) {
      lane = lanes.computeIfAbsent(key, k -> new Lane());
      synchronized (lane) {
        // A lane removed while idle may still be reachable from a racing computeIfAbsent: take a
        // fresh one rather than queue where no leader will look.
        if (lane.retired) continue;
        if (lane.queue.size() >= config.maxQueue()) {
          refused.increment();
          throw tooMany(key);
        }
        lane.queue.add(p);
        leader = !lane.running;
        if (leader) lane.running = true;
      }
      break;
    }
    if (!leader) CompletableFuture.anyOf(p.done, p.lead).join();
    // Leader (the lane was idle, so p is alone at the head) or handed the lane (p is the head).
    if (!p.done.isDone()) drain(key, lane);
    return p.done.join();
  }

  /** Requests waiting in {@code key}'s lane on this instance (for tests and metrics). */
  public int waiting(Key key) {
    Lane lane = lanes.get(key);
    if (lane == null) return 0;
    synchronized (lane) {
      return lane.queue.size();
    }
  }

  private void drain(Key key, Lane lane) {
    long windowMs = config.batchWindow().toMillis();
    if (windowMs > 0) {
      try {
        Thread.sleep(windowMs);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    List<Pending> batch = new ArrayList<>();
    synchronized (lane) {
      while (batch.size() < config.maxBatch() && !lane.queue.isEmpty()) {
        batch.add(lane.queue.poll());
      }
    }
    try {
      runBatch(key, batch);
    } finally {
      Pending next;
      synchronized (lane) {
        next = lane.queue.peek();
        if (next == null) {
          lane.running = false;
          lane.retired = true;
          lanes.remove(key, lane);
        }
      }
      // The next batch runs on its head's own thread, so this thread can answer its request now.
      if (next != null) next.lead.complete(null);
    }
  }

  private void runBatch(Key key, List<Pending> batch) {
    batches.increment();
    batched.add(batch.size());
    if (batchSizes != null) batchSizes.record(batch.size());
    Result[] results = new Result[batch.size()];
    try {
      transactions.run(
          tx -> {
            // Purchase-limit rows first, all of them, sorted: the one lock order (limit rows,
            // then inventory rows) that keeps a batch from deadlocking with a multi-line cart.
            boolean limited =
                service.lockPurchaseLimits(
                    tx,
                    key.sku(),
                    batch.stream().map(Pending::customerRef).filter(Objects::nonNull).toList());
            // In arrival order: consecutive requests without a purchase limit to check go in a
            // set-based run (a few statements for all of them), the others one at a time.
            int i = 0;
            while (i < batch.size()) {
              int j = i;
              while (j < batch.size() && (!limited || batch.get(j).customerRef() == null)) j++;
              if (j - i >= 2) {
                runSet(tx, key, batch, i, j, results);
                i = j;
              } else {
                results[i] = runOne(tx, batch.get(i).work);
                i++;
              }
            }
            return null;
          });
    } catch (RuntimeException e) {
      // The transaction did not commit (or its fate is unknown): nobody in it succeeded.
      log.warn("reservation batch for {} failed ({} requests)", key, batch.size(), e);
      for (int i = 0; i < results.length; i++) results[i] = new Result(Kind.FAILED, null, e);
    } catch (Error e) {
      for (Pending p : batch) p.done.completeExceptionally(e);
      throw e;
    }
    for (int i = 0; i < batch.size(); i++) batch.get(i).done.complete(results[i]);
  }

  /**
   * Requests {@code from..to-1} of the batch in one go ({@link ReservationService#reserveRun}):
   * about six statements however many there are, instead of about five each. Carts that already
   * exist, repeat within the run, or have a stored Idempotency-Key are answered ALONE (their answer
   * is not a new hold). Any other failure rolls the run back to its savepoint and runs its requests
   * one at a time, so the set-based path can only ever be an optimisation.
   */
  private void runSet(DSLContext tx, Key key, List<Pending> batch, int from, int to, Result[] out)
      throws Exception {
    setRuns.increment();
    tx.execute("SAVEPOINT reservation_run");
    try {
      List<Pending> run = batch.subList(from, to);
      Set<String> existing =
          service.existingCarts(tx, run.stream().map(p -> p.member.request().cartId()).toList());
      List<Idempotency.Keyed> keyed = new ArrayList<>();
      for (Pending p : run) if (p.member.key() != null) keyed.add(keyed(p, null));
      Set<Idempotency.Keyed> stored = idempotency.storedAmong(tx, keyed);
      Set<String> seen = new HashSet<>();
      List<Integer> go = new ArrayList<>();
      for (int i = from; i < to; i++) {
        Pending p = batch.get(i);
        String cart = p.member.request().cartId();
        boolean replay = p.member.key() != null && stored.contains(keyed(p, null));
        if (!seen.add(cart) || existing.contains(cart) || replay) {
          out[i] = new Result(Kind.ALONE, null, null);
        } else {
          go.add(i);
        }
      }
      List<CartReservation> views =
          service.reserveRun(
              tx,
              key.sku(),
              key.locationId(),
              go.stream().map(i -> batch.get(i).member.request()).toList(),
              // The owner of a new cart is who asked for it (see Requester).
              go.stream().map(i -> batch.get(i).member.principal()).toList());
      List<Idempotency.Keyed> toStore = new ArrayList<>();
      for (int g = 0; g < go.size(); g++) {
        int i = go.get(g);
        CartReservation view = views.get(g);
        if (view == null) {
          out[i] = new Result(Kind.NOT_HERE, null, null);
          continue;
        }
        HttpResponse<?> response = HttpResponse.created(view);
        out[i] = new Result(Kind.DONE, response, null);
        if (batch.get(i).member.key() != null) toStore.add(keyed(batch.get(i), response));
      }
      idempotency.storeAll(tx, toStore);
      tx.execute("RELEASE SAVEPOINT reservation_run");
    } catch (Exception e) {
      if (Transactions.isRetryable(e)) throw e;
      fallbacks.increment();
      log.debug("set-based run for {} fell back to one at a time", key, e);
      tx.execute("ROLLBACK TO SAVEPOINT reservation_run");
      tx.execute("RELEASE SAVEPOINT reservation_run");
      for (int i = from; i < to; i++) out[i] = runOne(tx, batch.get(i).work);
    }
  }

  private static Idempotency.Keyed keyed(Pending p, HttpResponse<?> response) {
    return new Idempotency.Keyed(p.member.principal(), p.member.key(), p.member.hash(), response);
  }

  /**
   * One request under a savepoint. 40001/40P01 are rethrown: the whole batch runs again (its
   * earlier results are discarded with the aborted transaction).
   */
  private static Result runOne(DSLContext tx, Work work) {
    tx.execute("SAVEPOINT reservation");
    try {
      HttpResponse<?> response = work.apply(tx);
      tx.execute("RELEASE SAVEPOINT reservation");
      return new Result(Kind.DONE, response, null);
    } catch (Exception e) {
      if (Transactions.isRetryable(e)) throw asRuntime(e);
      tx.execute("ROLLBACK TO SAVEPOINT reservation");
      tx.execute("RELEASE SAVEPOINT reservation");
      if (e instanceof ReservationService.NotHere) return new Result(Kind.NOT_HERE, null, null);
      if (e instanceof DataAccessException dae && "23505".equals(dae.sqlState())) {
        return new Result(Kind.ALONE, null, null);
      }
      return new Result(Kind.FAILED, null, asRuntime(e));
    }
  }

  private static RuntimeException asRuntime(Exception e) {
    return e instanceof RuntimeException re ? re : new IllegalStateException(e);
  }

  private ApiProblem tooMany(Key key) {
    long seconds = Math.max(1, (config.retryAfter().toMillis() + 999) / 1000);
    return ApiProblem.tooManyRequests(
        "too-many-requests",
        config.maxQueue()
            + " reservations are already waiting for "
            + key.sku()
            + " at "
            + key.locationId()
            + "; retry after "
            + seconds
            + " s",
        seconds,
        Map.of("sku", key.sku(), "locationId", key.locationId()));
  }
}
