#!/usr/bin/env bash
# The Node.js binding's tests: installs the build tool (npm ci, into bindings/node/node_modules),
# builds the addon with napi-rs (debug; TERMARK_NODE_RELEASE=1 for release), checks that the
# checked-in index.d.ts and binding.js are what the build generates, and runs `node --test`.
# Without node or npm, or without the npm registry, it prints `SKIP node: <why>` and exits 0.
set -euo pipefail
cd "$(dirname "$0")"

skip() {
  echo "SKIP node: $*"
  exit 0
}

command -v node >/dev/null 2>&1 || skip "node is not installed (Node.js 18 or later is needed)"
command -v npm >/dev/null 2>&1 || skip "npm is not installed"
major=$(node -p 'process.versions.node.split(".")[0]')
[ "$major" -ge 18 ] || skip "node $(node --version) is too old (18 or later is needed)"

if [ ! -x node_modules/.bin/napi ]; then
  timeout 60 npm ping >/dev/null 2>&1 || skip "the npm registry ($(npm config get registry)) is unreachable"
fi
echo "-- npm ci (bindings/node/node_modules)"
npm ci --no-audit --no-fund

profile=()
[ "${TERMARK_NODE_RELEASE:-0}" = 1 ] && profile=(--release)
echo "-- napi build --platform ${profile[*]}"
saved=$(mktemp -d)
trap 'rm -rf "$saved"' EXIT
cp index.d.ts binding.js "$saved/"
npx napi build --platform --js binding.js "${profile[@]}"
stale=0
for f in index.d.ts binding.js; do
  if ! cmp -s "$f" "$saved/$f"; then
    echo "FAIL node: $f is stale: the build generated a different one (diff below); commit it"
    diff -u "$saved/$f" "$f" || true
    stale=1
  fi
done
[ "$stale" = 0 ] || exit 1

echo "-- node --test"
node --test --expose-gc test/
