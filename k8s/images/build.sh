#!/usr/bin/env bash
# Builds GadgetFlow's container images on this machine, with neither a registry nor a Docker
# daemon, into one OCI image layout archived as
#   ${XDG_CACHE_HOME:-~/.cache}/gadgetflow/images/gadgetflow-images-<hash of the inputs>.tar
# and prints that file as the last line on stdout (everything else goes to stderr). A later run
# with the same inputs returns at once; ./gadgetflow cluster imports the archive into containerd.
#
#   k8s/images/build.sh [APP_DIR]     APP_DIR holds gadgetflow.jar and lib/ (default: cli/target)
#
# The images, named as k8s/install/ names them (the tags come from its image: lines):
#   docker.io/gadgetflow/controller, web, node   the launcher on a jlink'd Java runtime; they
#                                                differ only in user and default role
#   docker.io/gadgetflow/demo:latest             a shell and coreutils, for tests and for trying
#   docker.io/gadgetflow/pause:catatonit         every pod's sandbox (containerd's sandbox_image)
# Layers, shared by all images that have them: a minimal Debian (mmdebstrap, with libbpf1 for the
# node agent and user 10001 for the others), the Java runtime (jlink from $JAVA_HOME), the launcher
# jar and its lib/; the node image adds the agent's AOT cache, made by a training run of the agent
# on that runtime (k8s/images/train-node.sh, some 40 s; docs/deployment.md). The pause image is
# Debian's static catatonit alone.
#
# To push the same images to a registry:
#   skopeo copy oci-archive:<archive>:docker.io/gadgetflow/node:0.1.0 docker://REGISTRY/gadgetflow/node:0.1.0
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
app_dir="$(cd "${1:-$repo/cli/target}" && pwd)"
cache="${XDG_CACHE_HOME:-$HOME/.cache}/gadgetflow/images"

# The Debian the images are made of, and the packages on top of its minimal variant.
debian_suite=bookworm
debian_mirror="${GADGETFLOW_DEBIAN_MIRROR:-http://deb.debian.org/debian}"
debian_security_mirror="${GADGETFLOW_DEBIAN_SECURITY_MIRROR:-http://deb.debian.org/debian-security}"
debian_packages=libbpf1
# The roles' uid (k8s/install/05-controller.yaml, 06-web.yaml run as it).
app_uid=10001
# The Java runtime's modules (the list says why each).
java_modules="$(grep -v '^#' "$repo/k8s/images/java-modules" | tr -d ' \n')"
java_options=(--enable-native-access=ALL-UNNAMED --sun-misc-unsafe-memory-access=allow -XX:MaxRAMPercentage=75)
# Fixed, so that the same inputs give the same layers and image configurations.
created=1970-01-01T00:00:00Z

log() { echo "images: $*" >&2; }
die() {
  log "$*"
  exit 1
}

for tool in mmdebstrap umoci catatonit; do
  command -v "$tool" >/dev/null || die "$tool is missing (Debian package $tool)"
done
: "${JAVA_HOME:?JAVA_HOME must name the JDK 25 whose runtime the images carry}"
[[ -f "$app_dir/gadgetflow.jar" && -d "$app_dir/lib" ]] \
  || die "no gadgetflow.jar and lib/ in $app_dir; build the launcher first (./mvnw -B package -DskipTests -pl cli -am)"

# Image names from the manifests, so the images are exactly what k8s/install deploys.
image_of() {
  local image
  image="$(sed -n "s|^ *image: *\(gadgetflow/$1:[^ ]*\) *$|\1|p" "$repo"/k8s/install/*.yaml | head -n 1)"
  [[ -n "$image" ]] || die "k8s/install/ names no image gadgetflow/$1:<tag>"
  echo "docker.io/$image"
}
controller_image="$(image_of controller)"
web_image="$(image_of web)"
node_image="$(image_of node)"
demo_image=docker.io/gadgetflow/demo:latest
catatonit_version="$(dpkg-query -W -f='${Version}' catatonit)"
# Named without its version: containerd's configuration names it (LocalNodeConfig.SANDBOX_IMAGE).
pause_image=docker.io/gadgetflow/pause:catatonit
# This machine's: the Java runtime and the BPF programs in the jar are built for it.
architecture="$(dpkg --print-architecture)"

