#!/usr/bin/env python3
"""Checks every row of directives.tsv (LEVEL, SNIPPET, nginx's first [emerg]/[warn] line or "ok")
against the installed nginx 1.22, with the snippet placed as DirectiveTableTests places it."""
import os, re, subprocess, sys, tempfile

def conf(level, snip):
    if level == "main":
        return ("events {}\n%s\nhttp { }\n" % snip) if snip.startswith("events") else ("%s\nevents {}\nhttp { }\n" % snip)
    if level == "http":
        return "events {}\nhttp { %s }\n" % snip
    if level == "server":
        return "events {}\nhttp { server { listen 127.0.0.1:28080; %s } }\n" % snip
    return "events {}\nhttp { server { listen 127.0.0.1:28080; location / { %s } } }\n" % snip

table = os.path.join(os.path.dirname(os.path.abspath(__file__)), "directives.tsv")
failed = 0
for row in open(table):
    level, snip, want = row.rstrip("\n").split("\t")
    d = tempfile.mkdtemp()
    os.makedirs(d + "/logs")
    open(d + "/nginx.conf", "w").write(conf(level, snip))
    r = subprocess.run(["nginx", "-t", "-q", "-p", d + "/", "-c", d + "/nginx.conf"], capture_output=True, text=True)
    lines = [l for l in r.stderr.splitlines() if "[emerg]" in l or "[warn]" in l]
    got = re.sub(r"^.*?(\[(emerg|warn)\]) \d+#\d+: ", r"\1 ", lines[0]).replace(d + "/nginx.conf", "/t.conf") if lines else "ok"
    if got != want:
        failed += 1
        print("MISMATCH %s %r\n  nginx: %s\n  table: %s" % (level, snip, got, want))
sys.exit(1 if failed else 0)
