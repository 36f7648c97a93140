#!/bin/sh
# A local redirect (RFC 3875 6.2.2): the server answers for /cgi-bin/shell.sh itself.
printf 'Location: /cgi-bin/shell.sh?from=redirect\r\n\r\n'
