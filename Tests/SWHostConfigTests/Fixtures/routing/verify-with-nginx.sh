#!/bin/sh
# Starts nginx 1.22 on 127.0.0.1:28090 with locations.conf (every location answers its letter)
# and checks that each URI in locations.tsv reaches the recorded location.
dir=$(cd "$(dirname "$0")" && pwd)
prefix=$(mktemp -d); mkdir -p "$prefix/logs"
nginx -p "$prefix/" -c "$dir/locations.conf" -g "pid $prefix/nginx.pid; error_log $prefix/logs/e.log;" || exit 1
sleep 0.5
fail=0
while IFS="$(printf '\t')" read -r uri want; do
    got=$(curl -s "http://127.0.0.1:28090$uri")
    [ "$got" = "$want" ] || { echo "MISMATCH $uri: nginx $got, table $want"; fail=1; }
done < "$dir/locations.tsv"
kill "$(cat "$prefix/nginx.pid")"; rm -rf "$prefix"
exit $fail
