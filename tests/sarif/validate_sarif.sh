#!/usr/bin/env bash
# SARIF output against the SARIF 2.1.0 JSON schema.
#
#   validate_sarif.sh THREEGATE_BINARY SAMPLES_BINARY SOURCE_DIR WORK_DIR
#
# The validator (Ajv with draft-04 support and formats) and the schema come from npm at test time,
# into WORK_DIR (in the build tree), never into the source tree. The schema is the SARIF 2.1.0
# schema (2.1.0-rtm.5, the OASIS standard's release schema) shipped in Microsoft's MIT-licensed
# @microsoft/jest-sarif package; only the tarball is fetched (npm pack), not its dependencies.
# Reports checked: every bundled example and rule fixture, the fixtures all at once, inputs made
# here (non-ASCII and odd file names, a file outside the root, --sarif-root), and the synthetic
# findings of SAMPLES_BINARY (no file, modelled policy, unknown rule); its JUnit report must be
# well-formed XML too when xmllint is installed.
# Exit: 0 all valid, 1 a failure, 77 skipped (no node/npm, or the registry is unreachable).
set -u -o pipefail

bin="${1:-}" samples="${2:-}" src="${3:-}" work="${4:-}"
if [[ ! -x "$bin" || ! -x "$samples" || ! -d "$src" || -z "$work" ]]; then
  echo "usage: validate_sarif.sh THREEGATE_BINARY SAMPLES_BINARY SOURCE_DIR WORK_DIR" >&2
  exit 2
fi
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
bin="$(realpath "$bin")" samples="$(realpath "$samples")" src="$(realpath "$src")" work="$(realpath -m "$work")"

# Pinned: a new validator or schema release is adopted deliberately.
packages=(ajv@8.17.1 ajv-draft-04@1.0.0 ajv-formats@3.0.1)
schema_package=@microsoft/jest-sarif@1.0.0-beta.0
schema_member=package/lib/schemas/sarif-2.1.0-rtm.5.json

for tool in node npm; do
  if ! command -v "$tool" >/dev/null 2>&1; then
    echo "skipped: $tool is not installed (the SARIF schema check needs Node.js >= 18 and npm)"
    exit 77
  fi
done
if (( $(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0) < 18 )); then
  echo "skipped: Node.js $(node --version 2>/dev/null) is too old (needs >= 18)"
  exit 77
fi

tools="$work/tools"
schema="$tools/sarif-schema-2.1.0-rtm.5.json"
if [[ ! -f "$schema" || ! -d "$tools/node_modules/ajv-draft-04" ]]; then
  mkdir -p "$work" || { echo "skipped: cannot create $work"; exit 77; }
  staging="$(mktemp -d "$work/install.XXXXXX")"
  limit=(); command -v timeout >/dev/null 2>&1 && limit=(timeout 300)
  npm_flags=(--no-audit --no-fund --ignore-scripts --loglevel=error --fetch-retries=1 --fetch-timeout=30000)
  echo "installing ${packages[*]} and the schema from $schema_package into $tools"
  if ! "${limit[@]}" npm install --no-save "${npm_flags[@]}" --prefix "$staging" "${packages[@]}" >"$staging.log" 2>&1 ||
     ! (cd "$staging" && "${limit[@]}" npm pack "${npm_flags[@]}" "$schema_package" >>"$staging.log" 2>&1); then
    echo "skipped: npm could not install the validator (registry unreachable?):"
    { grep -m3 -E 'npm error (code|errno|network|request to|[0-9]{3} )' "$staging.log" || tail -3 "$staging.log"; } | sed 's/^/  /'
    rm -rf "$staging" "$staging.log"
    exit 77
  fi
  rm -f "$staging.log"
  tarball="$(ls "$staging"/*.tgz 2>/dev/null | head -1)"
  if [[ -z "$tarball" ]] || ! tar -xzf "$tarball" -C "$staging" "$schema_member" 2>/dev/null; then
    echo "skipped: $schema_package has no $schema_member (package layout changed?)"
    rm -rf "$staging"
    exit 77
  fi
  mv "$staging/$schema_member" "$staging/sarif-schema-2.1.0-rtm.5.json"
  rm -rf "$staging/package" "$tarball" "$tools.old"
  [[ -d "$tools" ]] && mv "$tools" "$tools.old"
  mv "$staging" "$tools" 2>/dev/null || rm -rf "$staging"  # a concurrent run may have won the race
  rm -rf "$tools.old"
