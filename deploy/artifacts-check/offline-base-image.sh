#!/usr/bin/env bash
# Assembles the container base image used when no registry is reachable (this machine and CI reach
# only package registries): a Java 17 runtime jlinked from the build's own JDK, plus the shared
# libraries it links against copied from this machine's system (its Debian packages), plus a
# non-root user. Written as a `docker save` tarball, which Jib takes as `tar://…` base image.
# Production images use a registry base instead (see deploy/README.md, "Image").
#
#   offline-base-image.sh <java-home> <output.tar>
# Idempotent: an existing output newer than this script and built from the same JDK is kept.
set -euo pipefail
JAVA_HOME_IN="${1:?usage: offline-base-image.sh <java-home> <output.tar>}"
OUT="${2:?usage: offline-base-image.sh <java-home> <output.tar>}"
# The image user: a fixed numeric id so Kubernetes' runAsNonRoot can verify it without a passwd lookup.
UID_GID=10001

for tool in jlink ldd tar sha256sum; do
  if [[ "$tool" == jlink ]]; then [[ -x "$JAVA_HOME_IN/bin/jlink" ]] && continue; fi
  command -v "$tool" >/dev/null 2>&1 || [[ "$tool" == jlink ]] || {
    echo "offline-base-image: '$tool' is missing" >&2; exit 1; }
  [[ "$tool" != jlink ]] || {
    echo "offline-base-image: $JAVA_HOME_IN/bin/jlink is missing: a full JDK (with jmods) is needed" >&2; exit 1; }
done
[[ -d "$JAVA_HOME_IN/jmods" ]] || {
  echo "offline-base-image: $JAVA_HOME_IN has no jmods/ (install openjdk-17-jdk-headless)" >&2; exit 1; }

STAMP="$OUT.source"
SOURCE="$("$JAVA_HOME_IN/bin/java" -version 2>&1 | tr '\n' ' ') $(sha256sum "${BASH_SOURCE[0]}" | cut -c1-16)"
if [[ -f "$OUT" && -f "$STAMP" && "$(cat "$STAMP")" == "$SOURCE" ]]; then
  exit 0
fi

WORK="$(mktemp -d "${TMPDIR:-/tmp}/stockflow-base.XXXXXX")"
trap 'rm -rf "$WORK"' EXIT
ROOTFS="$WORK/rootfs"
mkdir -p "$ROOTFS"/{etc,tmp,home/stockflow,opt}
chmod 1777 "$ROOTFS/tmp"

# What a Java SE server needs (Temurin's JRE holds the same set plus tools we never run).
"$JAVA_HOME_IN/bin/jlink" \
  --module-path "$JAVA_HOME_IN/jmods" \
  --add-modules java.se,jdk.unsupported,jdk.crypto.ec,jdk.crypto.cryptoki,jdk.zipfs,jdk.naming.dns,jdk.management,jdk.management.agent,jdk.jfr,jdk.charsets,jdk.localedata,jdk.net \
  --strip-debug --no-man-pages --no-header-files --compress=2 \
  --output "$ROOTFS/opt/java"

# Debian's JDK keeps cacerts in /etc/ssl (a symlink in the JDK): without a real file TLS to
# Kafka/CockroachDB/Temporal would trust nothing.
CACERTS="$(readlink -f "$JAVA_HOME_IN/lib/security/cacerts" || true)"
if [[ -f "$CACERTS" ]]; then
  rm -f "$ROOTFS/opt/java/lib/security/cacerts"
  cp "$CACERTS" "$ROOTFS/opt/java/lib/security/cacerts"
fi

# A server runs headless: the X11/ALSA bridges would drag the desktop's libraries into the image.
rm -f "$ROOTFS"/opt/java/lib/{libawt_xawt.so,libjawt.so,libsplashscreen.so,libjsound.so}

# Every shared library the runtime's executables and libraries load, with the dynamic loader.
copy_lib() {
  local lib="$1" real
  [[ -e "$ROOTFS$lib" ]] && return 0
  real="$(readlink -f "$lib")"
  mkdir -p "$ROOTFS$(dirname "$lib")" "$ROOTFS$(dirname "$real")"
  cp -n "$real" "$ROOTFS$real"
  [[ "$lib" == "$real" ]] || ln -s "$real" "$ROOTFS$lib"
}
while read -r lib; do
  copy_lib "$lib"
done < <(find "$ROOTFS/opt/java" -type f \( -name '*.so' -o -perm -u+x \) -print0 \
  | xargs -0 ldd 2>/dev/null \
  | grep -v "$ROOTFS" \
  | awk '/=> \//{print $3} /^\t\/[^ ]+ \(/{print $1}' | sort -u)
