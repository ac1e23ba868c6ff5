package io.stockflow.platform.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.stockflow.db.EnvironmentSettings;
import io.stockflow.db.Json;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.StringJoiner;

/**
 * {@code ./stockflow dead-letters list|redrive}: the ops API's dead-letter endpoints from a
 * terminal. It talks to a running platform over HTTP (so a re-drive runs in the platform, with its
 * subprocessors and Temporal clients) using {@code STOCKFLOW_API_URL} and {@code STOCKFLOW_API_KEY}
 * (an {@code ops} key; the dev stack's key by default).
 *
 * <p>Exit codes: 0 done, 1 a re-drive failed again or the API refused, 2 bad usage, 3 API
 * unreachable.
 */
public final class DeadLettersCli {
  static final String USAGE =
      String.join(
          "\n",
          "usage: stockflow dead-letters list [--status pending|redriven|resolved]"
              + " [--subprocessor NAME] [--limit N]",
          "       stockflow dead-letters redrive ID [ID…]",
          "       stockflow dead-letters redrive --all-pending [--subprocessor NAME]",
          "env:   STOCKFLOW_API_URL (default http://127.0.0.1:8080),"
              + " STOCKFLOW_API_KEY (default the dev stack's key)");

  /** The API to talk to; env STOCKFLOW_API_URL. */
  static final String API_URL = "stockflow.api.url";

  /** An API key with the ops role; env STOCKFLOW_API_KEY. */
  static final String API_KEY = "stockflow.api.key";

  private static final ObjectMapper JSON = Json.mapper();

  private final URI api;
  private final String apiKey;
  private final HttpClient http;
  private final PrintStream out;
  private final PrintStream err;

  public DeadLettersCli(URI api, String apiKey, PrintStream out, PrintStream err) {
    this.api = api;
    this.apiKey = apiKey;
    this.out = out;
    this.err = err;
    this.http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  }

  public static void main(String[] args) {
    EnvironmentSettings settings = EnvironmentSettings.ofProcess();
    String url = settings.get(API_URL, "http://127.0.0.1:8080").replaceFirst("/$", "");
    String key = settings.get(API_KEY, "stockflow-dev-key");
    System.exit(new DeadLettersCli(URI.create(url), key, System.out, System.err).run(args));
  }

  /** Runs one command; returns the exit code. */
  public int run(String... args) {
    try {
      if (args.length == 0) throw new UsageException("missing command");
      List<String> rest = new ArrayList<>(List.of(args).subList(1, args.length));
      return switch (args[0]) {
        case "list" -> list(rest);
        case "redrive" -> redrive(rest);
        case "help", "-h", "--help" -> {
          out.println(USAGE);
          yield 0;
        }
        default -> throw new UsageException("unknown command '" + args[0] + "'");
      };
    } catch (UsageException e) {
      err.println("stockflow dead-letters: " + e.getMessage());
      err.println(USAGE);
      return 2;
    } catch (IOException e) {
      err.println(
          "stockflow dead-letters: cannot reach the API at "
              + api
              + " ("
              + e
              + ") — is the platform running? (./stockflow dev, or set STOCKFLOW_API_URL)");
      return 3;
    } catch (ApiException e) {
      err.println("stockflow dead-letters: " + e.getMessage());
      return 1;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return 1;
    }
  }

  private int list(List<String> args) throws IOException, InterruptedException, ApiException {
    JsonNode letters = get(query(args, "--status", "--subprocessor", "--limit"));
    if (letters.isEmpty()) {
      out.println("no dead letters");
      return 0;
    }
    out.printf(
        "%-36s  %-8s  %-22s  %-24s  %3s  %-20s  %s%n",
        "ID", "STATUS", "SUBPROCESSOR", "SOURCE", "TRY", "LAST FAILURE", "ERROR");
    for (JsonNode d : letters) {
      out.printf(
          "%-36s  %-8s  %-22s  %-24s  %3d  %-20s  %s%n",
          d.path("id").asText(),
          d.path("status").asText(),
          d.path("subprocessor").asText("(decoding)"),
          d.path("sourceTopic").asText()
              + "/"
              + d.path("sourcePartition").asInt()
              + "@"
              + d.path("sourceOffset").asLong(),
          d.path("attempts").asInt(),
          instant(d.path("lastFailureAt")),
          d.path("errorClass").asText() + ": " + d.path("errorMessage").asText());
    }
    return 0;
  }

