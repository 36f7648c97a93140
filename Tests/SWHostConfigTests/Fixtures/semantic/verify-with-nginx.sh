#!/bin/sh
# Checks every non-swhost-* fixture's .expected line against nginx 1.22's own output
# (`nginx -t` with a temporary prefix, "nginx" messages as-is). Run from anywhere.
dir=$(cd "$(dirname "$0")" && pwd)
fail=0
for conf in "$dir"/*.conf; do
    name=$(basename "$conf" .conf)
    case "$name" in swhost-*) continue ;; esac
    prefix=$(mktemp -d); mkdir -p "$prefix/logs"
    got=$(nginx -t -q -p "$prefix/" -c "$conf" 2>&1 | grep -m1 -E '\[(emerg|warn)\]' | sed -E 's/^[0-9\/: ]+(\[[a-z]+\]) [0-9#]+: /\1 /')
    want=$(sed "s|\$FIXTURE|$conf|g" "$dir/$name.expected")
    if [ "$got" != "$want" ]; then echo "MISMATCH $name"; echo "  nginx: $got"; echo "  want:  $want"; fail=1; fi
    rm -rf "$prefix"
done
exit $fail
