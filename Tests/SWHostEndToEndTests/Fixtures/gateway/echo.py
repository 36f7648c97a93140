#!/usr/bin/env python3
# Echoes the request body with its length and the method.
import os, sys
data = sys.stdin.buffer.read()
sys.stdout.write("Content-Type: application/octet-stream\r\nX-Length: %d\r\nX-Method: %s\r\n\r\n" % (len(data), os.environ.get("REQUEST_METHOD", "")))
sys.stdout.flush()
sys.stdout.buffer.write(data)
