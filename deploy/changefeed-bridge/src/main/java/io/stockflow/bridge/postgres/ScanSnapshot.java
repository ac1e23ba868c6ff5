package io.stockflow.bridge.postgres;

import java.util.Arrays;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The MVCC snapshot the initial scan read, and the WAL insert position right after it was taken. A
 * transaction is <em>in</em> the snapshot when its effects were visible to it; every such
 * transaction's commit record lies before {@code walLsn} (a transaction becomes visible only after
 * its commit record is written).
 *
 * <p>Transaction ids are PostgreSQL's 64-bit {@code xid8} here; pgoutput (and Debezium's {@code
 * txId}) carries the 32-bit xid, so {@link #includes} compares modulo 2^32, which is exact for
 * transactions within 2^31 of the snapshot, and {@code walLsn} bounds it to those.
 *
 * @param xmin every xid below it had ended when the snapshot was taken
 * @param xmax every xid at or above it had not ended (is not visible)
 * @param running xids between xmin and xmax still running (not visible)
 * @param walLsn {@code pg_current_wal_lsn()} after the snapshot was taken
 */
public record ScanSnapshot(long xmin, long xmax, Set<Long> running, long walLsn) {
  public ScanSnapshot {
    running = Set.copyOf(running);
  }

  /**
   * Whether the change with 32-bit transaction id {@code xid} at WAL position {@code lsn} belongs
   * to a transaction whose effects the snapshot saw (so the scan already emitted them).
   */
  public boolean includes(long xid, long lsn) {
    if (Long.compareUnsigned(lsn, walLsn) >= 0) return false;
    if (precedes(xid, xmin)) return true;
    if (!precedes(xid, xmax)) return false;
    for (long r : running) if ((int) r == (int) xid) return false;
    return true;
  }

  /** PostgreSQL's TransactionIdPrecedes on the low 32 bits. */
  private static boolean precedes(long a, long b) {
    return (int) ((int) a - (int) b) < 0;
  }

  /** {@code pg_snapshot} text ({@code xmin:xmax:xip,...}) and a WAL position in bytes. */
  public static ScanSnapshot parse(String snapshot, long walLsn) {
    String[] p = snapshot.trim().split(":", -1);
    if (p.length != 3) throw new IllegalArgumentException("not a pg_snapshot: " + snapshot);
    Set<Long> running =
        p[2].isEmpty()
            ? Set.of()
            : Arrays.stream(p[2].split(",")).map(Long::parseLong).collect(Collectors.toSet());
    return new ScanSnapshot(Long.parseLong(p[0]), Long.parseLong(p[1]), running, walLsn);
  }

  /** One line: {@code <xmin>:<xmax>:<xip,...> <walLsn>}, read back by {@link #fromLine}. */
  public String toLine() {
    return xmin
        + ":"
        + xmax
        + ":"
        + running.stream().sorted().map(String::valueOf).collect(Collectors.joining(","))
        + " "
        + walLsn;
  }

  public static ScanSnapshot fromLine(String line) {
    String[] p = line.trim().split(" ");
    if (p.length != 2) throw new IllegalArgumentException("not a scan snapshot line: " + line);
    return parse(p[0], Long.parseLong(p[1]));
  }
}
