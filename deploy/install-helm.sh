#!/usr/bin/env bash
# Installs the Helm CLI into .tools/bin (used by deploy/artifacts-check to lint and render
# deploy/helm/stockflow). Helm publishes binaries only on get.helm.sh / GitHub releases, which a
# machine limited to package registries cannot reach, so it is built from source fetched through the
# Go module proxy. Idempotent: does nothing when the pinned version is already there.
set -euo pipefail
HELM_VERSION="v3.21.4"
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# The Kubernetes version Helm assumes without a cluster (capabilities, lint's deprecation rules):
# the client-go of this Helm release (v0.36 -> 1.36), as Helm's own Makefile sets it.
K8S_MAJOR=1
K8S_MINOR=36
BIN="$ROOT/.tools/bin/helm"
STAMP="$BIN.build"
# What `helm version` prints and what plain `go install` would leave at the source's placeholders
# (a Kubernetes v1.20 that fails every chart requiring a newer one).
LDFLAGS="-s -w -X helm.sh/helm/v3/internal/version.version=$HELM_VERSION"
for pkg in helm.sh/helm/v3/pkg/lint/rules helm.sh/helm/v3/pkg/chartutil; do
  LDFLAGS+=" -X $pkg.k8sVersionMajor=$K8S_MAJOR -X $pkg.k8sVersionMinor=$K8S_MINOR"
done

if [[ -x "$BIN" && -f "$STAMP" && "$(cat "$STAMP")" == "$LDFLAGS" ]]; then
  exit 0
fi
command -v go >/dev/null 2>&1 || {
  echo "install-helm: 'go' is not installed — install Go 1.24+ (apt-get install golang, or go.dev/dl)" >&2
  exit 1
}
echo "[install-helm] building helm $HELM_VERSION from the Go module proxy into .tools/bin (a few minutes on a cold cache) …"
mkdir -p "$ROOT/.tools/bin"
GOBIN="$ROOT/.tools/bin" GOFLAGS=-mod=mod CGO_ENABLED=0 go install -ldflags "$LDFLAGS" \
  "helm.sh/helm/v3/cmd/helm@$HELM_VERSION"
echo "$LDFLAGS" > "$STAMP"
"$BIN" version --template '[install-helm] helm {{.Version}} ready at '"$BIN"'{{"\n"}}'
