#!/usr/bin/env bash
# Differential test: threegate's HCL parser against HashiCorp's (hclsyntax, through the npm
# package @cdktf/hcl2json, which runs it compiled to WebAssembly).
#
#   run.sh HCL_DUMP_BINARY
#
# Every .tf file under cases/ and under the repository's fixtures/ is converted to hcl2json's
# JSON shape by both: by hcl2json itself, and by HCL_DUMP_BINARY (hcl_dump.cpp, which renders
# threegate's syntax tree in that shape). compare.mjs compares them; known-differences.tsv lists
# the accepted differences (explained in known-differences.md).
#
# The package is installed at test time from the npm registry into a cache directory (nothing
# else is downloaded, nothing is vendored).
#
# Environment:
#   THREEGATE_HCL2JSON_VERSION  @cdktf/hcl2json version (default pinned below)
#   THREEGATE_PEER_CACHE        cache directory (default under $TMPDIR)
# Exit: 0 all agree, 1 a disagreement, 77 skipped (no node/npm, or the registry is unreachable).
set -u -o pipefail

src="${BASH_SOURCE[0]}"
[[ "$src" == */* ]] || src="./$src"
here="$(cd "${src%/*}" && pwd)"
root="$(cd "$here/../../.." && pwd)"
dump="${1:-}"
if [[ -z "$dump" || ! -x "$dump" ]]; then
  echo "usage: run.sh HCL_DUMP_BINARY" >&2
  exit 2
fi

# Pinned so that the known-differences list describes one peer version; bump it deliberately.
version="${THREEGATE_HCL2JSON_VERSION:-0.21.0}"
cache="${THREEGATE_PEER_CACHE:-${TMPDIR:-/tmp}/threegate-peer-cache}"
dir="$cache/hcl2json-$version"

# shellcheck source=../npm_peer.sh
source "$here/../npm_peer.sh"
install_peer @cdktf/hcl2json "$version" "$dir" lib/index.js

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

cd "$root" || exit 2
mapfile -t inputs < <({ find tests/peer/hcl2json/cases -name '*.tf' 2>/dev/null
                        [[ -d fixtures ]] && find fixtures -name '*.tf'; } | LC_ALL=C sort)
if (( ${#inputs[@]} == 0 )); then
  echo "no .tf inputs found"
  exit 1
fi

if ! node "$here/peer.mjs" "$dir/node_modules" "${inputs[@]}" >"$work/peer.jsonl" 2>"$work/peer.err"; then
  echo "hcl2json runner failed:"
  sed 's/^/  /' "$work/peer.err" | tail -20
  exit 1
fi
if ! "$dump" "${inputs[@]}" >"$work/ours.jsonl" 2>"$work/ours.err"; then
  echo "hcl_dump failed:"
  sed 's/^/  /' "$work/ours.err" | tail -20
  exit 1
fi
node "$here/compare.mjs" "$work/ours.jsonl" "$work/peer.jsonl" "$here/known-differences.tsv"
