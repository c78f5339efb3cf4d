#!/usr/bin/env bash
# The pre-commit hooks of .pre-commit-hooks.yaml, run by pre-commit itself (the Debian package,
# installed by scripts/setup) in a scratch repository holding a bad and a good policy:
#   - `pre-commit try-repo` on each hook, as a hook author tries them;
#   - a .pre-commit-config.yaml as the README shows it (repo, rev, `args: [folder/]`), run by
#     `pre-commit run` and by `git commit` through the hook `pre-commit install` writes.
# The manifest is committed into a scratch hook repository first, so that the test checks the file
# as it is, committed or not. Offline and stateless: the hooks are `language: system` (nothing is
# cloned from the network or pip-installed), and HOME, the git and pre-commit configuration and
# caches all live in a temporary folder; no git identity or global git configuration is needed.
#
#   pre_commit.sh THREEGATE_BINARY SOURCE_DIR
# Exit: 0 passed, 1 failed, 77 skipped (pre-commit or git not installed).
set -u -o pipefail

bin="$(realpath "${1:?usage: pre_commit.sh THREEGATE_BINARY SOURCE_DIR}")"
src="$(realpath "${2:?usage: pre_commit.sh THREEGATE_BINARY SOURCE_DIR}")"
for tool in pre-commit git; do
  command -v "$tool" >/dev/null 2>&1 || { echo "skipped: $tool is not installed (scripts/setup installs it)"; exit 77; }
done
[[ -x "$bin" ]] || { echo "FAIL  $bin is not an executable"; exit 1; }

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
# Nothing outside $work is read or written: no user or system git configuration, no pre-commit
# cache, and nothing of a git hook that may be running this test (GIT_DIR, GIT_INDEX_FILE, …) or
# of the caller's pre-commit settings (SKIP would silently skip a hook).
while IFS= read -r var; do unset "$var"; done < <(env | sed -n 's/^\(GIT_[A-Z_]*\|PRE_COMMIT[A-Z_]*\)=.*/\1/p')
unset SKIP
export HOME="$work/home" XDG_CONFIG_HOME="$work/home/.config" XDG_CACHE_HOME="$work/cache" PRE_COMMIT_HOME="$work/cache/pre-commit"
export GIT_CONFIG_NOSYSTEM=1 GIT_CONFIG_GLOBAL=/dev/null GIT_TERMINAL_PROMPT=0
export GIT_AUTHOR_NAME=test GIT_AUTHOR_EMAIL=test@example.invalid GIT_COMMITTER_NAME=test GIT_COMMITTER_EMAIL=test@example.invalid
export PRE_COMMIT_COLOR=never TERM=dumb NO_COLOR=1 LC_ALL=C.UTF-8
# The hooks are `language: system`: threegate is found on PATH, this build's first.
export PATH="$(dirname "$bin"):$PATH"
mkdir -p "$HOME" "$XDG_CONFIG_HOME" "$XDG_CACHE_HOME"

git_init() {  # git_init DIR: a repository that needs nothing from outside it
  git init -q "$1" && git -C "$1" config user.name test && git -C "$1" config user.email test@example.invalid &&
    git -C "$1" config commit.gpgsign false
}

# The hook repository: the manifest as it is in the source tree.
git_init "$work/hooks" || { echo "FAIL  git init"; exit 1; }
cp "$src/.pre-commit-hooks.yaml" "$work/hooks/"
git -C "$work/hooks" add -A && git -C "$work/hooks" commit -q -m hooks || { echo "FAIL  committing the hook manifest"; exit 1; }
rev="$(git -C "$work/hooks" rev-parse HEAD)"

# The project: a public secret policy (TG202) in policies/, good ones in policies/ and clean/, and
# a JSON file that is no policy. An empty .threegate.yaml pins the configuration (threegate would
# otherwise look for one in the folders above the scratch folder).
repo="$work/repo"
git_init "$repo"
mkdir -p "$repo/policies" "$repo/clean"
cp "$src/fixtures/rules/TG202/bad/secret-policy.json" "$repo/policies/bad.json"
cp "$src/fixtures/rules/TG202/good/secret-policy.json" "$repo/policies/good.json"
cp "$src/fixtures/rules/TG202/good/secret-policy.json" "$repo/clean/good.json"
echo '{"name": "not a policy"}' >"$repo/package.json"
: >"$repo/.threegate.yaml"
git -C "$repo" add -A

passed=0
failed=0
check() {  # check NAME WANT_EXIT(0 or 1) MUST_CONTAIN MUST_NOT_CONTAIN COMMAND...: run in $repo
  local name="$1" want="$2" text="$3" not="$4"; shift 4
  local out rc
  out="$(cd "$repo" && timeout 120 "$@" </dev/null 2>&1)"
  rc=$?
  if (( (want == 0 && rc == 0) || (want != 0 && rc == 1) )) && [[ "$out" == *"$text"* ]] &&
     [[ -z "$not" || "$out" != *"$not"* ]]; then
    passed=$((passed + 1)); echo "ok    $name"
  else
    failed=$((failed + 1)); echo "FAIL  $name (exit $rc, want $want)"; tail -25 <<<"$out" | sed 's/^/      /'
  fi
}
expect() {  # expect NAME COMMAND...: the command succeeds (its output is not shown)
  local name="$1"; shift
  if (cd "$repo" && "$@") >/dev/null 2>&1; then passed=$((passed + 1)); echo "ok    $name"; else failed=$((failed + 1)); echo "FAIL  $name"; fi
}

# try-repo: each hook from the scratch hook repository.
check "try-repo threegate fails on a public secret policy" 1 "TG202 public-principal" "" \
  pre-commit try-repo "$work/hooks" threegate --files policies/bad.json
check "try-repo threegate passes a good policy and a JSON file that is no policy" 0 "Passed" "Failed" \
  pre-commit try-repo "$work/hooks" threegate --files policies/good.json package.json
check "try-repo threegate skips a commit with no policy" 0 "(no files to check)Skipped" "Failed" \
  pre-commit try-repo "$work/hooks" threegate --files .threegate.yaml
check "try-repo threegate-all checks the whole repository" 1 "policies/bad.json" "" \
  pre-commit try-repo "$work/hooks" threegate-all --all-files

# The README's configuration: the hook repository at a revision, threegate-all limited by args.
cat >"$repo/.pre-commit-config.yaml" <<YAML
repos:
  - repo: $work/hooks
    rev: $rev
    hooks:
      - id: threegate
      - id: threegate-all
        args: [clean/]
YAML
git -C "$repo" add .pre-commit-config.yaml
check "pre-commit run: threegate-all with args: [clean/] checks only clean/" 0 "Passed" "Failed" \
  pre-commit run threegate-all --all-files
check "pre-commit run: threegate fails on the staged bad policy" 1 "policies/bad.json" "" \
  pre-commit run threegate
check "pre-commit install" 0 "pre-commit installed" "" pre-commit install

# git commit through the installed hook: refused with the bad policy staged, accepted without it.
check "git commit is refused while the bad policy is staged" 1 "TG202 public-principal" "" \
  git commit -q -m "add policies"
expect "the refused commit left no commit behind" bash -c '! git rev-parse -q --verify "HEAD^{commit}"'
git -C "$repo" rm -q --cached policies/bad.json
check "git commit passes the good policies" 0 "Passed" "Failed" git commit -m "add good policies"
expect "the commit was made" git rev-parse -q --verify "HEAD^{commit}"

echo "$passed passed, $failed failed"
(( failed == 0 ))
