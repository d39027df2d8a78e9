#!/usr/bin/env bash
# Mutation testing: do the tests fail when the code is wrong? (issue 20)
#   bash scripts/mutation.sh [MODULE...]    default: invoke github assertions result settings
# mutmut (requirements/mutation.txt) mutates src/lambda_invoke/MODULE.py and runs, for each
# mutant, the unit and integration tests that reach it; children the tests start run the
# mutant too (tests/mutation_child.py). Prints per module "MODULE: killed K of N (S %)"
# and its survivors, then "N passed, M failed" against the targets (scripts/mutation_report.py;
# equivalent mutants in mutation/equivalent.txt). Takes tens of minutes, so it is not part
# of .ci/run: .github/workflows/mutation.yml runs it weekly and on demand.
#   MUTATION_TESTS="tests/test_settings.py ..." bash scripts/mutation.sh settings
# a quick screen while writing tests: only the tests named, in .mutation-screen-MODULES/ (so it can
# run beside a full run). Its survivors include the real ones; its score is not the score.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
# shellcheck source=scripts/lib.sh
. scripts/lib.sh

modules=("$@")
[ "${#modules[@]}" -gt 0 ] || modules=(invoke github assertions result settings)
for module in "${modules[@]}"; do
  if [ ! -f "src/lambda_invoke/$module.py" ]; then
    echo "error: no module src/lambda_invoke/$module.py" >&2
    exit 2
  fi
done

# Its own virtualenv, without this project installed: the tests must import the mutants.
[ -x .venv-mutation/bin/python ] || python3 -m venv .venv-mutation
digest=$(cat requirements/*.txt | sha256sum | cut -c1-16)
if [ ! -f ".venv-mutation/.installed-$digest" ]; then
  echo "setting up .venv-mutation from requirements/mutation.txt ..." >&2
  .venv-mutation/bin/python -m pip install --quiet --disable-pip-version-check -r requirements/mutation.txt
  touch ".venv-mutation/.installed-$digest"
fi
sandbox_aws
export AWS_ENDPOINT_URL=http://127.0.0.1:9  # a client without its own endpoint-url fails here

# A scratch copy of the project (tracked and new files), mutating only the named modules: the
# mutated source of every other module would only slow each test's child processes down.
work=.mutation
screen="${MUTATION_TESTS:-}"
[ -z "$screen" ] || work=".mutation-screen-$(IFS=-; echo "${modules[*]}")"  # one per module set
rm -rf "$work"  # every mutant is run: no results kept from an earlier run
mkdir -p "$work"
git ls-files -z --cached --others --exclude-standard | xargs -0 cp --parents -t "$work" 2>/dev/null || true
only=""
for module in "${modules[@]}"; do only+="\"src/lambda_invoke/$module.py\", "; done
sed -i "s|^\[tool.mutmut\]\$|[tool.mutmut]\nonly_mutate = [${only%, }]|" "$work/pyproject.toml"
grep -q '^only_mutate' "$work/pyproject.toml" || { echo "error: no [tool.mutmut] in pyproject.toml" >&2; exit 1; }
if [ -n "$screen" ]; then
  selection=""
  for path in $screen; do
    [ -e "$path" ] || { echo "error: MUTATION_TESTS: no $path" >&2; exit 2; }
    selection+="\"$path\", "
  done
  sed -i "s|^pytest_add_cli_args_test_selection = .*|pytest_add_cli_args_test_selection = [${selection%, }]|" "$work/pyproject.toml"
  echo "screen: only $screen (not the score)" >&2
fi
cd "$work"
started=$(date +%s)
# mutmut's exit code says nothing about the score: the report decides
../.venv-mutation/bin/mutmut run --max-children "$(nproc)" > mutants-run.log 2>&1 || {
  echo "mutmut stopped: the end of $work/mutants-run.log:" >&2
  tail -c 3000 mutants-run.log | tr '\r' '\n' | tail -40 >&2
}
echo "mutmut ran for $(( $(date +%s) - started )) s" >&2
exec ../.venv-mutation/bin/python scripts/mutation_report.py "${modules[@]}"
