#!/bin/sh
# Never answers within cgi_read_timeout.
sleep 30