hash_of() { sha256sum | cut -c1-16; }
script_hash="$(hash_of <"${BASH_SOURCE[0]}")"
# The node agent's AOT cache depends on its training and on the DaemonSet's JVM options.
training_hash="$(cat "$repo/k8s/images/train-node.sh" "$repo/k8s/install/07-node.yaml" | hash_of)"
# The Debian root filesystem is made by this command line alone (it changes rarely, and takes a
# minute to make): its cache key is the command line, not this whole script.
rootfs_command=(mmdebstrap --quiet --variant=minbase --include="$debian_packages"
  --dpkgopt='path-exclude=/usr/share/man/*' --dpkgopt='path-exclude=/usr/share/doc/*'
  --dpkgopt='path-exclude=/usr/share/locale/*' --dpkgopt='path-exclude=/usr/share/info/*'
  --customize-hook="chroot \"\$1\" groupadd --gid $app_uid gadgetflow"
  --customize-hook="chroot \"\$1\" useradd --uid $app_uid --gid $app_uid --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin gadgetflow"
  "$debian_suite")
rootfs_mirrors=("deb $debian_mirror $debian_suite main" "deb $debian_mirror $debian_suite-updates main"
  "deb $debian_security_mirror $debian_suite-security main")
rootfs_key="$(printf '%s\n' "${rootfs_command[@]}" "${rootfs_mirrors[@]}" | hash_of)"
java_command=(jlink --add-modules "$java_modules" --strip-debug --no-header-files --no-man-pages)
java_key="$(printf '%s\n' "$(cat "$JAVA_HOME/release")" "${java_command[@]}" | hash_of)"
app_key="$(cd "$app_dir" && find gadgetflow.jar lib -type f -print0 | sort -z | xargs -0 sha256sum | hash_of)"
archive_key="$(printf '%s\n' "$script_hash" "$training_hash" "$rootfs_key" "$java_key" "$app_key" "$catatonit_version" \
  "$controller_image" "$web_image" "$node_image" "$architecture" | hash_of)"
archive="$cache/gadgetflow-images-$archive_key.tar"

if [[ -f "$archive" ]]; then
  echo "$archive"
  exit 0
fi

mkdir -p "$cache"
# One build at a time per machine; whoever waited finds the archive made.
exec 9>"$cache/.lock"
flock 9
if [[ -f "$archive" ]]; then
  echo "$archive"
  exit 0
fi
rm -rf "$cache"/.build.*
work="$(mktemp -d "$cache/.build.XXXXXX")"
trap 'rm -rf "$work"' EXIT
start=$SECONDS

# A layer: the tree under $1 as an uncompressed tar that is the same for the same files.
layer_of() {
  tar --sort=name --mtime=@0 --owner=0 --group=0 --numeric-owner -C "$1" -cf "$2" .
}

# The Debian root filesystem and the Java runtime, each cached on its own (see their keys).
rootfs="$cache/rootfs-$rootfs_key.tar"
if [[ ! -f "$rootfs" ]]; then
  log "making a minimal Debian $debian_suite with $debian_packages (about a minute)"
  "${rootfs_command[@]}" "$work/rootfs.tar" "${rootfs_mirrors[@]}" >&2
  rm -f "$cache"/rootfs-*.tar
  mv "$work/rootfs.tar" "$rootfs"
fi

java_layer="$cache/java-$java_key.tar"
if [[ ! -f "$java_layer" ]]; then
  log "linking a Java runtime from $JAVA_HOME"
  mkdir -p "$work/java/opt"
  "$JAVA_HOME/bin/${java_command[0]}" "${java_command[@]:1}" --output "$work/java/opt/java"
  layer_of "$work/java" "$work/java.tar"
  rm -f "$cache"/java-*.tar
  mv "$work/java.tar" "$java_layer"
fi

