#!/bin/sh
# Two strata builds must read the same databases the same way: run
# `strata inspect` (schema source and JSON IR, warnings on stderr) with
# each binary on each URL and compare byte for byte. For a change to the
# catalog queries: build the old revision's binary first, then
#
#   OLD=/tmp/strata-before NEW=target/release/strata \
#     sh benches/inspect_equal.sh postgres://…/db1 postgres://…/db2 …
#
# Exits 1 on the first difference, showing it. docs/performance.md says
# which databases the query rewrites were checked on.
set -eu
: "${OLD:?the strata binary before the change}"
: "${NEW:?the strata binary after the change}"
[ "$#" -gt 0 ] || { echo "usage: OLD=… NEW=… $0 URL…" >&2; exit 2; }
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
status=0
for url in "$@"; do
  for format in strata json; do
    for side in OLD NEW; do
      eval bin=\$$side
      "$bin" inspect --no-default-excludes --url "$url" --format "$format" \
        -o "$out/$side.$format" 2>"$out/$side.$format.err" || {
        echo "$side failed on $url:" >&2
        cat "$out/$side.$format.err" >&2
        exit 1
      }
    done
    # The progress lines of a large database carry timings: not compared.
    for side in OLD NEW; do
      grep -v -E '^(read|printed) [0-9]+ tables ' "$out/$side.$format.err" \
        >"$out/$side.$format.err.kept" || true
    done
    for suffix in "$format" "$format.err.kept"; do
      if ! cmp -s "$out/OLD.$suffix" "$out/NEW.$suffix"; then
        echo "differs: $url ($suffix)"
        diff -u "$out/OLD.$suffix" "$out/NEW.$suffix" | head -40
        status=1
      fi
    done
  done
  [ "$status" -eq 0 ] && echo "same: $url ($(wc -c <"$out/NEW.strata") bytes of schema)"
done
exit "$status"
