#!/bin/sh
# Streams a line every 100 ms until it is stopped.
printf 'Content-Type: text/plain\r\n\r\n'
while true; do echo tick; sleep 0.1; done