log "adding the launcher from $app_dir"
mkdir -p "$work/app/opt/gadgetflow"
cp -r "$app_dir/gadgetflow.jar" "$app_dir/lib" "$work/app/opt/gadgetflow/"
# The times the layer gives them (layer_of), so the training sees the files the image has.
find "$work/app" -exec touch -h -d @0 {} +
layer_of "$work/app" "$work/app.tar"

# The node agent's AOT cache, made by the image's own Java runtime with the launcher as the image has
# it (a cache fits only the runtime that made it; the launcher may move with its lib/). The agent
# finds it at /opt/gadgetflow/node.aot; one that is missing or does not fit is said once on stdout
# and the agent starts without it.
log "training the node agent's AOT cache (about 40 s)"
mkdir -p "$work/runtime" "$work/node-aot/opt/gadgetflow"
tar -C "$work/runtime" -xf "$java_layer"
"$repo/k8s/images/train-node.sh" "$work/runtime/opt/java/bin/java" "$work/app/opt/gadgetflow" \
  "$work/node-aot/opt/gadgetflow/node.aot" "${java_options[@]}"
layer_of "$work/node-aot" "$work/node-aot.tar"

mkdir -p "$work/pause"
cp "$(command -v catatonit)" "$work/pause/catatonit"
layer_of "$work/pause" "$work/pause.tar"

layout="$work/layout"
umoci init --layout "$layout"
add_layer() { umoci raw add-layer --image "$layout:$1" --history.created "$created" "${@:2}"; }
configure() {
  umoci config --image "$layout:$1" --created "$created" --history.created "$created" \
    --architecture "$architecture" --os linux "${@:2}"
}

umoci new --image "$layout:debian"
add_layer debian "$rootfs" --history.created_by "mmdebstrap --variant=minbase $debian_suite +$debian_packages"
configure debian --tag "$demo_image" --config.cmd sleep --config.cmd infinity

add_layer debian --tag java "$java_layer" --history.created_by "jlink --add-modules $java_modules"
add_layer java --tag launcher "$work/app.tar" --history.created_by "gadgetflow.jar and lib/"
add_layer launcher --tag node-launcher "$work/node-aot.tar" \
  --history.created_by "k8s/images/train-node.sh: the node agent's AOT cache"
launcher=(--config.env JAVA_HOME=/opt/java
  --config.env PATH=/opt/java/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
  --config.workingdir /opt/gadgetflow --config.exposedports 8081/tcp
  --config.entrypoint java)
for option in "${java_options[@]}"; do launcher+=(--config.entrypoint "$option"); done
node_launcher=("${launcher[@]}" --config.entrypoint -XX:AOTCache=/opt/gadgetflow/node.aot)
jar=(--config.entrypoint -jar --config.entrypoint /opt/gadgetflow/gadgetflow.jar)
launcher+=("${jar[@]}")
node_launcher+=("${jar[@]}")
configure launcher --tag "$controller_image" "${launcher[@]}" --config.user "$app_uid:$app_uid" \
  --config.cmd controller
configure launcher --tag "$web_image" "${launcher[@]}" --config.user "$app_uid:$app_uid" \
  --config.exposedports 8080/tcp --config.cmd web
# Root, with the capabilities the DaemonSet grants (k8s/install/07-node.yaml): the agent checks
# for uid 0 before it loads programs.
configure node-launcher --tag "$node_image" "${node_launcher[@]}" --config.user 0:0 --config.cmd node

umoci new --image "$layout:pause"
add_layer pause "$work/pause.tar" --history.created_by "catatonit $catatonit_version"
configure pause --tag "$pause_image" --config.entrypoint /catatonit --config.entrypoint -P

for intermediate in debian java launcher node-launcher pause; do
  umoci rm --image "$layout:$intermediate"
done
umoci gc --layout "$layout"

tar -C "$layout" -cf "$work/images.tar" .
rm -f "$cache"/gadgetflow-images-*.tar
mv "$work/images.tar" "$archive"
log "built $controller_image $web_image $node_image $demo_image $pause_image in $((SECONDS - start)) s"
echo "$archive"
