#!/usr/bin/env bash
# Set up and run the action's main job with no AWS account: the example service in
# examples/hello/ (serverless.yml + Python handlers) is invoked on a local Lambda endpoint
# (scripts/local_lambda.py, serving the deployed names) and with invoke local.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
# shellcheck source=scripts/lib.sh
. scripts/lib.sh
setup_venv requirements/runtime.txt
sandbox_aws

work=$(mktemp -d)
python scripts/local_lambda.py --url-file "$work/url" \
  --function hello-service-dev-hello=examples/hello/handler.py:hello \
  --function hello-service-dev-broken=examples/hello/handler.py:fail &
server=$!
trap 'kill "$server" 2>/dev/null; rm -rf "$work"' EXIT
for _ in $(seq 50); do [ -s "$work/url" ] && break; sleep 0.1; done
endpoint=$(cat "$work/url")
cd examples/hello

show() { printf '\n$ %s\n' "$*" >&2; "$@"; }

checks='$.statusCode: 200
$.body.message: { contains: "hello" }
$.body.items: { length: 2 }
$.body.items[?@.price > 10].name: cake
status-code: 200
duration-ms: { lt: 2000 }
logs: { not-contains: "ERROR" }'

echo "== 1. Invoke the deployed function (serverless.yml key hello -> hello-service-dev-hello)" >&2
echo "      on the local endpoint and check its answer with assertions (exit 0)" >&2
show lambda-invoke --endpoint-url "$endpoint" -f hello -p event.json --assert "$checks"

echo >&2
echo "== 2. The same handler with invoke local (no endpoint): serverless.yml environment applied" >&2
show lambda-invoke local -f hello -p event.json \
  --assert '$.body.message: hello demo
$.body.stage: dev'

echo >&2
echo "== 3. As a GitHub Actions step: outputs written to \$GITHUB_OUTPUT" >&2
GITHUB_ACTIONS=true LAMBDA_INVOKE_AS_ACTION=true GITHUB_OUTPUT="$work/outputs" GITHUB_STEP_SUMMARY="$work/summary" \
  show lambda-invoke --endpoint-url "$endpoint" -f hello -d '{"name": "CI"}' \
  --assert '$.body.message: hello CI'
echo "-- outputs (status-code, duration-ms, assertions):" >&2
grep -A1 -E '^(status-code|duration-ms|assertions)<<' "$work/outputs" | grep -v -E '^(--|.*<<)' >&2

echo >&2
echo "== 4. A function error fails the step (exit 1), in one line" >&2
code=0
show lambda-invoke --endpoint-url "$endpoint" -f fail --json > "$work/result.json" || code=$?
echo "exit code: $code; function-error output: $(python -c 'import json,sys; print(json.load(open(sys.argv[1]))["function-error"])' "$work/result.json")" >&2
[ "$code" -eq 1 ]

echo >&2
echo "== 5. A smoke suite (smoke.yml): six cases in one run, concurrently, with a JUnit report" >&2
show lambda-invoke suite smoke.yml --endpoint-url "$endpoint" --junit-file "$work/smoke.xml"
echo "-- JUnit: $(grep -c '<testcase ' "$work/smoke.xml") testcases in $work/smoke.xml" >&2
echo >&2
echo "demo finished: exit codes 0, 0, 0, 1 and 0 as expected" >&2
