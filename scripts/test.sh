#!/usr/bin/env bash
# Set up everything (pinned test and lint tools in .venv) and run all lints and tests.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
# shellcheck source=scripts/lib.sh
. scripts/lib.sh
setup_venv requirements/dev.txt
setup_compat
sandbox_aws
export AWS_ENDPOINT_URL=http://127.0.0.1:9  # a client without its own endpoint-url fails here

run() { echo "== $*" >&2; "$@"; }
run ruff check .
run ruff format --check .
run mypy
run check-jsonschema --builtin-schema vendor.github-actions action.yml
run check-jsonschema --builtin-schema vendor.github-workflows .github/workflows/*.yml tests/e2e/workflows/*.yml examples/workflows/*.yml
run check-jsonschema --builtin-schema vendor.github-actions cli/action.yml
run check-jsonschema --builtin-schema vendor.dependabot .github/dependabot.yml
run check-jsonschema --check-metaschema schema/suite.schema.json
run check-jsonschema --schemafile schema/suite.schema.json examples/*/smoke.yml tests/e2e/suites/*.yml
run actionlint
# The injection workflow's control step uses set-output on purpose (it proves act acts on it).
run actionlint -ignore 'workflow command "set-output" was deprecated' tests/e2e/workflows/*.yml
run actionlint examples/workflows/*.yml
# tests/e2e/workflows are act fixtures (never run on GitHub; injection.yml is hostile on purpose)
run zizmor --offline --quiet .github/workflows/*.yml examples/workflows/*.yml
run hadolint Dockerfile
run shellcheck scripts/*.sh .ci/run
echo "== bash scripts/demo.sh (the README's first command)" >&2
bash scripts/demo.sh > /dev/null 2>&1 || { echo "the demo failed: run bash scripts/demo.sh" >&2; exit 1; }
echo "== bash scripts/package_check.sh (build, twine check, the wheel in a fresh venv)" >&2
bash scripts/package_check.sh > .venv/package_check.log 2>&1 ||
  { tail -40 .venv/package_check.log >&2; echo "the package check failed" >&2; exit 1; }
echo "== python bench/startup.py --check (start-up budget: our CLI vs a minimal boto3 script)" >&2
python bench/startup.py --check --rounds 7
echo "== python bench/pool.py --check (repeat and suites vs a thread pool over one botocore client)" >&2
python bench/pool.py --check --rounds 3 --count 1000 --concurrency 64
echo "== python bench/compare.py --check (a suite with compare-to vs without)" >&2
python bench/compare.py --check --rounds 3
run python -m pytest "$@"
