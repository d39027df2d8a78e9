"""The mutation score of each module after ``mutmut run`` (scripts/mutation.sh).

Killed: a test failed (or timed out) on the mutant. Survived: every test that reaches the
mutant passed, or none reaches it. Equivalent mutants (mutation/equivalent.txt, one line
each: the mutant's name, then why no test can tell it from the original) are left out of
the count. Prints ``MODULE: killed K of N (S %)`` with the target and the survivors' diffs,
then ``N passed, M failed``; exit 1 when a module misses its target or was not run whole.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
#: percent of mutants killed, by module (issue 20); others: DEFAULT_TARGET
TARGETS = {"github": 90, "assertions": 90, "invoke": 85, "result": 85, "settings": 85}
DEFAULT_TARGET = 85
EQUIVALENT = ROOT / "mutation" / "equivalent.txt"
KILLED = {"killed", "timeout", "segfault", "caught by type check"}
SHOWN = int(os.environ.get("MUTATION_SHOWN", "40"))  # survivors shown with their diff, per module


def equivalent_mutants() -> dict[str, str]:
    found: dict[str, str] = {}
    for number, line in enumerate(EQUIVALENT.read_text().splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        name, _, why = line.partition(" ")
        if not why.strip():
            raise SystemExit(f"{EQUIVALENT}:{number}: {name} needs a reason after its name")
        found[name] = why.strip()
    return found


def main(modules: list[str]) -> int:
    from mutmut.mutation.diff_apply import get_diff_for_mutant
    from mutmut.stats import status_by_exit_code

    equivalent = equivalent_mutants()
    passed = failed = 0
    for module in modules:
        meta = ROOT / "mutants" / "src" / "lambda_invoke" / f"{module}.py.meta"
        codes = json.loads(meta.read_text())["exit_code_by_key"] if meta.exists() else {}
        statuses = {name: status_by_exit_code[code] for name, code in codes.items()}
        counted = {name: status for name, status in statuses.items() if name not in equivalent}
        killed = sorted(name for name, status in counted.items() if status in KILLED)
        unchecked = sorted(name for name, status in counted.items() if status == "not checked")
        survivors = sorted(set(counted) - set(killed) - set(unchecked))
        total = len(counted)
        score = 100.0 * len(killed) / total if total else 0.0
        target = TARGETS.get(module, DEFAULT_TARGET)
        ok = total > 0 and not unchecked and score >= target
        passed, failed = passed + ok, failed + (not ok)
        print(
            f"{module}: killed {len(killed)} of {total} ({score:.1f} %) "
            f"[target {target} %: {'met' if ok else 'MISSED'}; "
            f"{len(statuses) - total} equivalent, {len(unchecked)} not run]"
        )
        for name in survivors[:SHOWN]:
            diff = get_diff_for_mutant(name, path=f"src/lambda_invoke/{module}.py")
            changed = [
                line for line in diff.splitlines()
                if line[:1] in "+-" and not line.startswith(("+++", "---"))
            ]  # fmt: skip
            print(f"  {statuses[name]}: {name}")
            for line in changed:
                print(f"      {line.strip()}")
        if len(survivors) > SHOWN:
            print(f"  ... and {len(survivors) - SHOWN} more (mutmut results)")
        stale = sorted(
            name for name in equivalent
            if name.startswith(f"lambda_invoke.{module}.") and statuses.get(name) in KILLED
        )  # fmt: skip
        for name in stale:
            print(f"  listed as equivalent but killed: {name} (take it out of {EQUIVALENT.name})")
    print(f"{passed} passed, {failed} failed")
    return 0 if failed == 0 else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:] or list(TARGETS)))
