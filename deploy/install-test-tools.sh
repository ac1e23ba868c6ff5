#!/usr/bin/env bash
# Installs what `./stockflow test` needs besides Java and Maven, when it is not there yet, so that a newcomer's run
# is CI's run: the Temporal CLI (dev server + Web UI) and, for the Web UI check (ThinSliceIT), Chromium, Node.js/npm
# and playwright-core, and for the API contract test (ApiContractIT) schemathesis. Silent when everything is present;
# one line per thing it installs; a clear error and exit status 1 when it cannot install something (Chromium, Node.js
# and npm come from apt-get, which needs root).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
say() { echo "[install-test-tools] $*"; }
fail() { echo "[install-test-tools] $*" >&2; exit 1; }

bash "$ROOT/deploy/install-temporal.sh"

# ThinSliceIT, OpsConsoleIT and deploy/ui-check/*.mjs look for the browser at the same place.
chromium="${CHROMIUM:-/usr/bin/chromium}"
missing=()
[[ -x "$chromium" ]] || missing+=(chromium)
command -v node >/dev/null 2>&1 || missing+=(nodejs)
command -v npm >/dev/null 2>&1 || missing+=(npm)
if ((${#missing[@]})); then
  if [[ "$(id -u)" != 0 ]] || ! command -v apt-get >/dev/null 2>&1; then
    fail "the Web UI check needs ${missing[*]}, and only root with apt-get can install them here:" \
      "run 'sudo apt-get install ${missing[*]}' (or set CHROMIUM to a Chromium binary), then run it again."
  fi
  say "installing ${missing[*]} (apt-get)"
  log="$(mktemp)"
  if ! { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}"; } >"$log" 2>&1; then
    cat "$log" >&2
    rm -f "$log"
    fail "apt-get install ${missing[*]} failed (output above)"
  fi
  rm -f "$log"
  [[ -x "$chromium" ]] || fail "chromium is installed but not at $chromium: set CHROMIUM to its path"
fi

# playwright-core at the version deploy/ui-check/package.json pins (npm ls fails when it is missing or another one).
if ! (cd "$ROOT/deploy/ui-check" && npm ls playwright-core >/dev/null 2>&1); then
  say "installing playwright-core (npm, into deploy/ui-check/node_modules)"
  (cd "$ROOT/deploy/ui-check" && npm install --no-audit --no-fund --silent) ||
    fail "npm install in deploy/ui-check failed (it needs the npm registry)"
fi

# schemathesis for the API contract test (ApiContractIT), pinned, in a virtualenv of its own under .tools/ (pip's
# --target would mix its many dependencies with nothing to isolate them); .tools/bin/schemathesis points into it.
SCHEMATHESIS_VERSION="4.32.5"
st_bin="$ROOT/.tools/bin/schemathesis"
if ! "$st_bin" --version 2>/dev/null | grep -qx "schemathesis, version $SCHEMATHESIS_VERSION"; then
  # Debian's python3 ships without venv/ensurepip (package python3-venv).
  if ! python3 -c 'import ensurepip, venv' >/dev/null 2>&1; then
    if [[ "$(id -u)" != 0 ]] || ! command -v apt-get >/dev/null 2>&1; then
      fail "schemathesis needs Python's venv module: run 'sudo apt-get install python3-venv', then run it again."
    fi
    say "installing python3-venv (apt-get)"
    { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-venv; } >/dev/null 2>&1 ||
      fail "apt-get install python3-venv failed"
  fi
  say "installing schemathesis $SCHEMATHESIS_VERSION (pip, into .tools/schemathesis)"
  log="$(mktemp)"
  if ! { python3 -m venv --clear "$ROOT/.tools/schemathesis" &&
    "$ROOT/.tools/schemathesis/bin/pip" install --quiet --disable-pip-version-check \
      "schemathesis==$SCHEMATHESIS_VERSION"; } >"$log" 2>&1; then
    cat "$log" >&2
    rm -f "$log"
    fail "could not install schemathesis $SCHEMATHESIS_VERSION (output above): it needs python3 with the venv module" \
      "(apt-get install python3-venv) and PyPI"
  fi
  rm -f "$log"
  mkdir -p "$ROOT/.tools/bin"
  ln -sf ../schemathesis/bin/schemathesis "$st_bin"
  "$st_bin" --version >/dev/null || fail "schemathesis was installed but $st_bin does not run"
fi
