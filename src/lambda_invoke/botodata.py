"""A smaller copy of botocore's ``endpoints.json`` for the services this tool calls.

Every botocore client reads ``endpoints.json`` (1.2 MB, every AWS service in every
partition) to resolve its endpoint; decoding and indexing it is about 30 ms of a run that
takes 250 (bench/README.md). This tool only ever makes clients for ``SERVICES``, so a copy
with every partition and region kept, and only those services' entries, resolves them to
exactly the same endpoints (tests/test_botodata.py compares them across partitions).

The copy is made once per botocore version from the installed file, in a cache folder
(``LAMBDA_INVOKE_CACHE``, else ``$XDG_CACHE_HOME/lambda-invoke``, else
``~/.cache/lambda-invoke``; the image makes it at build time), and handed to botocore
through its documented ``data_path`` setting (``AWS_DATA_PATH``), after any paths the
user gave there. ``LAMBDA_INVOKE_CACHE=off``, or any problem making or finding the copy,
leaves botocore with its own full file.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any

#: the services this tool makes clients for, itself or through botocore's credential chain
SERVICES = (
    "lambda",
    "sts",
    "cloudformation",
    "logs",
    "schemas",
    "sso",
    "sso-oidc",
    "signin",
)
FILE_NAME = "endpoints.json"


def cache_root(environ: Mapping[str, str]) -> Path | None:
    setting = environ.get("LAMBDA_INVOKE_CACHE", "")
    if setting.lower() == "off":
        return None
    if setting:
        return Path(setting)
    base = environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "lambda-invoke"


def source_file() -> Path:
    import botocore

    return Path(botocore.__file__).parent / "data" / FILE_NAME


def data_folder(environ: Mapping[str, str]) -> Path | None:
    """The folder holding the small endpoints.json for the installed botocore; made when
    missing. None when switched off or when it cannot be made (botocore then reads its own).
    """
    root = cache_root(environ)
    if root is None:
        return None
    try:
        import botocore

        source = source_file()
        stat = source.stat()
        key = f"botocore-{botocore.__version__}-{stat.st_size}-{int(stat.st_mtime)}"
        folder = root / key
        if not (folder / FILE_NAME).is_file():
            write_small_copy(source, folder)
        return folder
    except (OSError, ValueError):
        return None


def small_endpoints(document: dict[str, Any]) -> dict[str, Any]:
    """``endpoints.json`` with every partition and region, and only ``SERVICES``."""
    partitions = []
    for partition in document["partitions"]:
        services = partition.get("services", {})
        kept = {name: services[name] for name in SERVICES if name in services}
        partitions.append({**partition, "services": kept})
    return {**document, "partitions": partitions}


def write_small_copy(source: Path, folder: Path) -> None:
    """Write the copy atomically: a reader sees no file or a whole one."""
    document = small_endpoints(json.loads(source.read_text(encoding="utf-8")))
    folder.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=folder, prefix=".endpoints-", suffix=".tmp")
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as stream:
            json.dump(document, stream, separators=(",", ":"))
        os.replace(temporary, folder / FILE_NAME)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def data_path(environ: Mapping[str, str]) -> str | None:
    """The value for botocore's ``data_path``: the user's AWS_DATA_PATH first, then ours."""
    folder = data_folder(environ)
    if folder is None:
        return None
    user = environ.get("AWS_DATA_PATH", "")
    return os.pathsep.join([part for part in (user, str(folder)) if part])


def prune_service_models() -> list[str]:
    """Delete the models of services not in ``SERVICES`` from botocore's data (the image
    only: about 27 MB). The top-level files (endpoints, partitions, ...) stay."""
    import shutil

    data = source_file().parent
    removed = []
    for entry in sorted(data.iterdir()):
        if entry.is_dir() and entry.name not in SERVICES:
            shutil.rmtree(entry)
            removed.append(entry.name)
    return removed


if __name__ == "__main__":  # the image's build: python botodata.py [--prune]
    import sys

    if "--prune" in sys.argv[1:]:
        print(f"removed {len(prune_service_models())} service models from botocore's data")
    made = data_folder(os.environ)
    if made is None:
        raise SystemExit("could not make the small endpoints.json (see LAMBDA_INVOKE_CACHE)")
    print(f"small endpoints.json in {made}")
