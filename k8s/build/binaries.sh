#!/usr/bin/env bash
# Builds, from the Go module proxy, every binary the local kind cluster needs: the Kubernetes
# components (apiserver, controller-manager, scheduler, kube-proxy, kubelet, kubeadm, kubectl),
# etcd, CoreDNS, the CNI plugins, kind and helm. No container registry is involved.
#
#   k8s/build/binaries.sh <output-dir>
#
# The Kubernetes module cannot be `go install`ed (its staging modules are required at v0.0.0
# and replaced by ./staging paths), so it is built from a wrapper module that replaces each
# staging module by its published v0.x release. Versions: versions.env beside this file.
# Output is written to <output-dir>.partial and renamed when complete, so an interrupted
# build never leaves a cache that looks finished.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
# shellcheck source=versions.env
source "$here/versions.env"
out="${1:?usage: binaries.sh <output-dir>}"
work="$out.partial"
rm -rf "$work"
mkdir -p "$work/bin" "$work/cni" "$work/src"
export CGO_ENABLED=0 GOFLAGS=-buildvcs=false GOTOOLCHAIN=local

step() { printf '[binaries %s] %s\n' "$(date +%T)" "$*"; }

# --- Kubernetes ---------------------------------------------------------------------------------
step "kubernetes $KUBE_VERSION"
mod="$work/src/kube"
mkdir -p "$mod"
(
  cd "$mod"
  go mod init local/kube >/dev/null 2>&1
  gomod="$(go mod download -json "k8s.io/kubernetes@$KUBE_VERSION" | sed -n 's/.*"GoMod": "\(.*\)".*/\1/p')"
  for staging in $(awk '/=> .\/staging\// {print $1}' "$gomod"); do
    go mod edit -replace "$staging=$staging@$KUBE_STAGING_VERSION"
  done
  cmds=(kube-apiserver kube-controller-manager kube-scheduler kube-proxy kubelet kubeadm kubectl)
  pkgs=()
  for cmd in "${cmds[@]}"; do pkgs+=("k8s.io/kubernetes/cmd/$cmd"); done
  # Resolves every module the commands import into go.mod/go.sum.
  go get "${pkgs[@]/%/@$KUBE_VERSION}"
  # Version stamps: kubeadm checks them against the control plane, `kubectl version` shows them.
  ldflags="-s -w"
  for v in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
    ldflags+=" -X $v.gitVersion=$KUBE_VERSION -X $v.gitMajor=1"
    ldflags+=" -X $v.gitMinor=$(echo "$KUBE_VERSION" | cut -d. -f2)"
    ldflags+=" -X $v.gitTreeState=clean -X $v.buildDate=1970-01-01T00:00:00Z"
  done
  # One `go build` for all of them: shared packages compile once.
  go build -trimpath -ldflags "$ldflags" -o "$work/bin/" "${pkgs[@]}"
)

# --- etcd ---------------------------------------------------------------------------------------
step "etcd $ETCD_VERSION"
mod="$work/src/etcd"
mkdir -p "$mod"
(
  cd "$mod"
  go mod init local/etcd >/dev/null 2>&1
  go get "go.etcd.io/etcd/server/v3@$ETCD_VERSION" "go.etcd.io/etcd/etcdctl/v3@$ETCD_VERSION" >/dev/null
  go build -trimpath -ldflags "-s -w" -o "$work/bin/etcd" go.etcd.io/etcd/server/v3
  go build -trimpath -ldflags "-s -w" -o "$work/bin/etcdctl" go.etcd.io/etcd/etcdctl/v3
)

# --- CoreDNS, CNI plugins, kind, helm -------------------------------------------------------------
step "coredns $COREDNS_VERSION"
GOBIN="$work/bin" go install -trimpath -ldflags "-s -w" "github.com/coredns/coredns@$COREDNS_VERSION"

step "cni plugins $CNI_PLUGINS_VERSION"
for plugin in ptp host-local loopback portmap bridge; do
  GOBIN="$work/cni" go install -trimpath -ldflags "-s -w" \
    "github.com/containernetworking/plugins/plugins/$(case $plugin in
      ptp|bridge|loopback) echo main;; host-local) echo ipam;; *) echo meta;; esac)/$plugin@$CNI_PLUGINS_VERSION"
done

step "kind $KIND_VERSION"
GOBIN="$work/bin" go install -trimpath -ldflags "-s -w" "sigs.k8s.io/kind@$KIND_VERSION"

step "helm $HELM_VERSION"
# Without these stamps helm v3 believes the cluster is Kubernetes 1.20 when rendering offline.
minor="$(echo "$KUBE_VERSION" | cut -d. -f2)"
GOBIN="$work/bin" go install -trimpath -ldflags "-s -w \
  -X helm.sh/helm/v3/internal/version.version=$HELM_VERSION \
  -X helm.sh/helm/v3/pkg/chartutil.k8sVersionMajor=1 -X helm.sh/helm/v3/pkg/chartutil.k8sVersionMinor=$minor \
  -X helm.sh/helm/v3/pkg/lint/rules.k8sVersionMajor=1 -X helm.sh/helm/v3/pkg/lint/rules.k8sVersionMinor=$minor" \
  "helm.sh/helm/v3/cmd/helm@$HELM_VERSION"

rm -rf "$work/src"
rm -rf "$out"
mv "$work" "$out"
step "done: $(du -sh "$out" | cut -f1) in $out"
