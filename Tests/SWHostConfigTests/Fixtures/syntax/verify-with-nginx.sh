#!/bin/bash
# Checks every NAME.conf here against real nginx: its `nginx: [emerg] ...` line must equal
# NAME.expected (with $FIXTURE = the .conf's absolute path, $DIR = this directory).
# swhost-*.conf are swhost-only cases (nginx overflows its stack on include cycles).
dir=$(cd "$(dirname "$0")" && pwd)
tmp=$(mktemp -d); fail=0
for conf in "$dir"/*.conf; do
    name=$(basename "$conf" .conf)
    case $name in swhost-*) continue;; esac
    expected=$(sed -e "s#\$FIXTURE#$conf#g" -e "s#\$DIR#$dir#g" "$dir/$name.expected")
    actual=$(nginx -t -p "$tmp/" -c "$conf" -e /dev/null 2>&1 | grep '\[emerg\]' | head -1 | sed 's/^nginx: //')
    if [ "$expected" == "$actual" ]; then echo "ok   $name"; else echo "FAIL $name"; echo "  expected: $expected"; echo "  nginx:    $actual"; fail=1; fi
done
rm -rf "$tmp"; exit $fail
