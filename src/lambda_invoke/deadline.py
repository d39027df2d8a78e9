"""One deadline for every loop and wait: a time limit named in what it says when it runs
out, a progress line at least every PROGRESS_SECONDS while it runs, and a bound on the
pages any paginated AWS listing may take (an endpoint can answer empty pages with a new
token for ever: CloudWatch Logs does so while it scans a big group).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from lambda_invoke.errors import AwsError

#: a wait longer than this says where it stands at least this often (README: Limits)
PROGRESS_SECONDS = 30.0
#: the pages one listing may take (ListSchemas, ListStackResources); FilterLogEvents has
#: its own bound, full-logs-timeout
MAX_PAGES = 100
#: how long one listing may take
LISTING_SECONDS = 60.0


class Deadline:
    """``seconds`` from now, on ``clock``; ``what`` names the limit in its lines."""

    def __init__(
        self,
        seconds: float,
        *,
        what: str,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.seconds = seconds
        self.what = what
        self.clock = clock
        self.end = clock() + seconds
        self._said = clock()

    def remaining(self) -> float:
        return max(0.0, self.end - self.clock())

    def expired(self) -> bool:
        return self.clock() >= self.end

    def due_progress(self, every: float = PROGRESS_SECONDS) -> bool:
        """True once per ``every`` seconds: time for a progress line."""
        now = self.clock()
        if now - self._said < every:
            return False
        self._said = now
        return True


class ListingTooLong(AwsError):
    """A paginated listing over its page or time bound (exit 3: the endpoint's doing)."""


def bounded_pages(
    pages: Iterable[Any],
    *,
    what: str,
    limit: int = MAX_PAGES,
    deadline: Deadline | None = None,
) -> Iterator[Any]:
    """The pages of a listing, at most ``limit`` of them and until ``deadline``."""
    deadline = deadline or Deadline(LISTING_SECONDS, what=f"{what} ({LISTING_SECONDS:g} s)")
    for number, page in enumerate(pages, start=1):
        if number > limit:
            raise ListingTooLong(f"{what} did not end within {limit} pages")
        if deadline.expired():
            raise ListingTooLong(f"{what} did not end within {deadline.seconds:g} s")
        yield page
