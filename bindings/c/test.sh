#!/usr/bin/env bash
# The C ABI's tests, then the Go package's (scripts/test runs this).
#
# 1. cargo build -p termark-c: target/debug/libtermark.{a,so}.
# 2. cargo test -p termark-c: the crate's Rust tests, and the check that
#    include/termark.h is what cbindgen generates today.
# 3. The C tests in tests/*.c, compiled with the machine's cc against the static library
#    (test_errors against the shared one), then run: streaming equals one-shot, the width
#    and escape invariants, the error paths, 1,000 messages with a flat resident set.
# 4. Under valgrind, if it is installed (else SKIP): the same 1,000 messages and the error
#    paths with --leak-check=full --error-exitcode=1, and a build that leaks one stream on
#    purpose, which must fail.
# 5. The Go package (bindings/go): `go test` with go from PATH, else Debian's golang-go
#    installed with apt-get (as root), else SKIP. GOPATH and GOCACHE stay under target/.
#
# Fails on any failure; a part it cannot run prints `SKIP <part>: <why>` and does not fail.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
cd "$root"
target=${CARGO_TARGET_DIR:-$root/target}
case $target in /*) ;; *) target=$root/$target ;; esac
lib=$target/debug
out=$target/c-tests
mkdir -p "$out"

echo "-- cargo build -p termark-c"
cargo build -p termark-c
echo "-- cargo test -p termark-c"
cargo test -p termark-c

cc=${CC:-cc}
cflags=(-std=c11 -D_GNU_SOURCE -Wall -Wextra -Werror -pedantic -g -I"$here/include")
static=("$lib/libtermark.a" -lpthread -ldl -lm)
echo "-- compile the C tests ($($cc --version | head -n1))"
"$cc" "${cflags[@]}" "$here/tests/test_stream.c" "${static[@]}" -o "$out/test_stream"
"$cc" "${cflags[@]}" "$here/tests/test_leak.c" "${static[@]}" -o "$out/test_leak"
"$cc" "${cflags[@]}" -DTERMARK_TEST_LEAK_ONE_STREAM "$here/tests/test_leak.c" "${static[@]}" \
  -o "$out/test_leak_on_purpose"
"$cc" "${cflags[@]}" "$here/tests/test_errors.c" -L"$lib" -ltermark -Wl,-rpath,"$lib" -lpthread \
  -o "$out/test_errors"

passed=0
run() {
  echo "-- $*"
  "$@"
  passed=$((passed + 1))
}
run "$out/test_stream"
run "$out/test_errors"
run "$out/test_leak"

# The README's C example, as a user would build it (against the static library).
readme_block() { # the first ```$2 block of the README section "## $1"
  awk -v h="## $1" -v f="\`\`\`$2" '$0 == h {s = 1; next} s && /^## / {exit}
    s && $0 == f {p = 1; next} p && /^```$/ {exit} p' "$root/README.md"
}
readme_block C c >"$out/readme.c"
[ -s "$out/readme.c" ] || { echo "FAIL: no C example under '## C' in README.md"; exit 1; }
"$cc" "${cflags[@]}" -o "$out/readme" "$out/readme.c" "${static[@]}"
want=$'# Hello\n\nSome streamed text.'
got=$("$out/readme" | sed 's/\x1b\[[0-9;]*m//g')
echo "-- the README's C example"
if [ "$got" != "$want" ]; then
  printf 'FAIL: the README C example printed\n%s\nwant\n%s\n' "$got" "$want"
  exit 1
fi
echo "ok  it prints the three lines"
passed=$((passed + 1))

if command -v valgrind >/dev/null 2>&1; then
  vg=(valgrind -q --leak-check=full --error-exitcode=1 --num-callers=50
    --suppressions="$here/tests/valgrind.supp")
  run "${vg[@]}" "$out/test_leak" --no-rss
  run "${vg[@]}" "$out/test_errors"
  echo "-- valgrind must fail on a stream leaked on purpose"
  if "${vg[@]}" --log-file="$out/leak_on_purpose.log" "$out/test_leak_on_purpose" --no-rss \
    --messages 8 >/dev/null; then
    echo "FAIL: valgrind did not report the stream leaked on purpose ($out/leak_on_purpose.log)"
    exit 1
  fi
  grep -q "definitely lost" "$out/leak_on_purpose.log"
  echo "ok  valgrind reports it (definitely lost)"
  passed=$((passed + 1))
else
  echo "SKIP valgrind: not installed, so the leak check did not run (apt-get install valgrind);"
  echo "     the resident-set check of test_leak did"
fi
echo "termark-c: $passed passed, 0 failed"

echo "-- Go package (bindings/go)"
go=""
if command -v go >/dev/null 2>&1; then
  go=$(command -v go)
elif [ -x /usr/lib/go/bin/go ]; then
  go=/usr/lib/go/bin/go
elif [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "go is not on PATH: installing Debian's golang-go"
  if apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq golang-go >/dev/null; then
    go=$(command -v go || echo /usr/lib/go/bin/go)
  fi
fi
if [ -z "$go" ] || [ ! -x "$go" ]; then
  echo "SKIP go: no go on PATH, and golang-go could not be installed (needs root and apt-get)"
  exit 0
fi
if ! command -v "$cc" >/dev/null 2>&1 && ! command -v gcc >/dev/null 2>&1; then
  echo "SKIP go: cgo needs a C compiler"
  exit 0
fi
# Link the static library: a directory that holds only libtermark.a makes -ltermark pick
# it, so the test binary needs no LD_LIBRARY_PATH.
mkdir -p "$target/go/link"
ln -sf "$lib/libtermark.a" "$target/go/link/libtermark.a"
export GOPATH=$target/go/path GOCACHE=$target/go/cache GOMODCACHE=$target/go/path/pkg/mod
export GOFLAGS=-mod=mod GOTOOLCHAIN=local GOPROXY=off CGO_ENABLED=1 CC="$cc"
export CGO_LDFLAGS="-L$target/go/link"
echo "-- $("$go" version)"
cd "$here/../go"
unformatted=$("$("$go" env GOROOT)/bin/gofmt" -l .)
if [ -n "$unformatted" ]; then
  echo "FAIL: gofmt would change: $unformatted"
  exit 1
fi
"$go" vet ./...
"$go" test -count=1 -v ./...

# The README's Go example, in a module of its own that uses this package.
echo "-- the README's Go example"
ex=$target/go/readme
mkdir -p "$ex"
readme_block Go go >"$ex/main.go"
[ -s "$ex/main.go" ] || { echo "FAIL: no Go example under '## Go' in README.md"; exit 1; }
printf 'module readme\n\ngo 1.18\n\nrequire termark v0.0.0\n\nreplace termark => %s\n' \
  "$here/../go" >"$ex/go.mod"
got=$(cd "$ex" && "$go" run . | sed 's/\x1b\[[0-9;]*m//g')
if [ "$got" != "$want" ]; then
  printf 'FAIL: the README Go example printed\n%s\nwant\n%s\n' "$got" "$want"
  exit 1
fi
echo "ok  it prints the three lines"
