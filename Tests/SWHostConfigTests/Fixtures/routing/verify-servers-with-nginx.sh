#!/bin/sh
# Starts nginx 1.22 with servers.conf (every server answers its letter) and checks that each
# (port, Host) in servers.tsv reaches the recorded server; a Host of "-" sends none (HTTP/1.0).
dir=$(cd "$(dirname "$0")" && pwd)
prefix=$(mktemp -d); mkdir -p "$prefix/logs"
nginx -p "$prefix/" -c "$dir/servers.conf" -g "pid $prefix/nginx.pid; error_log $prefix/logs/e.log;" || exit 1
sleep 0.5
fail=0
while IFS="$(printf '\t')" read -r port host want; do
    if [ "$host" = "-" ]; then
        got=$(curl -s --http1.0 -H "Host:" "http://127.0.0.1:$port/")
    else
        got=$(curl -s --http1.0 -H "Host: $host" "http://127.0.0.1:$port/")
    fi
    [ "$got" = "$want" ] || { echo "MISMATCH $port $host: nginx $got, table $want"; fail=1; }
done < "$dir/servers.tsv"
kill "$(cat "$prefix/nginx.pid")"; rm -rf "$prefix"
exit $fail
