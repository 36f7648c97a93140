#!/bin/sh
# Answers without reading its stdin.
printf 'Content-Type: text/plain\r\n\r\nnot read\n'