# A path the runtime expects that ldd does not print for every system: the 64-bit loader's usual link.
[[ -e /lib64/ld-linux-x86-64.so.2 ]] && copy_lib /lib64/ld-linux-x86-64.so.2
# Debian keeps /lib -> usr/lib; programs in the image look libraries up under both.
[[ -L /lib ]] && [[ ! -e "$ROOTFS/lib" ]] && ln -s usr/lib "$ROOTFS/lib"

cat > "$ROOTFS/etc/passwd" <<PASSWD
root:x:0:0:root:/root:/sbin/nologin
stockflow:x:$UID_GID:$UID_GID:stockflow:/home/stockflow:/sbin/nologin
PASSWD
cat > "$ROOTFS/etc/group" <<GROUP
root:x:0:
stockflow:x:$UID_GID:
GROUP
echo "hosts: files dns" > "$ROOTFS/etc/nsswitch.conf"
chown "$UID_GID:$UID_GID" "$ROOTFS/home/stockflow"

# Which system packages the copied files come from, for licences and security updates.
if command -v dpkg >/dev/null 2>&1; then
  mkdir -p "$ROOTFS/usr/share/doc/stockflow-base"
  # dpkg registers a library under /lib or /usr/lib, depending on the package (usrmerge).
  (cd "$ROOTFS" && find usr -type f -printf '/%p\n') | while read -r f; do
    dpkg -S "$f" 2>/dev/null || dpkg -S "${f#/usr}" 2>/dev/null || true
  done | cut -d: -f1 | sort -u | xargs -r dpkg-query -W -f '${Package} ${Version}\n' \
    > "$ROOTFS/usr/share/doc/stockflow-base/packages"
  "$JAVA_HOME_IN/bin/java" -version 2>> "$ROOTFS/usr/share/doc/stockflow-base/packages"
fi

# Where allowed (root, mount namespaces), prove the runtime is complete: it must start with nothing
# but this tree. /proc is mounted because the loader resolves the launcher's $ORIGIN rpath through it.
mkdir -p "$ROOTFS/proc"
if [[ "$(id -u)" == 0 ]] && command -v unshare >/dev/null 2>&1 \
  && unshare --mount true 2>/dev/null; then
  unshare --mount sh -c 'mount -t proc proc "$1/proc" && chroot "$1" /opt/java/bin/java -version' \
    sh "$ROOTFS" >/dev/null 2>"$WORK/chroot.log" || {
    echo "offline-base-image: the assembled runtime does not start in its own root:" >&2
    cat "$WORK/chroot.log" >&2
    exit 1
  }
  echo "[offline-base-image] java -version runs inside the assembled root"
else
  echo "[offline-base-image] not root or no mount namespaces: the runtime was not started in its own root"
fi

# docker save layout: one uncompressed layer, its config (diff_id = the layer's sha256), a manifest.
IMG="$WORK/image"
mkdir -p "$IMG/layer"
tar --create --file "$IMG/layer/layer.tar" --directory "$ROOTFS" \
  --sort=name --mtime=@0 --numeric-owner --owner=0 --group=0 \
  --exclude=./home/stockflow .
tar --append --file "$IMG/layer/layer.tar" --directory "$ROOTFS" \
  --mtime=@0 --numeric-owner --owner="$UID_GID" --group="$UID_GID" ./home/stockflow
DIFF_ID="sha256:$(sha256sum "$IMG/layer/layer.tar" | cut -d' ' -f1)"
cat > "$IMG/config.json" <<CONFIG
{"architecture":"amd64","os":"linux","created":"1970-01-01T00:00:00Z",
 "config":{"Env":["PATH=/opt/java/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin","JAVA_HOME=/opt/java","LANG=C.UTF-8"],"User":"$UID_GID:$UID_GID","WorkingDir":"/home/stockflow"},
 "rootfs":{"type":"layers","diff_ids":["$DIFF_ID"]},
 "history":[{"created":"1970-01-01T00:00:00Z","created_by":"deploy/artifacts-check/offline-base-image.sh"}]}
CONFIG
CONFIG_ID="$(sha256sum "$IMG/config.json" | cut -d' ' -f1)"
mv "$IMG/config.json" "$IMG/$CONFIG_ID.json"
echo "[{\"Config\":\"$CONFIG_ID.json\",\"RepoTags\":[\"stockflow-offline-base:17\"],\"Layers\":[\"layer/layer.tar\"]}]" > "$IMG/manifest.json"
mkdir -p "$(dirname "$OUT")"
# Entries named plainly (no "./"): Jib refuses a tarball with an entry for its own root.
tar --create --file "$OUT.tmp.$$" --directory "$IMG" --mtime=@0 --owner=0 --group=0 \
  manifest.json "$CONFIG_ID.json" layer/layer.tar
mv "$OUT.tmp.$$" "$OUT"  # atomic: a concurrent build never reads half a file
echo "$SOURCE" > "$STAMP"
echo "[offline-base-image] $(du -h "$OUT" | cut -f1) base image written to $OUT"
