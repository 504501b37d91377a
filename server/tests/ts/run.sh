#!/usr/bin/env bash
# The rooms server with the official TypeScript SDK (@hathora/cloud-sdk-typescript, installed
# from npm into $CARGO_TARGET_DIR/server-ts on the first run): DiscoveryV2's
# getPingServiceEndpoints() against the server and a datagram to each beacon it lists; RoomsV2
# over HTTPS with a CA made here by openssl (trusted through NODE_EXTRA_CA_CERTS, and refused
# without it), a game server's process token included. Fails loudly when node, npm or openssl
# is missing or the install fails. Ends with "N passed, M failed".
# Environment: CARGO_TARGET_DIR (default: target).
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)
cd "$ROOT"
# shellcheck source=tests/steps.sh
source tests/steps.sh
HERE=server/tests/ts
SDK_DIR=$CARGO_TARGET_DIR/server-ts
WORK=$CARGO_TARGET_DIR/server-ts-run
BIN=$CARGO_TARGET_DIR/debug/hathora-rooms-server
GAME_SERVER=$ROOT/server/tests/local_fleet/game_server.py

tools() {
    local missing=()
    for tool in node npm openssl python3; do
        command -v "$tool" >/dev/null || missing+=("$tool")
    done
    if [ ${#missing[@]} -gt 0 ]; then
        echo "missing: ${missing[*]} (install Node.js with npm, openssl and python3)" >&2
        return 1
    fi
    echo "node $(node --version), npm $(npm --version)"
}

install_sdk() {
    if [ ! -e "$SDK_DIR/node_modules/@hathora/cloud-sdk-typescript/package.json" ]; then
        mkdir -p "$SDK_DIR"
        (cd "$SDK_DIR" && timeout 300 npm install --no-audit --no-fund --silent @hathora/cloud-sdk-typescript)
    fi
    echo "@hathora/cloud-sdk-typescript $(node -p "require('$SDK_DIR/node_modules/@hathora/cloud-sdk-typescript/package.json').version")"
}

build() {
    cargo build -q -p hathora-rooms-server
}

certificates() {
    rm -rf "$WORK"
    mkdir -p "$WORK"
    cd "$WORK"
    openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 \
        -subj "/CN=server-ts test CA" -keyout ca.key -out ca.pem 2>/dev/null
    openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
        -subj "/CN=127.0.0.1" -keyout server.key -out server.csr 2>/dev/null
    printf 'subjectAltName=IP:127.0.0.1,DNS:localhost\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n' >server.ext
    openssl x509 -req -in server.csr -CA ca.pem -CAkey ca.key -CAcreateserial -days 2 \
        -extfile server.ext -out server.pem 2>/dev/null
}

discovery() {
    node "$HERE/discovery.mjs" "$SDK_DIR" "$BIN"
}

https_trusted() {
    NODE_EXTRA_CA_CERTS=$WORK/ca.pem node "$HERE/https.mjs" "$SDK_DIR" "$BIN" \
        "$WORK/server.pem" "$WORK/server.key" "$GAME_SERVER" "$WORK" trusted
}

https_untrusted() {
    env -u NODE_EXTRA_CA_CERTS node "$HERE/https.mjs" "$SDK_DIR" "$BIN" \
        "$WORK/server.pem" "$WORK/server.key" "$GAME_SERVER" "$WORK" untrusted
}

must "node, npm, openssl, python3" tools
must "npm install @hathora/cloud-sdk-typescript" install_sdk
must "cargo build -p hathora-rooms-server" build
must "a CA and a server certificate (openssl)" certificates
step "DiscoveryV2 and the beacons with the TypeScript SDK" discovery
step "RoomsV2 and a process token over HTTPS with the TypeScript SDK" https_trusted
step "the TypeScript SDK without the CA refuses the server" https_untrusted
summary
[ "$FAILED" -eq 0 ]