fi

out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT
failed=0
extra=0  # checks other than one report's validation that passed
report() {  # report NAME [threegate args...]: writes $out/NAME.sarif; exit 0/1 are results, 2 is a failure
  local name="$1"; shift
  "$bin" check --format sarif --output "$out/$name.sarif" "$@" 2>"$out/$name.err"
  local rc=$?
  if (( rc > 1 )); then
    echo "FAIL  threegate check $* exited $rc: $(head -c 300 "$out/$name.err")"
    failed=$((failed + 1))
  fi
}

cd "$src" || exit 2
for d in fixtures/examples/*/ fixtures/rules/*/*/; do
  d="${d%/}"
  report "$(echo "$d" | tr '/' '_')" "$d"
done
report all fixtures/examples fixtures/rules

# Inputs made here: a non-ASCII, space and '%' file name with characters outside the BMP before
# the findings, checked once from inside the root and once with a file outside --sarif-root.
made="$out/made/odd dir"
mkdir -p "$made"
cat >"$made/key policy 100% été.json" <<'JSON'
{"Version": "2012-10-17", "Statement": [
  {"Sid": "🔑 été", "Effect": "Allow", "Principal": "*", "Action": "kms:Decrypt", "Resource": "*"},
  {"Sid": "🔑🔑", "Effect": "Allow", "NotPrincipal": {"AWS": "arn:aws:iam::111111111111:root"}, "Action": "kms:*", "Resource": "*"}
]}
JSON
(cd "$out/made" && "$bin" check --kind key --format sarif --output "$out/made.sarif" "odd dir" 2>/dev/null)
(( $? > 1 )) && { echo "FAIL  threegate check on the made inputs"; failed=$((failed + 1)); }
report made-outside-root --kind key --sarif-root "$src/fixtures" "$made" fixtures/examples/01-default-key-broken

(cd "$out" && "$samples" "$out") || { echo "FAIL  $samples"; failed=$((failed + 1)); }
if command -v xmllint >/dev/null 2>&1; then
  if xmllint --noout "$out/samples.xml"; then echo "ok    samples.xml is well-formed XML"; extra=$((extra + 1)); else echo "FAIL  samples.xml"; failed=$((failed + 1)); fi
fi

shopt -s nullglob
node "$here/validate.mjs" "$tools/node_modules" "$schema" "$out"/*.sarif >"$out/validate.log" 2>&1
rc=$?
grep -v -e '^ok ' -e '^[0-9]* passed, [0-9]* failed$' "$out/validate.log"
passed="$(grep -c '^ok ' "$out/validate.log")"
node_failed="$(grep -c '^FAIL ' "$out/validate.log")"
failed=$((failed + node_failed))
(( rc != 0 && node_failed == 0 )) && failed=$((failed + 1))  # the validator itself failed
# The validator must reject what the schema forbids, or the passes above prove nothing.
mkdir -p "$out/broken"
node -e '
  const fs = require("fs");
  const log = JSON.parse(fs.readFileSync(process.argv[1], "utf8"));
  log.runs[0].results[0].locations[0].physicalLocation.region.startColumn = 0;
  log.runs[0].results[0].kind = "not-a-kind";
  fs.writeFileSync(process.argv[2], JSON.stringify(log));' "$out/samples.sarif" "$out/broken/broken.sarif"
if node "$here/validate.mjs" "$tools/node_modules" "$schema" "$out/broken/broken.sarif" >"$out/broken.log" 2>&1; then
  echo "FAIL  the validator accepted a report with startColumn 0 and an unknown result kind"
  failed=$((failed + 1))
elif [[ "$(grep -c 'schema: ' "$out/broken.log")" -lt 2 ]]; then
  echo "FAIL  the validator rejected the broken report for another reason:"; sed 's/^/      /' "$out/broken.log"
  failed=$((failed + 1))
else
  echo "ok    a report the schema forbids is rejected"
  extra=$((extra + 1))
fi
echo "$passed SARIF reports valid against the SARIF 2.1.0 schema"
echo "$((passed + extra)) passed, $failed failed"
(( failed == 0 ))
