# Shared by the differential tests that run a peer from npm (sourced, not run).
# install_peer PACKAGE VERSION DIR ENTRY: makes sure Node.js >= 18 and npm exist and that
# PACKAGE@VERSION is installed under DIR (DIR/node_modules/…/ENTRY exists), installing it once per
# version into a scratch directory first and then moving it into place, so that an interrupted or
# concurrent install never leaves a half-filled cache behind. Exits 77 (skipped) when it cannot.
install_peer() {
  local package="$1" version="$2" dir="$3" entry="$4"
  local tool node_major cache staging limit
  for tool in node npm; do
    if ! command -v "$tool" >/dev/null 2>&1; then
      echo "skipped: $tool is not installed (the $package peer needs Node.js >= 18 and npm)"
      exit 77
    fi
  done
  node_major="$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)"
  if (( node_major < 18 )); then
    echo "skipped: Node.js $(node --version 2>/dev/null) is too old for $package (needs >= 18)"
    exit 77
  fi
  [[ -f "$dir/node_modules/$package/$entry" ]] && return 0
  cache="$(dirname "$dir")"
  mkdir -p "$cache" || { echo "skipped: cannot create cache directory $cache"; exit 77; }
  staging="$(mktemp -d "$cache/install.XXXXXX")"
  echo "installing $package@$version into $dir"
  limit=(); command -v timeout >/dev/null 2>&1 && limit=(timeout 300)
  if ! "${limit[@]}" npm install --no-save --no-audit --no-fund --ignore-scripts --loglevel=error \
      --fetch-retries=1 --fetch-timeout=30000 --prefix "$staging" \
      "$package@$version" >"$staging.log" 2>&1; then
    echo "skipped: npm could not install $package@$version (registry unreachable?):"
    { grep -m3 -E 'npm error (code|errno|network|request to|[0-9]{3} )' "$staging.log" || tail -3 "$staging.log"; } | sed 's/^/  /'
    rm -rf "$staging" "$staging.log"
    exit 77
  fi
  rm -f "$staging.log"
  if [[ ! -f "$staging/node_modules/$package/$entry" ]]; then
    echo "skipped: the installed $package has no $entry (package layout changed?)"
    rm -rf "$staging"
    exit 77
  fi
  rm -rf "$dir.old"
  [[ -d "$dir" ]] && mv "$dir" "$dir.old"
  mv "$staging" "$dir" 2>/dev/null || rm -rf "$staging"  # a concurrent run may have won the race
  rm -rf "$dir.old"
}
