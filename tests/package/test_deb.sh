#!/usr/bin/env bash
# Builds the Debian package with CPack, unpacks it into a temporary root with `dpkg -x`, and runs the
# packaged binary: --version, and `check` on the example it ships (which must report TG101).
#
#   test_deb.sh BUILD_DIR
#
# Exit: 0 passed, 1 failed, 77 skipped (not root, or dpkg-deb/cpack missing).
set -u -o pipefail

build="${1:-}"
if [[ -z "$build" || ! -f "$build/CPackConfig.cmake" ]]; then
  echo "usage: test_deb.sh BUILD_DIR (a configured build with CPackConfig.cmake)" >&2
  exit 2
fi
if [[ "$(id -u)" != 0 ]]; then
  echo "skipped: packaging is tested as root only"
  exit 77
fi
for tool in cpack dpkg dpkg-deb; do
  command -v "$tool" >/dev/null 2>&1 || { echo "skipped: $tool is not installed"; exit 77; }
done

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
passed=0
failed=0
pass() { passed=$((passed + 1)); echo "ok    $1"; }
fail() { failed=$((failed + 1)); echo "FAIL  $1"; }

# Packages into the scratch directory, so that the build tree keeps no package of a test run.
if ! cpack --config "$build/CPackConfig.cmake" -G DEB -B "$work/out" >"$work/cpack.log" 2>&1; then
  fail "cpack -G DEB:"
  tail -20 "$work/cpack.log" | sed 's/^/      /'
  echo "$passed passed, $failed failed"
  exit 1
fi
deb="$(ls "$work"/out/*.deb 2>/dev/null | head -1)"
if [[ -z "$deb" ]]; then
  fail "cpack produced no .deb"
  echo "$passed passed, $failed failed"
  exit 1
fi
pass "built $(basename "$deb")"

fields="$(dpkg-deb --field "$deb" Package Version Maintainer Depends Description)"
depends="$(dpkg-deb --field "$deb" Depends)"
for dep in libre2-9 libfmt9 libstdc++6 libc6; do
  if [[ "$depends" == *"$dep"* ]]; then pass "Depends names $dep"; else fail "Depends lacks $dep: $depends"; fi
done
# Every dependency must be a package Debian has, or the package cannot be installed anywhere.
for dep in $(echo "$depends" | tr ',' '\n' | sed 's/(.*//; s/ //g'); do
  if dpkg-query -W -f='${Status}' "$dep" 2>/dev/null | grep -q "install ok installed"; then
    pass "dependency $dep is an installed Debian package"
  else
    fail "dependency $dep is not installed here"
  fi
done
grep -q '^Maintainer: .\+' <<<"$fields" && pass "Maintainer is set" || fail "no Maintainer"

root="$work/root"
dpkg -x "$deb" "$root"
tg="$root/usr/bin/threegate"
[[ -x "$tg" ]] && pass "usr/bin/threegate is in the package" || fail "no usr/bin/threegate in the package"
# Libraries the binary needs must all resolve on this system.
if ldd "$tg" 2>&1 | grep -q "not found"; then fail "unresolved libraries: $(ldd "$tg" | grep 'not found')"; else pass "every library resolves"; fi

version="$("$tg" --version 2>&1)"
if [[ "$version" == *"$(dpkg-deb --field "$deb" Version)"* ]]; then pass "threegate --version: $version"; else fail "--version says '$version'"; fi

example="$root/usr/share/doc/threegate/examples/01-default-key-broken"
if [[ -d "$example" ]]; then
  out="$(cd "$root/usr/share/doc/threegate/examples" && "$tg" check 01-default-key-broken 2>&1)"
  rc=$?
  if (( rc == 1 )) && [[ "$out" == *"error TG101 aws-managed-key-cross-account"* ]]; then
    pass "threegate check on the packaged example reports TG101 (exit 1)"
  else
    fail "threegate check on the packaged example: exit $rc"
    echo "$out" | head -5 | sed 's/^/      /'
  fi
else
  fail "the package has no examples/01-default-key-broken"
fi
[[ -f "$root/usr/share/doc/threegate/rules.md" ]] && pass "the rules reference is in the package" || fail "no rules.md in the package"

echo "$passed passed, $failed failed"
(( failed == 0 ))
