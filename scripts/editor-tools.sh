#!/usr/bin/env bash
# Installs what the editor tests (test/src/editor) need to drive a real VS Code:
#   - Debian packages: chromium + a font (the browser), libkrb5-dev + pkg-config
#     (code-server's `kerberos` native module is built from source);
#   - Node 24 from the npm package `node@24` in .tools/node24 (code-server refuses older Node);
#   - code-server in .tools/code-server, installed under that Node 24.
# Idempotent: every step checks first and is skipped when already done, so a re-run is about 1 s.
# Prints one line per step. Override the tools folder with OSPO_TOOLS_DIR.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
TOOLS="${OSPO_TOOLS_DIR:-$ROOT/.tools}"
CODE_SERVER_VERSION="${OSPO_CODE_SERVER_VERSION:-4.139.1}"
NODE_SPEC="node@24"
APT_PACKAGES=(libkrb5-dev pkg-config chromium fonts-dejavu-core)

NODE24_DIR="$TOOLS/node24"
NODE24_BIN="$NODE24_DIR/node_modules/.bin"
# The `node` npm package puts the real platform package (binary + headers) here; node-gyp needs
# the headers of the Node that will load the addons, not the system Node's.
case "$(uname -m)" in
  x86_64 | amd64) NODE_ARCH=x64 ;;
  aarch64 | arm64) NODE_ARCH=arm64 ;;
  *) NODE_ARCH="$(uname -m)" ;;
esac
NODE24_HOME="$NODE24_DIR/node_modules/node/node_modules/node-linux-$NODE_ARCH"
CS_DIR="$TOOLS/code-server"
CS_PKG="$CS_DIR/node_modules/code-server"

step() { printf '[editor-tools] %-12s %s\n' "$1" "$2"; }
fail() { printf '[editor-tools] ERROR: %s\n' "$*" >&2; exit 1; }
now() { date +%s; }

mkdir -p "$TOOLS"

# Two concurrent runs would corrupt each other's npm installs.
if command -v flock >/dev/null 2>&1; then
  exec 9>"$TOOLS/.install.lock"
  flock 9
fi

# A folder with a package.json of its own, so that npm installs there and never walks up to the
# repo's package.json (which would add the tools to the project's dependencies).
ensure_private_pkg() {
  mkdir -p "$1"
  [ -f "$1/package.json" ] || printf '{ "name": "%s", "private": true }\n' "$2" >"$1/package.json"
}

# Quiet npm install into a tools folder; the full log is kept there for when it fails.
npm_install_into() {
  local dir="$1"; shift
  local log="$dir/install.log"
  if ! (cd "$dir" && npm install --prefix "$dir" --no-audit --no-fund --no-save --loglevel=error "$@") >"$log" 2>&1; then
    tail -n 40 "$log" >&2
    fail "npm install $* failed (full log: $log)"
  fi
}

# 1. Debian packages --------------------------------------------------------------------------
missing=()
for p in "${APT_PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
    missing+=("$p")
  fi
done
if [ "${#missing[@]}" -eq 0 ]; then
  step apt "ok (${APT_PACKAGES[*]})"
else
  command -v apt-get >/dev/null 2>&1 || fail "apt-get not found; install manually: ${missing[*]}"
  SUDO=()
  if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null 2>&1 || fail "not root and no sudo; install manually: ${missing[*]}"
    SUDO=(sudo)
  fi
  t0=$(now)
  log="$TOOLS/apt.log"
  if ! { "${SUDO[@]}" apt-get update -q &&
         "${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}"; } >"$log" 2>&1; then
    tail -n 40 "$log" >&2
    fail "apt-get install ${missing[*]} failed (full log: $log)"
  fi
  step apt "installed ${missing[*]} in $(( $(now) - t0 )) s"
fi

# 2. Node 24 ----------------------------------------------------------------------------------
node24_version() { "$NODE24_BIN/node" --version 2>/dev/null || true; }
v="$(node24_version)"
if [[ "$v" == v24.* ]] && [ -d "$NODE24_HOME/include/node" ]; then
  step node24 "ok ($v)"
else
  t0=$(now)
  ensure_private_pkg "$NODE24_DIR" ospo-tools-node24
  npm_install_into "$NODE24_DIR" "$NODE_SPEC"
  v="$(node24_version)"
  [[ "$v" == v24.* ]] || fail "node@24 installed but $NODE24_BIN/node reports '${v:-nothing}'"
  [ -d "$NODE24_HOME/include/node" ] || fail "Node 24 headers not found under $NODE24_HOME/include/node"
  step node24 "installed $v in $(( $(now) - t0 )) s"
fi

# 3. code-server ------------------------------------------------------------------------------
cs_version() { "$NODE24_BIN/node" -p "require(process.argv[1]).version" "$CS_PKG/package.json" 2>/dev/null || true; }
# The bundled VS Code server is what the in-editor test runs use; its presence means the
# postinstall (which fetches and builds the server's modules) ran to the end.
cs_complete() { [ -f "$CS_PKG/lib/vscode/out/server-main.js" ] && [ -d "$CS_PKG/lib/vscode/node_modules" ] && [ -f "$CS_DIR/.installed" ]; }
if [ "$(cs_version)" = "$CODE_SERVER_VERSION" ] && cs_complete; then
  step code-server "ok ($CODE_SERVER_VERSION)"
else
  t0=$(now)
  ensure_private_pkg "$CS_DIR" ospo-tools-code-server
  rm -f "$CS_DIR/.installed"
  # Everything below runs under Node 24: code-server's postinstall checks the Node version and
  # builds native modules against the headers npm_config_nodedir points at (the image's npmrc
  # points node-gyp at the system Node's headers, which would give addons of the wrong ABI).
  (
    export PATH="$NODE24_BIN:$PATH" npm_config_nodedir="$NODE24_HOME"
    npm_install_into "$CS_DIR" "code-server@$CODE_SERVER_VERSION"
  )
  [ "$(cs_version)" = "$CODE_SERVER_VERSION" ] || fail "code-server $CODE_SERVER_VERSION not found after install"
  [ -f "$CS_PKG/lib/vscode/out/server-main.js" ] || fail "code-server installed without its VS Code server (lib/vscode/out/server-main.js)"
  echo "$CODE_SERVER_VERSION" >"$CS_DIR/.installed"
  step code-server "installed $CODE_SERVER_VERSION in $(( $(now) - t0 )) s"
fi

step done "tools in ${TOOLS#"$ROOT"/}"
