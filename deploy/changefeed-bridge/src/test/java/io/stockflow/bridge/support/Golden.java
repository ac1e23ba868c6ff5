package io.stockflow.bridge.support;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigInteger;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Helpers for golden assertions on changefeed messages. */
public final class Golden {
  private static final Pattern UPDATED = Pattern.compile("\"updated\": \"(\\d+)\\.(\\d{10})\"");

  private Golden() {}

  /** The database clock in nanoseconds (microsecond precision), to bracket a commit. */
  public static BigInteger clockNanos(Connection c) throws SQLException {
    try (Statement s = c.createStatement();
        ResultSet rs =
            s.executeQuery(
                "SELECT (extract(epoch FROM clock_timestamp()) * 1000000)::bigint * 1000")) {
      rs.next();
      return BigInteger.valueOf(rs.getLong(1));
    }
  }

  /**
   * Checks that {@code value}'s updated is an HLC with logical 0 between {@code from} and {@code
   * to}, and returns the value with updated replaced by {@code <updated>} for an exact comparison.
   */
  public static String withoutUpdated(String value, BigInteger from, BigInteger to) {
    Matcher m = UPDATED.matcher(value);
    assertThat(m.find()).as("updated in %s", value).isTrue();
    BigInteger wall = new BigInteger(m.group(1));
    assertThat(m.group(2)).isEqualTo("0000000000");
    assertThat(wall).as("commit timestamp of %s", value).isBetween(from, to);
    return m.replaceFirst("\"updated\": \"<updated>\"");
  }

  /** The updated HLC of a row message, as a comparable number (wall nanos * 1e10 + logical). */
  public static BigInteger updated(String value) {
    Matcher m = UPDATED.matcher(value);
    if (!m.find()) throw new AssertionError("no updated in " + value);
    return new BigInteger(m.group(1) + m.group(2));
  }

  /** The HLC of a resolved message as a comparable number. */
  public static BigInteger resolved(String value) {
    Matcher m = Pattern.compile("^\\{\"resolved\":\"(\\d+)\\.(\\d{10})\"}$").matcher(value);
    if (!m.find()) throw new AssertionError("not a resolved message: " + value);
    return new BigInteger(m.group(1) + m.group(2));
  }
}
