#!/usr/bin/env bash
# The package as a user would get it, before anything is released: build the sdist and the
# wheel (python -m build), check them as PyPI would (twine check --strict), install the
# wheel into a fresh venv (its own dependencies, pinned by requirements/runtime.txt) and run
# the installed lambda-invoke against a local Lambda endpoint (127.0.0.1). A broken package
# (a module or data file left out, a wrong entry point, metadata PyPI refuses) fails here.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
# shellcheck source=scripts/lib.sh
. scripts/lib.sh
setup_venv requirements/dev.txt
sandbox_aws

work=$(mktemp -d)
server=""
cleanup() { [ -n "$server" ] && kill "$server" 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT

python -m build --quiet --outdir "$work/dist" . > "$work/build.log" 2>&1 ||
  { cat "$work/build.log" >&2; echo "package_check: python -m build failed" >&2; exit 1; }
twine check --strict "$work"/dist/*
wheel=$(ls "$work"/dist/*.whl)

python3 -m venv "$work/fresh"
"$work/fresh/bin/python" -m pip install --quiet --disable-pip-version-check \
  -c requirements/runtime.txt "$wheel"

python scripts/local_lambda.py --url-file "$work/url" \
  --function hello-service-dev-hello=examples/hello/handler.py:hello &
server=$!
for _ in $(seq 100); do [ -s "$work/url" ] && break; sleep 0.05; done
endpoint=$(cat "$work/url")

# run from outside the checkout: only what the wheel installed is importable
cd "$work"
"$work/fresh/bin/lambda-invoke" --version
"$work/fresh/bin/lambda-invoke" --endpoint-url "$endpoint" -f hello-service-dev-hello \
  -d '{"name": "wheel"}' --assert '$.body.message: hello wheel' > "$work/payload.json"
grep -q '"statusCode": 200' "$work/payload.json" ||
  { echo "package_check: the installed command did not print the payload" >&2; exit 1; }
echo "package_check: $(basename "$wheel") builds, passes twine check and runs from a fresh venv" >&2
