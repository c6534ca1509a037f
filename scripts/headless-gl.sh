#!/usr/bin/env bash
# Runs a command with gpu.js able to reach its WebGL mode through headless-gl (the `gl` package),
# which the project does not install by default: it compiles ANGLE from source (about 2 minutes on
# 2 cores), needs Debian's libxi-dev to build and an X display at run time. This script builds it once
# into .cache/headless-gl (outside node_modules, so `npm ci` stays fast and the same everywhere), then
# runs the command under xvfb-run with NODE_PATH pointing at it. Without a GPU, Mesa renders on the
# CPU (llvmpipe): that is the WebGL mode this machine can reach.
#
#   bash scripts/headless-gl.sh npx tsx bench/run.ts --only tensor
set -euo pipefail
cd "$(dirname "$0")/.."
prefix=.cache/headless-gl
need=()
dpkg -s libxi-dev >/dev/null 2>&1 || need+=(libxi-dev)
command -v xvfb-run >/dev/null 2>&1 || need+=(xvfb)
dpkg -s libgl1-mesa-dri >/dev/null 2>&1 || need+=(libgl1-mesa-dri)
if [ ${#need[@]} -gt 0 ]; then
  echo "headless-gl: installing ${need[*]} (apt)" >&2
  (apt-get install -y -q "${need[@]}" || (apt-get update -q && apt-get install -y -q "${need[@]}")) >&2
fi
if [ ! -f "$prefix/node_modules/gl/package.json" ] || ! (cd "$prefix" && node -e "require('gl')" 2>/dev/null); then
  echo "headless-gl: building gl@8.1.6 into $prefix (about 2 minutes)" >&2
  mkdir -p "$prefix"
  [ -f "$prefix/package.json" ] || echo '{"name":"headless-gl-cache","private":true,"allowScripts":{"gl":true}}' > "$prefix/package.json"
  (cd "$prefix" && npm install --no-audit --no-fund --no-save gl@8.1.6 >&2)
fi
export NODE_PATH="$PWD/$prefix/node_modules${NODE_PATH:+:$NODE_PATH}"
exec xvfb-run -a "$@"
