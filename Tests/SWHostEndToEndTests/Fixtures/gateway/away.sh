#!/bin/sh
# A client redirect.
printf 'Location: http://example.com/elsewhere\r\n\r\n'
