#!/bin/sh
# 4 MiB of output in pieces, no Content-Length (sent chunked).
printf 'Content-Type: application/octet-stream\r\n\r\n'
head -c 4194304 /dev/zero
