#!/bin/sh
# Asks db once at start, publishes what it said, then serves it (healthy once the page says pong).
mkdir -p /www
echo "api up at $(date +%T); db said: $(nc db 5432 </dev/null)" > /www/index.html
exec httpd -f -p 80 -h /www
