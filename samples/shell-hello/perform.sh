#!/bin/sh
# the request body arrives on stdin; the answer goes to stdout
read -r body
echo "{\"hello\": $body}"
