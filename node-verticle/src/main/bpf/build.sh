#!/usr/bin/env bash
# Compiles every <category>/<name>/program.bpf.c under SOURCE_ROOT into
# OUTPUT_ROOT/<category>/<name>/program.bpf.o, against a vmlinux.h generated from the running
# kernel's BTF into GENERATED_INCLUDE_DIR. Run by Maven in generate-resources (main programs) and
# generate-test-resources (test programs); an object newer than everything it is built from is kept.
#
#   build.sh SOURCE_ROOT OUTPUT_ROOT GENERATED_INCLUDE_DIR
set -euo pipefail

(($# == 3)) || {
  echo "usage: $0 SOURCE_ROOT OUTPUT_ROOT GENERATED_INCLUDE_DIR" >&2
  exit 2
}
source_root="$1"
output_root="$2"
generated_include_dir="$3"
shared_include_dir="$(cd "$(dirname "$0")" && pwd)/include"
kernel_btf=/sys/kernel/btf/vmlinux

fail() {
  echo "[bpf] ERROR: $*" >&2
  exit 1
}

for tool in clang bpftool; do
  command -v "$tool" >/dev/null \
    || fail "$tool not found; install the Debian packages clang llvm libbpf-dev bpftool"
done
[[ -f /usr/include/bpf/bpf_helpers.h ]] \
  || fail "libbpf headers not found; install the Debian package libbpf-dev"
[[ -r "$kernel_btf" ]] || fail "$kernel_btf is missing: the kernel must be built with BTF"

case "$(uname -m)" in
  x86_64) target_arch=x86 ;;
  aarch64) target_arch=arm64 ;;
  *) fail "unsupported architecture $(uname -m)" ;;
esac

# Regenerated every build but replaced only when the kernel's types changed, so that a new
# timestamp does not force every program to recompile.
mkdir -p "$generated_include_dir"
vmlinux_h="$generated_include_dir/vmlinux.h"
bpftool btf dump file "$kernel_btf" format c >"$vmlinux_h.new"
if cmp -s "$vmlinux_h.new" "$vmlinux_h"; then
  rm "$vmlinux_h.new"
else
  mv "$vmlinux_h.new" "$vmlinux_h"
fi

# An object is stale when any header it may include, or its own folder's sources, are newer.
is_up_to_date() {
  local object="$1" program_dir="$2"
  [[ -f "$object" ]] || return 1
  [[ -z "$(find "$program_dir" "$shared_include_dir" "$vmlinux_h" -newer "$object" -type f -print -quit)" ]]
}

compiled=0
kept=0
while IFS= read -r -d '' source; do
  program_dir="$(dirname "$source")"
  relative_dir="${program_dir#"$source_root"/}"
  object="$output_root/$relative_dir/program.bpf.o"
  if is_up_to_date "$object" "$program_dir"; then
    kept=$((kept + 1))
    continue
  fi
  mkdir -p "$(dirname "$object")"
  clang -O2 -g -target bpf "-D__TARGET_ARCH_$target_arch" -Wall \
    -I "$shared_include_dir" -I "$generated_include_dir" -I "$program_dir" \
    -c "$source" -o "$object.tmp"
  # DWARF is only for humans; libbpf needs the .BTF sections, which -g keeps.
  if command -v llvm-strip >/dev/null; then
    llvm-strip -g "$object.tmp"
  fi
  mv "$object.tmp" "$object"
  compiled=$((compiled + 1))
done < <(find "$source_root" -mindepth 3 -maxdepth 3 -path '*/*/*/program.bpf.c' -print0 | sort -z)

echo "[bpf] $source_root: $compiled compiled, $kept up to date"
