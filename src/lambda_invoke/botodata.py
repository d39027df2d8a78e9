"""A smaller copy of botocore's data for the services this tool calls.

Every botocore client reads ``endpoints.json`` (1.2 MB, every AWS service in every
partition) to resolve its endpoint; decoding and indexing it is about 30 ms of a run that
takes 250 (bench/README.md). This tool only ever makes clients for ``SERVICES``, so a copy
with every partition and region kept, and only those services' entries, resolves them to
exactly the same endpoints (tests/test_botodata.py compares them across partitions).

The copy is made once per botocore version from the installed file, in a cache folder
(``LAMBDA_INVOKE_CACHE``, else ``$XDG_CACHE_HOME/lambda-invoke``, else
``~/.cache/lambda-invoke``; the image makes it at build time), with the models of
``SERVICES`` and botocore's top-level files beside it. The session then loads its data
from there (``small_loader``: the user's ``AWS_DATA_PATH``, this folder, ``~/.aws/models``,
and not botocore's own folder): botocore checks that a service exists by listing every
service folder it searches, 440 of them, twice per client (some 15 ms a run).
``LAMBDA_INVOKE_CACHE=off``, or any problem making or finding the copy, leaves botocore
with its own data.
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
    "ssm",
    "logs",
    "schemas",
    "sso",
    "sso-oidc",
    "signin",
)
#: the Lambda operations this tool calls: the copy of Lambda's model keeps only these and
#: the shapes they use (decoding the whole model is ~6 ms a run; a test finds every
#: operation the source calls in this list)
LAMBDA_OPERATIONS = ("Invoke", "InvokeWithResponseStream", "GetFunctionConfiguration")
FILE_NAME = "endpoints.json"
#: written last in the folder: the models and top-level files are all there
MODELS_MADE = ".models-made"


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
        key = f"botocore-{botocore.__version__}-{stat.st_size}-{int(stat.st_mtime)}-{_kept()}"
        folder = root / key
        if not (folder / FILE_NAME).is_file():
            write_small_copy(source, folder)
        if not (folder / MODELS_MADE).is_file():
            copy_models(source.parent, folder)
        return folder
    except (OSError, ValueError):
        return None


def _kept() -> str:
    """What the copy keeps, in the folder's name: a copy made by a version of this tool
    that kept other services or operations is not reused."""
    import zlib

    return f"{zlib.crc32(repr((SERVICES, LAMBDA_OPERATIONS)).encode()):08x}"


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


def copy_models(data: Path, folder: Path) -> None:
    """``SERVICES``' model folders and botocore's top-level files (not endpoints.json: ours
    is there) into ``folder``; each appears whole (renamed into place), and a process that
    makes them at the same time as another leaves the other's."""
    import shutil

    for entry in sorted(data.iterdir()):
        if entry.name == FILE_NAME or not (entry.is_file() or entry.name in SERVICES):
            continue
        target = folder / entry.name
        if target.exists():
            continue
        temporary = Path(tempfile.mkdtemp(dir=folder, prefix=".model-"))
        try:
            if entry.is_dir():
                shutil.copytree(entry, temporary / entry.name)
                if entry.name == "lambda":
                    _trim_lambda_models(temporary / entry.name)
            else:
                shutil.copyfile(entry, temporary / entry.name)
            os.replace(temporary / entry.name, target)
        except OSError:
            if not target.exists():
                raise
        finally:
            shutil.rmtree(temporary, ignore_errors=True)
    (folder / MODELS_MADE).write_text("")


def _trim_lambda_models(service: Path) -> None:
    """Lambda's models (one per API version) with only ``LAMBDA_OPERATIONS``."""
    import gzip

    for packed in service.glob("*/service-2.json.gz"):
        document = json.loads(gzip.decompress(packed.read_bytes()))
        trimmed = trimmed_model(document, LAMBDA_OPERATIONS)
        packed.with_suffix("").write_text(json.dumps(trimmed, separators=(",", ":")))
        packed.unlink()  # (botocore reads service-2.json before service-2.json.gz)


def trimmed_model(document: dict[str, Any], operations: tuple[str, ...]) -> dict[str, Any]:
    """A service model with only ``operations`` (those it has) and the shapes they reach,
    without documentation."""
    kept = {name: op for name, op in document["operations"].items() if name in operations}
    shapes = document["shapes"]
    needed: set[str] = set()
    refs = [ref for op in kept.values() for ref in (op.get("input"), op.get("output"))]
    refs += [error for op in kept.values() for error in op.get("errors", ())]
    todo = [ref["shape"] for ref in refs if ref]
    while todo:
        name = todo.pop()
        if name in needed:
            continue
        needed.add(name)
        shape = shapes[name]
        inner = [shape.get(part) for part in ("member", "key", "value")]
        inner += shape.get("members", {}).values()
        todo += [ref["shape"] for ref in inner if ref]
    kept_shapes = {name: shape for name, shape in shapes.items() if name in needed}
    trimmed: dict[str, Any] = _undocumented({**document, "operations": kept, "shapes": kept_shapes})
    return trimmed


def _undocumented(value: Any) -> Any:
    """The model without its ``documentation`` texts (docstrings: most of its bytes)."""
    if isinstance(value, dict):
        return {key: _undocumented(item) for key, item in value.items() if key != "documentation"}
    if isinstance(value, list):
        return [_undocumented(item) for item in value]
    return value


def small_loader(environ: Mapping[str, str]) -> Any | None:
    """botocore's data loader on the small copy: the user's AWS_DATA_PATH first, then
    ours, then ``~/.aws/models`` (botocore's own order, its built-in folder left out).
    None when there is no copy: botocore then keeps its own loader."""
    folder = data_folder(environ)
    if folder is None or not (folder / MODELS_MADE).is_file():
        return None
    from botocore.loaders import Loader

    user = [
        os.path.expanduser(os.path.expandvars(part))
        for part in environ.get("AWS_DATA_PATH", "").split(os.pathsep)
        if part
    ]
    return Loader(
        extra_search_paths=[*user, str(folder), Loader.CUSTOMER_DATA_PATH],
        include_default_search_paths=False,
    )


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