  private int redrive(List<String> args) throws IOException, InterruptedException, ApiException {
    List<String> ids = new ArrayList<>();
    if (!args.isEmpty() && args.get(0).equals("--all-pending")) {
      List<String> filter = new ArrayList<>(args.subList(1, args.size()));
      filter.add("--status");
      filter.add("pending");
      filter.add("--limit");
      filter.add("500");
      for (JsonNode d : get(query(filter, "--status", "--subprocessor", "--limit")))
        ids.add(d.path("id").asText());
      if (ids.isEmpty()) {
        out.println("no pending dead letters");
        return 0;
      }
    } else {
      for (String a : args) {
        if (a.startsWith("-")) throw new UsageException("unknown option " + a);
        ids.add(a);
      }
      if (ids.isEmpty()) throw new UsageException("redrive needs at least one dead-letter ID");
    }
    int failed = 0;
    for (String id : ids) {
      JsonNode r =
          post("/ops/dead-letters/" + URLEncoder.encode(id, StandardCharsets.UTF_8) + "/redrive");
      String outcome = r.path("outcome").asText();
      out.printf("%s  %-16s  %s%n", id, outcome, r.path("message").asText());
      if (!outcome.equals("REDRIVEN") && !outcome.equals("ALREADY_REDRIVEN")) failed++;
    }
    if (failed > 0) err.printf("%d of %d re-drives did not succeed%n", failed, ids.size());
    return failed == 0 ? 0 : 1;
  }

  /** Instants arrive as ISO text or as epoch seconds with a fraction, depending on the mapper. */
  static String instant(JsonNode n) {
    if (n.isNumber())
      return java.time.Instant.ofEpochSecond((long) Math.floor(n.asDouble())).toString();
    return n.asText().replaceFirst("\\.\\d+Z$", "Z");
  }

  /** Turns {@code --status pending --limit 5} into {@code ?status=pending&limit=5}. */
  static String query(List<String> args, String... allowed) throws UsageException {
    StringJoiner q = new StringJoiner("&", "/ops/dead-letters?", "");
    q.setEmptyValue("/ops/dead-letters");
    List<String> known = List.of(allowed);
    for (int i = 0; i < args.size(); i += 2) {
      String option = args.get(i);
      if (!known.contains(option)) throw new UsageException("unknown option " + option);
      if (i + 1 >= args.size()) throw new UsageException(option + " needs a value");
      q.add(option.substring(2) + "=" + URLEncoder.encode(args.get(i + 1), StandardCharsets.UTF_8));
    }
    return q.toString();
  }

  private JsonNode get(String path) throws IOException, InterruptedException, ApiException {
    return send(request(path).GET().build());
  }

  private JsonNode post(String path) throws IOException, InterruptedException, ApiException {
    return send(request(path).POST(HttpRequest.BodyPublishers.noBody()).build());
  }

  private HttpRequest.Builder request(String path) {
    return HttpRequest.newBuilder(api.resolve(path))
        .timeout(Duration.ofSeconds(60))
        .header("X-API-Key", apiKey)
        .header("Accept", "application/json");
  }

  private JsonNode send(HttpRequest request)
      throws IOException, InterruptedException, ApiException {
    HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
    JsonNode body;
    try {
      body = response.body().isBlank() ? JSON.nullNode() : JSON.readTree(response.body());
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new ApiException(
          request.uri() + " answered " + response.statusCode() + " with a body that is not JSON");
    }
    if (response.statusCode() / 100 != 2) {
      // Problem details name what was wrong; print them rather than the raw status.
      String detail = body.path("detail").asText(body.path("title").asText(response.body()));
      throw new ApiException(
          request.method()
              + " "
              + request.uri().getPath()
              + " → "
              + response.statusCode()
              + ": "
              + detail);
    }
    return body;
  }

  static final class UsageException extends IllegalArgumentException {
    UsageException(String message) {
      super(message);
    }
  }

  static final class ApiException extends Exception {
    ApiException(String message) {
      super(message);
    }
  }
}
