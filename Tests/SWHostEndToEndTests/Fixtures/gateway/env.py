#!/usr/bin/env python3
# Prints the CGI environment, sorted, one NAME=VALUE a line.
import os, sys
sys.stdout.write("Content-Type: text/plain\r\nX-Script: env.py\r\n\r\n")
for k in sorted(os.environ):
    sys.stdout.write("%s=%s\n" % (k, os.environ[k]))
