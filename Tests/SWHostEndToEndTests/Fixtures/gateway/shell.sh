#!/bin/sh
# A shell CGI script: status, a custom header, and the query string.
printf 'Status: 202 Accepted\r\nContent-Type: text/plain\r\nX-Shell: yes\r\n\r\n'
printf 'query=%s\n' "$QUERY_STRING"
