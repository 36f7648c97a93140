#!/usr/bin/env python3
# Writes 1 MiB to stderr before answering (the server must drain stderr while it waits).
import sys
line = "e" * 1023 + "\n"
for _ in range(1024):
    sys.stderr.write(line)
sys.stderr.flush()
sys.stdout.write("Content-Type: text/plain\r\n\r\nstderr done\n")
