#!/usr/bin/env bash
# Builds the kind node image for the local cluster entirely offline: no registry, no BuildKit,
# only the local Debian base image, Debian packages and the binaries built by binaries.sh.
#
#   k8s/build/node-image.sh <binaries-dir> <tag> <tarball>
#   k8s/build/node-image.sh key     # prints a hash of every input here (for the tarball's name)
#
#   <binaries-dir>  output of binaries.sh (bin/: kube-*, kubelet, kubeadm, kubectl, etcd,
#                   etcdctl, coredns[, crictl]; cni/: ptp host-local loopback portmap bridge)
#   <tag>           node image tag, e.g. local/kind-node:v1.36.5
#   <tarball>       cache: `docker save <tag> | gzip`; when present it is only `docker load`ed
#
# What it builds (Dockerfiles under k8s/node/, each with ARG BASE_IMAGE):
#   local/pause:<tag>            static Go program FROM scratch (sandbox image)
#   local/kindnode-base:...      kind's base on local/debian:bookworm with Debian's containerd 1.6
#   local/kube-apiserver, kube-controller-manager, kube-scheduler, kube-proxy:<KUBE_VERSION>,
#   local/etcd:<etcd>-0, local/coredns:<COREDNS_VERSION>   (as kubeadm expects with
#                                imageRepository: local, tags as set in k8s/kind-config.yaml)
#   <tag>                        base + node binaries, the images above preloaded into
#                                containerd's k8s.io namespace, committed like `kind build`.
#
# Environment: BASE_IMAGE (local/debian:bookworm), DOCKER (/usr/bin/docker if present: the
# 20.10 CLI with the legacy builder), CRICTL_VERSION (v1.36.0; built with `go install` into
# the cache when the binaries dir has no crictl), CACHE_DIR (~/.cache/catalog-platform).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
# shellcheck source=versions.env
source "$here/versions.env"
usage="usage: node-image.sh <binaries-dir> <tag> <tarball> | node-image.sh key"
if [ "${1:-}" = key ]; then
  # The tarball is only rebuilt when missing: name it after this key (and the binaries' key).
  (cd "$repo" && find k8s/node k8s/build/node-image.sh k8s/build/versions.env -type f | LC_ALL=C sort \
    | xargs sha256sum; echo "BASE_IMAGE=${BASE_IMAGE:-local/debian:bookworm}") \
    | sha256sum | cut -c1-12
  exit 0
fi
bindir="$(cd "${1:?$usage}" && pwd)"
tag="${2:?$usage}"
tarball="${3:?$usage}"
base_image="${BASE_IMAGE:-local/debian:bookworm}"
docker="${DOCKER:-$( [ -x /usr/bin/docker ] && echo /usr/bin/docker || echo docker)}"
crictl_version="${CRICTL_VERSION:-v1.36.0}"
cache="${CACHE_DIR:-$HOME/.cache/catalog-platform}"
nodedir="$repo/k8s/node"

start=$SECONDS
last=$SECONDS
step() {
  printf '[node-image %s +%3ss] %s\n' "$(date +%T)" "$((SECONDS - last))" "$*"
  last=$SECONDS
}
has_image() { "$docker" image inspect "$1" >/dev/null 2>&1; }

# --- cached? --------------------------------------------------------------------------------------
if [ -s "$tarball" ]; then
  if ! has_image "$tag"; then
    step "loading $tag from $tarball"
    gzip -dc "$tarball" | "$docker" load >/dev/null
  fi
  step "done: $tag (from cache) in $((SECONDS - start))s"
  exit 0
fi

has_image "$base_image" || { echo "base image $base_image missing (k8s/build/base-image.sh)" >&2; exit 1; }
for b in kube-apiserver kube-controller-manager kube-scheduler kube-proxy kubelet kubeadm kubectl etcd etcdctl coredns; do
  [ -x "$bindir/bin/$b" ] || { echo "missing $bindir/bin/$b" >&2; exit 1; }
done
for p in ptp host-local loopback portmap; do
  [ -x "$bindir/cni/$p" ] || { echo "missing $bindir/cni/$p" >&2; exit 1; }
done

