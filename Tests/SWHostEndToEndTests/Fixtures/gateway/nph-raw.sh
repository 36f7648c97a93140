#!/bin/sh
# A non-parsed-header script: its output starts with the status line.
printf 'HTTP/1.1 203 Non-Authoritative Information\r\nContent-Type: text/plain\r\nX-NPH: 1\r\n\r\nnph body\n'
