#!/bin/sh
# Run by `nc -ll -e` once per client connection: pipes it to the web service (alias `www`).
exec nc www 80
