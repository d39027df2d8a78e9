"""A command the tests start while mutmut runs them (scripts/mutation.sh): the mutant under
test reaches it through MUTANT_UNDER_TEST, and in mutmut's first pass ("stats", which
functions each test reaches) the functions it reached are written to the file named by
LAMBDA_INVOKE_MUTATION_HITS, for support.run_command to add to the test that started it.
Without this, code reached only through a subprocess looks untested to mutmut.

    python tests/mutation_child.py -m MODULE ARGS...   (as python -m MODULE ARGS...)
    python tests/mutation_child.py SCRIPT ARGS...      (as python SCRIPT ARGS...)
"""

from __future__ import annotations

import atexit
import json
import os
import runpy
import signal
import sys
from pathlib import Path

HITS = os.environ.get("LAMBDA_INVOKE_MUTATION_HITS", "")


def _report_hits() -> None:
    from mutmut.state import state

    with open(HITS, "a", encoding="utf-8") as handle:
        handle.write(json.dumps(sorted(state()._stats)) + "\n")


if HITS and os.environ.get("MUTANT_UNDER_TEST") == "stats":
    from mutmut.configuration import config

    here = os.getcwd()
    os.chdir(Path(__file__).resolve().parents[2])  # the project: mutants/tests/.. /..
    config()  # mutmut reads its configuration once, from the project's pyproject.toml
    os.chdir(here)
    atexit.register(_report_hits)

# A method's mutant is named with "ǁ": under an ASCII locale (a test of LC_ALL=C) Python
# reads that name from the environment surrogate-escaped and no mutant would match. Give
# mutmut the name as it was written (UTF-8), in its process-local copy.
_written = os.environb.get(b"MUTANT_UNDER_TEST", b"").decode("utf-8", "replace")
if _written and os.environ.get("MUTANT_UNDER_TEST") != _written:
    import mutmut.mutation.trampoline as trampoline

    trampoline._mutant_under_test = _written
    del os.environ["MUTANT_UNDER_TEST"]

# mutmut ignores SIGINT in its workers, and an ignored signal stays ignored across exec:
# start as a command started from a shell does, with Python's own KeyboardInterrupt
signal.signal(signal.SIGINT, signal.default_int_handler)

if sys.argv[1] == "-m":
    module = sys.argv[2]
    sys.argv = [module, *sys.argv[3:]]
    runpy.run_module(module, run_name="__main__", alter_sys=True)
else:
    script = sys.argv[1]
    sys.argv = sys.argv[1:]
    runpy.run_path(script, run_name="__main__")
