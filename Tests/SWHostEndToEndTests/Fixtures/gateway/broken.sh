#!/bin/sh
# Malformed header line.
printf 'this is not a header\r\n\r\nbody'
