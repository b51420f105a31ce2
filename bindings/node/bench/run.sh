#!/usr/bin/env bash
# The Node.js binding's benchmark, in one run (numbers in BENCHMARKS.md, "The Node.js binding"):
# a ~100 KB LLM-style answer (the generator of the root crate's benches) streamed in 16-byte
# chunks (1) through termark's Rust API, (2) through the binding, and (3) by marked +
# marked-terminal re-rendering the whole prefix after every chunk. CPU seconds per message.
#
#   bindings/node/bench/run.sh [STRIDE]   (STRIDE: marked renders every STRIDE-th prefix; default 8)
#
# Needs cargo, node and npm; installs marked and marked-terminal into bench/node_modules and
# builds the addon in release mode.
set -euo pipefail
cd "$(dirname "$0")"
stride=${1:-8}
input=$(mktemp --suffix=.md)
trap 'rm -f "$input"' EXIT

echo "-- building (release): the addon and the Rust side" >&2
(cd .. && npm ci --no-audit --no-fund >/dev/null && npx napi build --platform --release --js binding.js >/dev/null)
cargo build --quiet --release -p termark-node --example rust_stream
rust=../../../target/release/examples/rust_stream
"$rust" --dump "$input"
npm ci --no-audit --no-fund >/dev/null

echo "-- input: $(wc -c <"$input") bytes, 16-byte chunks, width 80, highlighting on" >&2
"$rust" --input "$input" --mode count
"$rust" --input "$input" --mode ansi
node stream.mjs binding "$input"
echo "-- the same without highlighting (the binding's fixed costs weigh more)" >&2
"$rust" --input "$input" --mode ansi --no-highlight
node stream.mjs binding "$input" --no-highlight
echo "-- marked + marked-terminal, the whole prefix per chunk (every ${stride}th prefix, scaled)" >&2
node stream.mjs marked "$input" --stride "$stride"
