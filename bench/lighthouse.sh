#!/bin/sh
# lighthouse.sh - runs bench/lighthouse.mjs (bench/README.md, "Weak link").
# Lighthouse only measures, so it is not a dependency of the project: it is
# installed here on demand, pinned to major version 12, into build/lighthouse
# (gitignored), and run with Debian's chromium.
#   bench/lighthouse.sh [--runs N]     (make bench-lighthouse)
set -eu
cd "$(dirname "$0")/.."
LH_DIR=build/lighthouse
if [ ! -f "$LH_DIR/node_modules/lighthouse/cli/index.js" ]; then
    mkdir -p "$LH_DIR"
    npm install --prefix "$LH_DIR" --no-audit --no-fund --no-save lighthouse@12
fi
: "${EP_BIN:=build/bench/backend/ecoplateau}"
export EP_BIN
LIGHTHOUSE="$PWD/$LH_DIR/node_modules/lighthouse/cli/index.js" exec node bench/lighthouse.mjs "$@"
