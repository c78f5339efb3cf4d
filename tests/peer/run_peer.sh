#!/usr/bin/env bash
# Differential test: threegate's evaluator against the iam-simulate peer.
#
#   run_peer.sh THREEGATE_BINARY
#
# iam-simulate (npm @cloud-copilot/iam-simulate, AGPL) is only run as an external program: it is
# installed at test time into a cache directory outside the source tree, never vendored.
# Every case in cases/*.json is evaluated by both. A case listed in known-differences.tsv must
# disagree exactly as listed there (see known-differences.md for the AWS documentation that
# settles each); every other case must agree. The last line is "N passed, N failed".
#
# Environment:
#   THREEGATE_PEER_VERSION  iam-simulate version to install (default pinned below)
#   THREEGATE_PEER_CACHE    directory that holds the installed peer (default under $TMPDIR)
# Exit: 0 all passed, 1 a failure, 77 skipped (no node/npm, or the registry is unreachable).
set -u -o pipefail

src="${BASH_SOURCE[0]}"
[[ "$src" == */* ]] || src="./$src"
here="$(cd "${src%/*}" && pwd)"
bin="${1:-}"
if [[ -z "$bin" || ! -x "$bin" ]]; then
  echo "usage: run_peer.sh THREEGATE_BINARY" >&2
  exit 2
fi

# Pinned so that the known-differences list describes one peer version; bump it deliberately.
version="${THREEGATE_PEER_VERSION:-0.1.173}"
cache="${THREEGATE_PEER_CACHE:-${TMPDIR:-/tmp}/threegate-peer-cache}"
dir="$cache/iam-simulate-$version"

# shellcheck source=npm_peer.sh
source "$here/npm_peer.sh"
install_peer @cloud-copilot/iam-simulate "$version" "$dir" dist/esm/index.js

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

shopt -s nullglob
cases=("$here"/cases/*.json)
if (( ${#cases[@]} == 0 )); then
  echo "no cases in $here/cases"
  echo "0 passed, 1 failed"
  exit 1
fi

# The peer: one Node process for all cases, one JSON line per case.
if ! node "$here/peer.mjs" "$dir/node_modules" "${cases[@]}" >"$work/peer.jsonl" 2>"$work/peer.err"; then
  echo "peer runner failed:"
  sed 's/^/  /' "$work/peer.err" | tail -20
  echo "0 passed, ${#cases[@]} failed"
  exit 1
fi
declare -A peer peer_detail
while IFS=$'\t' read -r name decision detail; do
  peer["$name"]="$decision"
  peer_detail["$name"]="$detail"
done < <(node -e '
  const lines = require("fs").readFileSync(process.argv[1], "utf8").split("\n").filter(Boolean);
  for (const l of lines) {
    const j = JSON.parse(l);
    console.log([j.case, j.decision, (j.detail || "").replace(/[\t\n]+/g, " ").slice(0, 400)].join("\t"));
  }' "$work/peer.jsonl")

# Known differences: case<TAB>threegate decision<TAB>peer decision<TAB>note. '#' starts a comment.
declare -A known_tg known_peer
while IFS=$'\t' read -r name tg pr _; do
  [[ -z "$name" || "$name" == \#* ]] && continue
  known_tg["$name"]="$tg"
  known_peer["$name"]="$pr"
done <"$here/known-differences.tsv"

to_peer_vocab() {
  case "$1" in
    allow) echo Allowed ;;
    explicit_deny) echo ExplicitlyDenied ;;
    implicit_deny) echo ImplicitlyDenied ;;
    *) echo "(none for $1)" ;;
  esac
}

passed=0
failed=0
for file in "${cases[@]}"; do
  name="$(basename "$file")"
  key="${name%.json}"
  out="$work/$key.out"
  "$bin" simulate --case "$file" --format json >"$out" 2>"$work/$key.err"
  rc=$?
  tg="$(grep -m1 -o '"decision": *"[a-z_]*"' "$out" | sed 's/.*"\([a-z_]*\)"$/\1/')"
  pd="${peer[$name]:-missing}"
  problem=""
  if (( rc == 2 )) || [[ -z "$tg" ]]; then
    problem="threegate rejected the case (exit $rc): $(head -c 300 "$work/$key.err" | tr '\n' ' ')"
  elif [[ "$tg" == depends ]]; then
    problem="threegate answered depends: the case is not concrete ($(tr -d '\n ' <"$out" | grep -o '"depends_on":\[[^]]*\]'))"
  elif { [[ "$tg" == allow ]] && (( rc != 0 )); } || { [[ "$tg" != allow ]] && (( rc != 1 )); }; then
    problem="threegate exit code $rc does not match its decision $tg"
  elif [[ "$pd" == error || "$pd" == missing ]]; then
    problem="the peer could not evaluate the case: ${peer_detail[$name]:-no output}"
  elif [[ -n "${known_tg[$key]:-}" ]]; then
    if [[ "$tg" != "${known_tg[$key]}" || "$pd" != "${known_peer[$key]}" ]]; then
      problem="listed as a known difference (threegate ${known_tg[$key]}, peer ${known_peer[$key]}) but now threegate $tg, peer $pd: update known-differences.tsv/.md"
    fi
  elif [[ "$(to_peer_vocab "$tg")" != "$pd" ]]; then
    problem="disagreement: threegate $tg, peer $pd${peer_detail[$name]:+ (${peer_detail[$name]})}"
  fi
  if [[ -z "$problem" ]]; then
    passed=$((passed + 1))
    if [[ -n "${known_tg[$key]:-}" ]]; then
      echo "ok    $key (known difference: threegate $tg, peer $pd)"
    else
      echo "ok    $key ($tg)"
    fi
  else
    failed=$((failed + 1))
    echo "FAIL  $key: $problem"
  fi
done

# A known difference whose case no longer exists keeps the list from being honest.
for key in "${!known_tg[@]}"; do
  if [[ ! -f "$here/cases/$key.json" ]]; then
    failed=$((failed + 1))
    echo "FAIL  $key: listed in known-differences.tsv but cases/$key.json does not exist"
  fi
done

echo "$passed passed, $failed failed"
(( failed == 0 ))
