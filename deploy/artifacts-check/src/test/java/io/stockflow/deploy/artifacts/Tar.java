package io.stockflow.deploy.artifacts;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Reads the entries of a tar stream (ustar, as Jib and GNU tar write them) into memory: enough to
 * inspect an image tarball and its layers without a tar library or a Docker daemon.
 */
final class Tar {
  private Tar() {}

  /**
   * @param keep which entry names to keep the contents of (the others are only listed)
   * @return every regular file's and symlink's name, with its contents when kept (else empty)
   */
  static Map<String, byte[]> read(InputStream in, java.util.function.Predicate<String> keep)
      throws IOException {
    Map<String, byte[]> entries = new LinkedHashMap<>();
    byte[] header = new byte[512];
    String longName = null;
    while (in.readNBytes(header, 0, 512) == 512) {
      if (isZero(header)) break;
      String name = text(header, 0, 100);
      String prefix = text(header, 345, 155);
      if (!prefix.isEmpty()) name = prefix + "/" + name;
      long size =
          Long.parseLong(
              text(header, 124, 12).trim().isEmpty() ? "0" : text(header, 124, 12).trim(), 8);
      char type = (char) header[156];
      byte[] body = readBody(in, size, type == 'L' || type == 'x' || keep.test(strip(name)));
      if (type == 'L') { // GNU long name: the next entry's name
        longName = new String(body, StandardCharsets.UTF_8).replace("\0", "");
        continue;
      }
      if (type == 'x') { // PAX header: take its path, if any
        for (String line : new String(body, StandardCharsets.UTF_8).split("\n")) {
          int eq = line.indexOf(" path=");
          if (eq > 0) longName = line.substring(eq + 6);
        }
        continue;
      }
      if (longName != null) {
        name = longName;
        longName = null;
      }
      if (type == '0' || type == '\0' || type == '2' || type == '1')
        entries.put(strip(name), body == null ? new byte[0] : body);
    }
    return entries;
  }

  private static byte[] readBody(InputStream in, long size, boolean keep) throws IOException {
    long padded = (size + 511) / 512 * 512;
    ByteArrayOutputStream kept =
        keep ? new ByteArrayOutputStream((int) Math.min(size, 1 << 20)) : null;
    byte[] buffer = new byte[64 * 1024];
    long left = padded;
    long wanted = size;
    while (left > 0) {
      int n = in.read(buffer, 0, (int) Math.min(buffer.length, left));
      if (n < 0) throw new IOException("tar ends inside an entry");
      if (kept != null && wanted > 0) kept.write(buffer, 0, (int) Math.min(n, wanted));
      wanted -= n;
      left -= n;
    }
    return kept == null ? null : kept.toByteArray();
  }

  private static String strip(String name) {
    return name.startsWith("./")
        ? name.substring(2)
        : name.startsWith("/") ? name.substring(1) : name;
  }

  private static String text(byte[] header, int offset, int length) {
    int end = offset;
    while (end < offset + length && header[end] != 0) end++;
    return new String(header, offset, end - offset, StandardCharsets.US_ASCII);
  }

  private static boolean isZero(byte[] block) {
    for (byte b : block) if (b != 0) return false;
    return true;
  }
}
