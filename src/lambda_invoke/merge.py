"""``lambda-invoke merge FILE...`` and the ``merge`` input: the results documents of a
suite's shards (a GitHub Actions matrix of ``shard: I/N`` jobs) as one report, rendered by
the code that renders one run of the whole suite (suiterun.show_rows, report.py).

Shard files are artifacts of other jobs: untrusted. Their names (globs included) are
expanded within limits, each is read through the bounded reader, and each document is
validated field by field (rows.parse_shard_document): anything else is exit 2, naming
the file and the field, before anything is reported.
"""

from __future__ import annotations

import fnmatch
import glob
import os
import time
from collections.abc import Sequence

from lambda_invoke.errors import InputError
from lambda_invoke.loading import json_problem, parse_json, read_file
from lambda_invoke.rows import MAX_SHARDS, Row, ShardDocument, merged_rows, parse_shard_document

#: at most this many files are merged (a matrix has at most 256 jobs)
MAX_SHARD_FILES = MAX_SHARDS
#: the shard files together: what a merge reads at most (memory stays bounded)
MAX_MERGE_BYTES = 16 * 1024 * 1024
#: a glob looks at most this many directory entries, for at most this long
MAX_GLOB_ENTRIES = 100_000
GLOB_SECONDS = 10.0


def expand_patterns(lines: Sequence[str], *, name: str = "merge") -> list[str]:
    """The shard files: each line a path or a glob pattern (its matches, sorted)."""
    paths: list[str] = []
    budget = _GlobBudget(name)
    for line in (line.strip() for line in lines):
        if not line:
            continue
        if glob.has_magic(line):
            matches = sorted(_glob(line, budget))
            if not matches:
                raise InputError(name, f"'{line}' matches no file")
            paths += matches
        else:
            paths.append(line)
        if len(paths) > MAX_SHARD_FILES:
            raise InputError(name, f"more than {MAX_SHARD_FILES} files to merge")
    if not paths:
        raise InputError(name, "give the shards' results files")
    return paths


class _GlobBudget:
    def __init__(self, name: str) -> None:
        self.name = name
        self.entries = 0
        self.deadline = time.monotonic() + GLOB_SECONDS

    def spend(self, pattern: str) -> None:
        self.entries += 1
        if self.entries > MAX_GLOB_ENTRIES:
            raise InputError(
                self.name,
                f"'{pattern}' looks at more than {MAX_GLOB_ENTRIES} directory entries: "
                "name the shard files more narrowly",
            )
        if self.entries % 256 == 0 and time.monotonic() > self.deadline:
            raise InputError(self.name, f"'{pattern}' took more than {GLOB_SECONDS:g} s to expand")


def _glob(pattern: str, budget: _GlobBudget) -> list[str]:
    """glob.glob's matches (hidden names only for a pattern that starts with a dot), one
    directory level at a time, counting every entry looked at against the budget (a
    symbolic link loop or ``/*/*/*/*/*.json`` ends at the budget, not minutes later)."""
    absolute = pattern.startswith(os.sep)
    parts = [part for part in pattern.split(os.sep) if part]
    found = [os.sep if absolute else ""]
    for number, part in enumerate(parts):
        last = number == len(parts) - 1
        next_found: list[str] = []
        for base in found:
            next_found += _matches(base, part, last=last, budget=budget, pattern=pattern)
        found = next_found
        if len(found) > MAX_GLOB_ENTRIES:
            raise InputError(budget.name, f"'{pattern}' matches too many folders")
    return found


def _matches(base: str, part: str, *, last: bool, budget: _GlobBudget, pattern: str) -> list[str]:
    """The files (``last`` part) or folders in ``base`` that one part of the pattern names."""
    if not glob.has_magic(part):
        path = os.path.join(base, part)
        return [path] if _is_kind(path, last=last) else []
    found = []
    try:
        with os.scandir(base or ".") as entries:
            for entry in entries:
                budget.spend(pattern)
                hidden = entry.name.startswith(".") and not part.startswith(".")
                if hidden or not fnmatch.fnmatchcase(entry.name, part):
                    continue
                if _is_kind(entry, last=last):
                    found.append(os.path.join(base, entry.name))
    except OSError:
        return found
    return found


def _is_kind(path: str | os.DirEntry[str], *, last: bool) -> bool:
    """A file for the pattern's last part, a folder for the others."""
    if isinstance(path, str):
        return os.path.isfile(path) if last else os.path.isdir(path)
    return path.is_file() if last else path.is_dir()


def load_shards(paths: Sequence[str]) -> tuple[list[Row], float, bool]:
    """Every case's row in the suite's order, the longest shard's seconds, and whether the
    payloads came along (each shard kept them)."""
    if not paths:
        raise InputError("merge", "give the shards' results files: lambda-invoke merge FILE...")
    if len(paths) > MAX_SHARD_FILES:
        raise InputError("merge", f"{len(paths)} files: at most {MAX_SHARD_FILES} are merged")
    documents: list[ShardDocument] = []
    read = 0
    for path in paths:
        data = read_file("merge", path)
        read += len(data)
        if read > MAX_MERGE_BYTES:
            raise InputError(
                "merge",
                f"the shard files together are over {MAX_MERGE_BYTES} bytes (at '{path}'): "
                "more than a merge reads",
            )
        try:
            document = parse_json(data)
        except ValueError as error:
            raise InputError(
                "merge", f"'{path}' is not a results document: {json_problem(error)}"
            ) from None
        documents.append(parse_shard_document(path, document))
    rows, payloads = merged_rows(documents)
    seconds = max(document.seconds for document in documents)
    return rows, seconds, payloads
