"""The action's outputs: their names in action.yml's order, the ones a suite sets, and the
ones a check cannot name. A test compares them with action.yml."""

from __future__ import annotations

#: The outputs of action.yml, in order. ``result`` is the JSON of all the others.
OUTPUT_NAMES: tuple[str, ...] = (
    "payload",
    "payload-file",
    "status-code",
    "function-error",
    "logs",
    "logs-complete",
    "logs-file",
    "executed-version",
    "request-id",
    "duration-ms",
    "billed-duration-ms",
    "max-memory-used-mb",
    "init-duration-ms",
    "elapsed-ms",
    "durable-execution-arn",
    "error-details",
    "stream-complete",
    "invocations",
    "function-errors",
    "cold-starts",
    "throttles",
    *(
        f"{measure}-{q}"
        for measure in ("duration-ms", "billed-duration-ms", "elapsed-ms")
        for q in ("p50", "p90", "p95", "p99", "max")
    ),
    "repeat-file",
    "differences",
    "new-function-errors",
    "duration-ms-p95-ratio",
    "elapsed-ms-p95-ratio",
    "comparison",
    "assertions",
    "result",
)
#: Outputs of compare-to and snapshot (the figures their gates check, and the comparison
#: document).
COMPARISON_OUTPUTS: tuple[str, ...] = (
    "differences",
    "new-function-errors",
    "duration-ms-p95-ratio",
    "elapsed-ms-p95-ratio",
    "comparison",
)
#: where a comparison's noise came from, as its lines and summary say it (by ``snapshot``)
NOISE_LEARNED = {False: "the baseline's own answers differ", True: "as recorded"}
#: Outputs of a suite run (``suite`` input).
SUITE_OUTPUT_NAMES: tuple[str, ...] = ("passed", "failed", "results")
#: Outputs that are documents or paths rather than values a check compares.
NOT_CHECKABLE = ("payload-file", "logs-file", "repeat-file", "comparison", "assertions", "result")
