#!/usr/bin/env bash
# The pre-commit hooks of .pre-commit-hooks.yaml, run by pre-commit itself in a scratch repository
# holding a bad and a good policy. The manifest is committed into a scratch hook repository first,
# so that the test checks the file as it is, committed or not.
#
#   pre_commit.sh THREEGATE_BINARY SOURCE_DIR
# Exit: 0 passed, 1 failed, 77 skipped (pre-commit or git not installed).
set -u -o pipefail

bin="$(realpath "${1:?usage: pre_commit.sh THREEGATE_BINARY SOURCE_DIR}")"
src="$(realpath "${2:?usage: pre_commit.sh THREEGATE_BINARY SOURCE_DIR}")"
for tool in pre-commit git; do
  command -v "$tool" >/dev/null 2>&1 || { echo "skipped: $tool is not installed"; exit 77; }
done

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
# The hooks are `language: system`: threegate is found on PATH. Nothing outside $work is written.
export PATH="$(dirname "$bin"):$PATH" PRE_COMMIT_HOME="$work/cache" HOME="$work/home"
export GIT_AUTHOR_NAME=test GIT_AUTHOR_EMAIL=test@example.invalid GIT_COMMITTER_NAME=test GIT_COMMITTER_EMAIL=test@example.invalid
export GIT_CONFIG_NOSYSTEM=1
mkdir -p "$work/home" "$work/repo/policies"
cp "$src/fixtures/rules/TG202/bad/secret-policy.json" "$work/repo/policies/bad.json"
cp "$src/fixtures/rules/TG202/good/secret-policy.json" "$work/repo/policies/good.json"
echo '{"name": "not a policy"}' >"$work/repo/package.json"
git -C "$work/repo" init -q && git -C "$work/repo" add -A
mkdir -p "$work/hooks"
cp "$src/.pre-commit-hooks.yaml" "$work/hooks/"
git -C "$work/hooks" init -q && git -C "$work/hooks" add -A && git -C "$work/hooks" commit -q -m hooks

passed=0
failed=0
hook() {  # hook NAME EXPECTED_EXIT MUST_CONTAIN ARGS...
  local name="$1" want="$2" text="$3"; shift 3
  local out rc
  out="$(cd "$work/repo" && pre-commit try-repo "$work/hooks" "$@" 2>&1)"
  rc=$?
  if (( (want == 0 && rc == 0) || (want != 0 && rc != 0) )) && [[ "$out" == *"$text"* ]]; then
    passed=$((passed + 1)); echo "ok    $name"
  else
    failed=$((failed + 1)); echo "FAIL  $name (exit $rc)"; tail -20 <<<"$out" | sed 's/^/      /'
  fi
}
hook "threegate fails on a public secret policy" 1 "TG202 public-principal" threegate --files policies/bad.json
hook "threegate passes a good policy and a JSON file that is no policy" 0 "Passed" threegate --files policies/good.json package.json
hook "threegate-all checks the whole repository" 1 "policies/bad.json" threegate-all --all-files

echo "$passed passed, $failed failed"
(( failed == 0 ))
