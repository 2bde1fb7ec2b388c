#!/usr/bin/env bash
# Installs what the end-to-end tests and `npm start` need, skipping every step already done:
#  - Debian packages: chromium (driven by playwright-core), libkrb5-dev (headers for code-server's
#    kerberos module), ripgrep (code-server's search; its postinstall would fetch it from GitHub),
#    fonts-nanum (Korean glyphs: the Korean e2e test's screenshot for the README reads, not boxes);
#  - code-server 4.100.3 (VS Code 1.100.3, the last release on Node 20) under
#    ~/.cache/rnn-lab/code-server-4.100.3, built by hand as in ../shared/notes/vscode-e2e.md because
#    its postinstall downloads from GitHub, which these machines cannot reach.
# Prints the path of code-server's entry.js on its last line.
set -euo pipefail

VERSION=4.100.3
CACHE="${RNN_LAB_CACHE:-$HOME/.cache/rnn-lab}"
DIR="$CACHE/code-server-$VERSION"
ENTRY="$DIR/node_modules/code-server/out/node/entry.js"
STAMP="$DIR/.setup-complete"

log() { echo "[setup-code-server] $*" >&2; }

missing=()
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
command -v rg >/dev/null 2>&1 || missing+=(ripgrep)
dpkg -s libkrb5-dev >/dev/null 2>&1 || missing+=(libkrb5-dev)
dpkg -s fonts-nanum >/dev/null 2>&1 || missing+=(fonts-nanum)
if [ ${#missing[@]} -gt 0 ]; then
  log "installing apt packages: ${missing[*]}"
  SUDO=""
  if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
fi

if [ -f "$STAMP" ] && [ -f "$ENTRY" ]; then
  log "code-server $VERSION already set up in $DIR"
  echo "$ENTRY"
  exit 0
fi

mkdir -p "$DIR"
cd "$DIR"
[ -f package.json ] || echo '{ "name": "rnn-lab-code-server", "private": true }' > package.json

if [ ! -f node_modules/code-server/package.json ]; then
  log "npm install code-server@$VERSION (scripts off: its postinstall needs GitHub)"
  # npm 11 now and then fails this install with ENOTEMPTY while it moves folders into place (seen
  # on a fresh machine); a second try from an empty node_modules has always passed.
  if ! npm install --no-audit --no-fund --ignore-scripts "code-server@$VERSION" >&2; then
    log "npm install failed; trying once more from an empty node_modules"
    rm -rf node_modules package-lock.json
    npm install --no-audit --no-fund --ignore-scripts "code-server@$VERSION" >&2
  fi
fi

VS="$DIR/node_modules/code-server/lib/vscode"
if [ ! -f "$VS/.deps-installed" ]; then
  log "installing VS Code server dependencies"
  (cd "$VS" && npm install --no-audit --no-fund --omit=dev --ignore-scripts >&2)
  touch "$VS/.deps-installed"
fi

if [ ! -f "$VS/.native-built" ]; then
  log "rebuilding native modules"
  mkdir -p "$VS/node_modules/@vscode/ripgrep/bin"
  cp "$(command -v rg)" "$VS/node_modules/@vscode/ripgrep/bin/rg"
  (cd "$VS" && npm_config_yes=true npm rebuild kerberos node-pty @parcel/watcher @vscode/spdlog @vscode/deviceid native-watchdog >&2)
  (cd "$DIR" && npm rebuild argon2 >&2)
  touch "$VS/.native-built"
fi

# The links code-server's postinstall would make.
ln -sfn node_modules "$VS/node_modules.asar"
(cd "$VS/bin/remote-cli" && ln -sfn code-linux.sh code-server)
(cd "$VS/bin/helpers" && ln -sfn browser-linux.sh browser.sh)

# The first run may print a log line (it writes a default config) before the version.
if v="$(node "$ENTRY" --version 2>/dev/null | grep -E "^$VERSION ")"; then
  log "ok: $v"
else
  log "code-server --version did not print $VERSION"; exit 1
fi
touch "$STAMP"
echo "$ENTRY"
