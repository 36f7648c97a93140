#!/bin/sh
# Checks every fixture's .expected line against nginx 1.22's own output (`nginx -t` with a
# temporary prefix; `$DIR` is this directory). Run from anywhere.
dir=$(cd "$(dirname "$0")" && pwd)
fail=0
for conf in "$dir"/*.conf; do
    name=$(basename "$conf" .conf)
    prefix=$(mktemp -d); mkdir -p "$prefix/logs"
    got=$(nginx -t -q -p "$prefix/" -c "$conf" -e "$prefix/logs/error.log" 2>&1 | grep -m1 -E '\[(emerg|warn)\]' | sed -E 's/^nginx: //')
    want=$(sed "s|\$DIR|$dir|g" "$dir/$name.expected")
    if [ "$got" != "$want" ]; then echo "MISMATCH $name"; echo "  nginx: $got"; echo "  want:  $want"; fail=1; fi
    rm -rf "$prefix"
done
exit $fail
