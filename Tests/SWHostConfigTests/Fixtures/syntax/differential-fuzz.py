#!/usr/bin/env python3
"""Differential fuzzing of swhost's config syntax layer against the installed nginx.

Random token soup goes into a file (and into -g); wherever nginx's first [emerg] is a syntax
message, swhost's must be identical. (nginx reports semantic errors such as unknown directives
as it goes, swhost's compiler only after a full parse, so those cases are not compared.)

    Tests/SWHostConfigTests/Fixtures/syntax/differential-fuzz.py [SEED] [CASES]

Known, accepted differences: nginx truncates log lines at 2048 bytes (very long include paths).
"""
import glob, os, random, subprocess, sys, tempfile

root = os.path.abspath(os.path.join(os.path.dirname(__file__), '../../../..'))
src = os.path.join(root, 'Sources/SWHostConfig')
seed = int(sys.argv[1]) if len(sys.argv) > 1 else 1
count = int(sys.argv[2]) if len(sys.argv) > 2 else 400
random.seed(seed)
work = tempfile.mkdtemp(prefix='swhost-difffuzz-')
os.makedirs(os.path.join(work, 'logs'))

probe = os.path.join(work, 'main.swift')  # top-level code must be in main.swift
open(probe, 'w').write('''
// argv: -g TEXT or "" then config files; prints swhost's first diagnostic or "ok", NUL-separated.
let g = CommandLine.arguments[1]
for path in CommandLine.arguments.dropFirst(2) {
    do { _ = try ConfigParser.parse(mainFile: path, globalDirectives: g.isEmpty ? nil : g); print("ok", terminator: "\\u{0}") }
    catch { print(error.description, terminator: "\\u{0}") }
}
''')
files = [f for d in ('Syntax', 'Loading', 'Diagnostics') for f in glob.glob(os.path.join(src, d, '*.swift'))]
binary = os.path.join(work, 'probe')
subprocess.run(['swiftc', '-O', '-wmo', '-module-name', 'SWHostConfig', *files, probe, '-o', binary], check=True)

SYNTAX = ('unexpected', 'too long', 'block directives', 'directive "include"', 'in "include" directive')
pieces = ['a', 'b', ' ', ' ', '"', "'", '\\', '$host', '${host}', '{', '}', ';', ';', '#', '\n', '\n',
          '(', ')', 'x"y', "\\'", '\\"', '\t', '$', '${']
heads = ['events {}\nhttp {\n  log_format x ', 'events {}\nerror_log ', 'events {}\n', 'events {}\nhttp {\n  include ']

def nginx_emerg(args):
    err = subprocess.run(['nginx', '-t', '-p', work + '/', '-e', '/dev/null', *args], capture_output=True, text=True).stderr
    at = err.find('nginx: [emerg]')
    return 'ok' if at < 0 else err[at + 7:].split('\nnginx: ')[0].rstrip('\n')

def compare(label, cases, theirs, ours):
    compared = mismatched = 0
    for case, t, o in zip(cases, theirs, ours):
        if any(s in t for s in SYNTAX):
            compared += 1
            if t != o:
                mismatched += 1
                print(f'MISMATCH {label} {case!r}\n  nginx:  {t[:300]}\n  swhost: {o[:300]}')
    print(f'{label}: compared {compared}, mismatches {mismatched}')
    return mismatched

paths = []
for i in range(count):
    body = ''.join(random.choice(pieces) for _ in range(random.randint(1, 25)))
    if random.random() < 0.3:  # cross nginx's 4096-byte token buffer now and then
        k = random.randint(0, len(body))
        body = body[:k] + random.choice('q# ') * random.randint(4080, 4100) + body[k:]
    path = os.path.join(work, f'c{i}.conf')
    open(path, 'w').write(random.choice(heads) + body + random.choice(['', '\n', ';\n', '}\n']))
    paths.append(path)
ours = subprocess.run([binary, ''] + paths, capture_output=True, text=True).stdout.split('\0')
bad = compare('file', paths, [nginx_emerg(['-c', p]) for p in paths], ours)

main = os.path.join(work, 'main.conf')
open(main, 'w').write('events {}\n')
gs = [''.join(random.choice(pieces + ['daemon', ' off', 'pid', ' a.pid']) for _ in range(random.randint(1, 12)))
      for _ in range(count)]
ours = [subprocess.run([binary, g, main], capture_output=True, text=True).stdout.split('\0')[0] for g in gs]
bad += compare('-g', gs, [nginx_emerg(['-c', main, '-g', g]) for g in gs], ours)
sys.exit(1 if bad else 0)