work="$(mktemp -d)"
build_container=""
cleanup() {
  [ -z "$build_container" ] || "$docker" rm -f -v "$build_container" >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT

# Image names. kubeadm decides the control-plane names; etcd and CoreDNS tags are ours and
# must match k8s/kind-config.yaml (etcd.local.imageTag, dns.imageTag).
etcd_tag="${ETCD_VERSION#v}-0"
coredns_tag="$COREDNS_VERSION"
pause_image="$(sed -n 's/^ *sandbox_image *= *"\(.*\)"/\1/p' "$nodedir/base/containerd-config.toml")"
for t in "$etcd_tag" "$coredns_tag"; do
  grep -q "imageTag: \"\?$t\"\?\$" "$repo/k8s/kind-config.yaml" \
    || { echo "k8s/kind-config.yaml does not set imageTag $t" >&2; exit 1; }
done
mapfile -t kubeadm_images < <("$bindir/bin/kubeadm" config images list \
  --image-repository local --kubernetes-version "$KUBE_VERSION" 2>/dev/null)
image_for() { printf '%s\n' "${kubeadm_images[@]}" | grep "^local/$1:" | head -n1; }
apiserver_image="$(image_for kube-apiserver)"
controller_manager_image="$(image_for kube-controller-manager)"
scheduler_image="$(image_for kube-scheduler)"
proxy_image="$(image_for kube-proxy)"
etcd_image="local/etcd:$etcd_tag"
coredns_image="local/coredns:$coredns_tag"
if [ "$(image_for pause)" != "$pause_image" ]; then
  echo "note: kubeadm would use $(image_for pause); the node's containerd uses $pause_image" >&2
fi
step "images: $apiserver_image $controller_manager_image $scheduler_image $proxy_image $etcd_image $coredns_image $pause_image"

build() { # build <tag> <context> <dockerfile> [docker build args...]
  local image="$1" context="$2" dockerfile="$3"
  shift 3
  "$docker" build -q --build-arg "BASE_IMAGE=$base_image" "$@" -f "$dockerfile" -t "$image" "$context" >/dev/null
}

# --- pause ----------------------------------------------------------------------------------------
mkdir -p "$work/pause"
(cd "$nodedir/pause" && CGO_ENABLED=0 GOTOOLCHAIN=local GOFLAGS=-buildvcs=false \
  go build -trimpath -ldflags "-s -w -X main.version=${pause_image##*:}" -o "$work/pause/pause" .)
build "$pause_image" "$work/pause" "$nodedir/pause/Dockerfile"
step "pause image $pause_image"

# --- node base ------------------------------------------------------------------------------------
kind_files="$(go env GOMODCACHE)/sigs.k8s.io/kind@$KIND_VERSION/images/base/files"
if [ ! -d "$kind_files" ]; then
  (cd "$work" && GOTOOLCHAIN=local GOFLAGS=-mod=mod go mod download "sigs.k8s.io/kind@$KIND_VERSION")
fi
ctx="$work/base"
mkdir -p "$ctx"
cp -r "$kind_files" "$ctx/kind-files"
chmod -R u+w "$ctx/kind-files"
# Legacy builder: no COPY --chmod, so the modes kind's Dockerfile sets are set here.
find "$ctx/kind-files" -type d -exec chmod 0755 {} +
find "$ctx/kind-files" -type f -exec chmod 0644 {} +
chmod 0755 "$ctx/kind-files/usr/local/bin/"* "$ctx/kind-files/kind/bin/"*
cp "$nodedir/base/containerd-config.toml" "$nodedir/base/10-catalog-ptp.conflist" \
  "$nodedir/base/catalog-service-guard.nft" "$nodedir/base/catalog-service-guard.service" "$ctx/"
chmod 0644 "$ctx/"*.toml "$ctx/"*.conflist "$ctx/"catalog-service-guard.*
kind_base="local/kindnode-base:bookworm-kind-$KIND_VERSION"
build "$kind_base" "$ctx" "$nodedir/base/Dockerfile" --network host
step "node base $kind_base"

# --- control-plane images -------------------------------------------------------------------------
component() { # component <image> <binaries...>
  local image="$1" dir="$work/component-${1//[\/:]/-}"
  shift
  mkdir -p "$dir/bin"
  for b in "$@"; do cp "$bindir/bin/$b" "$dir/bin/"; done
  build "$image" "$dir" "$nodedir/component/Dockerfile"
}
component "$apiserver_image" kube-apiserver
component "$controller_manager_image" kube-controller-manager
component "$scheduler_image" kube-scheduler
component "$etcd_image" etcd etcdctl
mkdir -p "$work/coredns"
cp "$bindir/bin/coredns" "$work/coredns/"
build "$coredns_image" "$work/coredns" "$nodedir/coredns/Dockerfile"
mkdir -p "$work/kube-proxy"
cp "$bindir/bin/kube-proxy" "$nodedir/kube-proxy/iptables-wrapper" "$work/kube-proxy/"
build "$proxy_image" "$work/kube-proxy" "$nodedir/kube-proxy/Dockerfile" --network host
step "control-plane images"

# --- crictl ---------------------------------------------------------------------------------------
crictl="$bindir/bin/crictl"
if [ ! -x "$crictl" ]; then
  crictl="$cache/crictl-$crictl_version/crictl"
  if [ ! -x "$crictl" ]; then
    rm -rf "$cache/crictl-$crictl_version.partial"
    (cd "$work" && CGO_ENABLED=0 GOTOOLCHAIN=local GOFLAGS=-buildvcs=false \
      GOBIN="$cache/crictl-$crictl_version.partial" go install -trimpath \
      -ldflags "-s -w -X sigs.k8s.io/cri-tools/pkg/version.Version=$crictl_version" \
      "sigs.k8s.io/cri-tools/cmd/crictl@$crictl_version")
    mv "$cache/crictl-$crictl_version.partial" "$cache/crictl-$crictl_version"
  fi
  step "crictl $crictl_version"
fi

# --- node stage: binaries and /kind ---------------------------------------------------------------
ctx="$work/node"
mkdir -p "$ctx/bin" "$ctx/cni" "$ctx/kind/manifests"
cp "$bindir/bin/kubelet" "$bindir/bin/kubeadm" "$bindir/bin/kubectl" "$crictl" "$ctx/bin/"
cp "$bindir/cni/"* "$ctx/cni/"
printf '%s' "$KUBE_VERSION" > "$ctx/kind/version"
cp "$nodedir/manifests/default-cni.yaml" "$nodedir/manifests/default-storage.yaml" "$ctx/kind/manifests/"
chmod 0644 "$ctx/kind/version" "$ctx/kind/manifests/"*
stage="local/kindnode-stage:$KUBE_VERSION"
"$docker" build -q --build-arg "BASE_IMAGE=$kind_base" -f "$nodedir/node/Dockerfile" -t "$stage" "$ctx" >/dev/null
step "node stage $stage"

# --- preload the images into the node's containerd and commit --------------------------------------
images=("$apiserver_image" "$controller_manager_image" "$scheduler_image" "$proxy_image"
        "$etcd_image" "$coredns_image" "$pause_image")
"$docker" save "${images[@]}" -o "$work/images.tar"
step "saved ${#images[@]} images ($(du -h "$work/images.tar" | cut -f1))"
build_container="kindnode-build-$$"
"$docker" run -d --name "$build_container" --entrypoint sleep \
  --security-opt seccomp=unconfined "$stage" infinity >/dev/null
"$docker" exec "$build_container" bash -c '
  set -e
  containerd >/tmp/containerd.log 2>&1 &
  echo $! >/tmp/containerd.pid
  for i in $(seq 1 50); do [ -S /run/containerd/containerd.sock ] && break; sleep 0.2; done
  ctr version >/dev/null'
"$docker" exec -i "$build_container" ctr --namespace=k8s.io images import \
  --label=io.cri-containerd.pinned=pinned --all-platforms --no-unpack - \
  < "$work/images.tar" >/dev/null
imported="$("$docker" exec "$build_container" ctr --namespace=k8s.io images list -q)"
for image in "${images[@]}"; do
  grep -qx "docker.io/$image" <<<"$imported" || { echo "not imported: $image" >&2; echo "$imported" >&2; exit 1; }
done
"$docker" exec "$build_container" bash -c '
  kill "$(cat /tmp/containerd.pid)"
  for i in $(seq 1 50); do kill -0 "$(cat /tmp/containerd.pid)" 2>/dev/null || break; sleep 0.2; done
  rm -rf /tmp/* /run/containerd'
step "preloaded into containerd (k8s.io)"
"$docker" commit \
  --change 'ENTRYPOINT [ "/usr/local/bin/entrypoint", "/sbin/init" ]' \
  --change 'CMD []' \
  "$build_container" "$tag" >/dev/null
"$docker" rm -f -v "$build_container" >/dev/null
build_container=""
step "committed $tag"

# --- cache ----------------------------------------------------------------------------------------
mkdir -p "$(dirname "$tarball")"
compress="gzip -1"
command -v pigz >/dev/null && compress="pigz -1"
"$docker" save "$tag" | $compress > "$tarball.partial"
mv "$tarball.partial" "$tarball"
step "saved $tarball ($(du -h "$tarball" | cut -f1))"
step "done: $tag in $((SECONDS - start))s"
