#!/usr/bin/env bash
# The GitHub Action (action.yml + scripts/github-action) run as a runner would run its step, with a
# prebuilt binary (input `threegate`), on the bundled examples: annotations on stdout, the SARIF
# file, the outputs, the job summary and the exit code. Also checks that action.yml passes every
# input the script reads.
#
#   github_action.sh THREEGATE_BINARY SOURCE_DIR
set -u -o pipefail

bin="$(realpath "${1:?usage: github_action.sh THREEGATE_BINARY SOURCE_DIR}")"
src="$(realpath "${2:?usage: github_action.sh THREEGATE_BINARY SOURCE_DIR}")"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
passed=0
failed=0
expect() {  # expect DESCRIPTION COMMAND...
  local what="$1"; shift
  if "$@"; then passed=$((passed + 1)); echo "ok    $what"; else failed=$((failed + 1)); echo "FAIL  $what"; fi
}

# action.yml declares and passes every INPUT_* the script reads.
for var in $(grep -o 'INPUT_[A-Z][A-Z_]*' "$src/scripts/github-action" | sort -u); do
  name="$(tr 'A-Z_' 'a-z-' <<<"${var#INPUT_}")"
  expect "action.yml passes $var" grep -q "^ *$var: \${{ inputs.$name }}$" "$src/action.yml"
  expect "action.yml declares input $name" grep -q "^  $name:$" "$src/action.yml"
done
expect "action.yml runs scripts/github-action" grep -q 'GITHUB_ACTION_PATH/scripts/github-action' "$src/action.yml"

run_action() {  # run_action NAME PATHS [FAIL_ON]: runs the step from SOURCE_DIR as the workspace
  local name="$1"
  mkdir -p "$work/$name"
  : >"$work/$name/output"
  : >"$work/$name/summary"
  (cd "$src" && env RUNNER_TEMP="$work/$name" GITHUB_OUTPUT="$work/$name/output" GITHUB_STEP_SUMMARY="$work/$name/summary" \
     INPUT_PATHS="$2" INPUT_FAIL_ON="${3:-warning}" INPUT_SARIF_FILE="$work/$name/report.sarif" INPUT_ANNOTATIONS=true \
     INPUT_KIND="" INPUT_THREEGATE="$bin" "$src/scripts/github-action" >"$work/$name/stdout" 2>"$work/$name/stderr")
  echo $? >"$work/$name/code"
}

run_action broken "fixtures/examples/01-default-key-broken
fixtures/examples/02-cmk-fixed"
expect "findings: exit code 1" grep -qx 1 "$work/broken/code"
expect "findings: an annotation on inventory.json line 5" \
  grep -q '^::error file=fixtures/examples/01-default-key-broken/inventory.json,line=5,col=18,.*title=TG101 aws-managed-key-cross-account::' "$work/broken/stdout"
expect "findings: the text report in a log group" grep -q '^::group::threegate report$' "$work/broken/stdout"
expect "findings: SARIF written" grep -q '"ruleId": "TG101"' "$work/broken/report.sarif"
expect "findings: output exit-code=1" grep -qx 'exit-code=1' "$work/broken/output"
expect "findings: output sarif-file" grep -qx "sarif-file=$work/broken/report.sarif" "$work/broken/output"
expect "findings: job summary" grep -q 'error TG101' "$work/broken/summary"

run_action clean fixtures/examples/02-cmk-fixed
expect "clean: exit code 0" grep -qx 0 "$work/clean/code"
expect "clean: no annotation" bash -c "! grep -q '^::error' '$work/clean/stdout'"
expect "clean: output exit-code=0" grep -qx 'exit-code=0' "$work/clean/output"

run_action never fixtures/examples/01-default-key-broken never
expect "fail-on never: exit code 0 with the annotation" \
  bash -c "grep -qx 0 '$work/never/code' && grep -q '^::error file=' '$work/never/stdout'"

echo "$passed passed, $failed failed"
(( failed == 0 ))
