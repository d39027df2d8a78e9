#!/usr/bin/env bash
# For the action's own workflow test: start scripts/local_lambda.py in the background and
# write an endpoint URL that the action's container can reach to $GITHUB_OUTPUT (url).
# The action's container reaches this host through the gateway of its Docker network (the
# job's network, else the default bridge); LOCAL_LAMBDA_HOST overrides, e.g. 127.0.0.1 when
# the container shares the host's network (act --network host).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
host=${LOCAL_LAMBDA_HOST:-}
bind=127.0.0.1
if [ -z "$host" ]; then
  network=$(docker network ls --quiet --filter name=github_network 2>/dev/null | head -n 1 || true)
  host=$(docker network inspect "${network:-bridge}" \
    --format '{{(index .IPAM.Config 0).Gateway}}' 2>/dev/null || true)
  bind=0.0.0.0
fi
if [ -z "$host" ]; then
  host=127.0.0.1
  bind=127.0.0.1
fi
state=$(mktemp -d)
nohup python3 scripts/local_lambda.py --host "$bind" --port "${LOCAL_LAMBDA_PORT:-0}" \
  --url-file "$state/url" \
  --function hello=examples/hello/handler.py:hello \
  --function fail=examples/hello/handler.py:fail > "$state/log" 2>&1 &
for _ in $(seq 50); do [ -s "$state/url" ] && break; sleep 0.1; done
[ -s "$state/url" ] || { cat "$state/log" >&2; exit 1; }
port=$(sed -E 's/.*:([0-9]+)$/\1/' "$state/url")
echo "url=http://$host:$port" >> "$GITHUB_OUTPUT"
echo "local Lambda endpoint for the action: http://$host:$port"
