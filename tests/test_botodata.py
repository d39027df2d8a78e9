"""The small copy of botocore's data (endpoints.json with only our services, their models)
resolves every client this tool makes exactly as botocore's own data does, in every
partition; it is made once, atomically, and can be switched off."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import botocore.session
import pytest
from botocore.loaders import Loader
from support import ROOT

from lambda_invoke import botodata

#: a region of each partition botocore knows, and ones with special endpoints
REGIONS = (
    "us-east-1", "eu-west-1", "ap-southeast-4", "il-central-1", "ca-west-1",
    "cn-north-1", "cn-northwest-1", "us-gov-west-1", "us-gov-east-1",
    "us-iso-east-1", "us-isob-east-1", "eu-isoe-west-1", "us-isof-south-1",
    "eusc-de-east-1", "aws-global",
)  # fmt: skip


_SESSIONS: dict[str | None, Any] = {}


def resolve(cache: str | None, service: str, region: str, **config: Any) -> tuple[Any, ...]:
    """How a client of this session (full data, or the small copy in ``cache``) resolves."""
    from botocore.config import Config

    if cache not in _SESSIONS:
        _SESSIONS[cache] = botocore.session.Session()
        if cache:
            loader = botodata.small_loader({"LAMBDA_INVOKE_CACHE": cache})
            assert loader is not None
            assert Loader.BUILTIN_DATA_PATH not in loader.search_paths  # only the copy
            _SESSIONS[cache].register_component("data_loader", loader)
    client = _SESSIONS[cache].create_client(
        service,
        region_name=region,
        aws_access_key_id="AKIAFAKEFAKEFAKEFAKE",
        aws_secret_access_key="fake",
        config=Config(**config),
    )
    signer = client._request_signer
    return (
        client.meta.endpoint_url,
        client.meta.partition,
        signer.region_name,
        signer.signing_name,
        client.meta.config.signature_version,
    )


@pytest.fixture(scope="module")
def cache(tmp_path_factory: pytest.TempPathFactory) -> str:
    return str(tmp_path_factory.mktemp("cache"))


@pytest.fixture(scope="module")
def small(cache: str) -> str:
    folder = botodata.data_folder({"LAMBDA_INVOKE_CACHE": cache})
    assert folder is not None
    return str(folder)


def test_the_copy_keeps_every_partition_and_region_and_only_our_services(small: str) -> None:
    full = json.loads(botodata.source_file().read_text())
    copy = json.loads((Path(small) / "endpoints.json").read_text())
    assert [p["partition"] for p in copy["partitions"]] == [
        p["partition"] for p in full["partitions"]
    ]
    for mine, theirs in zip(copy["partitions"], full["partitions"], strict=True):
        assert {k: v for k, v in mine.items() if k != "services"} == {
            k: v for k, v in theirs.items() if k != "services"
        }
        assert set(mine["services"]) <= set(botodata.SERVICES)
        for name, entry in mine["services"].items():
            assert entry == theirs["services"][name]
    assert (
        Path(small) / "endpoints.json"
    ).stat().st_size < botodata.source_file().stat().st_size / 20


@pytest.mark.parametrize("service", botodata.SERVICES)
def test_every_client_we_make_resolves_as_with_the_full_data(cache: str, service: str) -> None:
    compared = 0
    for region in REGIONS:
        for variant in ({}, {"use_fips_endpoint": True}, {"use_dualstack_endpoint": True}):
            try:
                expected = resolve(None, service, region, **variant)
            except Exception as error:  # botocore refuses the combination: so must we
                with pytest.raises(type(error)):
                    resolve(cache, service, region, **variant)
                continue
            assert resolve(cache, service, region, **variant) == expected, (region, variant)
            compared += 1
    assert compared >= len(REGIONS)  # most combinations resolve; each one was compared


def test_made_once_then_reused(tmp_path: Path) -> None:
    environ = {"LAMBDA_INVOKE_CACHE": str(tmp_path)}
    first = botodata.data_folder(environ)
    assert first is not None and first.parent == tmp_path
    made = (first / "endpoints.json").stat().st_mtime_ns
    assert botodata.data_folder(environ) == first
    assert (first / "endpoints.json").stat().st_mtime_ns == made
    services = {p.name for p in botodata.source_file().parent.iterdir() if p.is_dir()}
    kept = {p.name for p in first.iterdir() if p.is_dir()}
    assert kept == services & set(botodata.SERVICES)  # only ours, and no temporary left
    assert not [p.name for p in first.iterdir() if p.name.startswith(".model-")]
    assert (first / "_retry.json").read_bytes() == (
        botodata.source_file().parent / "_retry.json"
    ).read_bytes()


def test_the_loader_lists_only_our_services(cache: str) -> None:
    loader = botodata.small_loader({"LAMBDA_INVOKE_CACHE": cache})
    assert loader is not None
    listed = set(loader.list_available_services("service-2"))
    assert listed <= set(botodata.SERVICES) and "lambda" in listed and "sts" in listed


def test_user_data_path_comes_first_and_off_switch(tmp_path: Path) -> None:
    environ = {"LAMBDA_INVOKE_CACHE": str(tmp_path / "c"), "AWS_DATA_PATH": "/their/models"}
    loader = botodata.small_loader(environ)
    assert loader is not None
    assert loader.search_paths[0] == "/their/models"
    assert loader.search_paths[1].startswith(str(tmp_path))
    assert botodata.small_loader({"LAMBDA_INVOKE_CACHE": "off"}) is None


def test_an_unwritable_cache_leaves_botocore_its_own_file(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    assert botodata.data_folder({"LAMBDA_INVOKE_CACHE": str(blocker / "cache")}) is None


def test_default_cache_is_under_the_users_cache(tmp_path: Path) -> None:
    assert botodata.cache_root({"XDG_CACHE_HOME": str(tmp_path)}) == tmp_path / "lambda-invoke"


def test_the_lambda_model_keeps_our_operations_whole(cache: str) -> None:
    """Each kept operation's input, output and errors are botocore's own, shape for shape
    (documentation aside); the copy is what the client loads."""
    from botocore.model import ServiceModel

    full = ServiceModel(Loader().load_service_model("lambda", "service-2"))
    loader = botodata.small_loader({"LAMBDA_INVOKE_CACHE": cache})
    assert loader is not None
    small = ServiceModel(loader.load_service_model("lambda", "service-2"))
    assert sorted(small.operation_names) == sorted(botodata.LAMBDA_OPERATIONS)

    def shape_of(shape: Any, depth: int = 0) -> Any:
        if shape is None or depth > 12:
            return None
        parts = {k: v for k, v in shape.metadata.items()}
        if hasattr(shape, "members"):
            parts["members"] = {n: shape_of(m, depth + 1) for n, m in shape.members.items()}
        if hasattr(shape, "member"):
            parts["member"] = shape_of(shape.member, depth + 1)
        return (shape.name, shape.type_name, parts)

    for name in botodata.LAMBDA_OPERATIONS:
        mine, theirs = small.operation_model(name), full.operation_model(name)
        assert shape_of(mine.input_shape) == shape_of(theirs.input_shape)
        assert shape_of(mine.output_shape) == shape_of(theirs.output_shape)
        assert [e.name for e in mine.error_shapes] == [e.name for e in theirs.error_shapes]
        assert mine.http == theirs.http and mine.has_event_stream_output == (
            theirs.has_event_stream_output
        )


def test_every_lambda_operation_the_source_calls_is_kept() -> None:
    """A Lambda operation left out of the copy would be a missing client method at run
    time: every operation's method name that appears as a call in src/ must be kept."""
    import re

    from botocore import xform_name

    full = Loader().load_service_model("lambda", "service-2")
    source = "\n".join(p.read_text() for p in (ROOT / "src" / "lambda_invoke").glob("*.py"))
    called = {name for name in full["operations"] if re.search(rf"\.{xform_name(name)}\(", source)}
    assert called and called <= set(botodata.LAMBDA_OPERATIONS), called


def test_every_service_the_source_makes_a_client_for_is_kept() -> None:
    """A service left out would have no model in the copy (nor in the image, which keeps
    only SERVICES' models): ssm, for serverless.yml's ${ssm:}, once was."""
    import re

    source = "\n".join(p.read_text() for p in (ROOT / "src" / "lambda_invoke").glob("*.py"))
    made = set(re.findall(r'(?:client_for|client|create_client)\(\s*"([a-z0-9-]+)"', source))
    assert {"lambda", "sts", "ssm", "cloudformation", "logs", "schemas"} <= made
    assert made <= set(botodata.SERVICES), made - set(botodata.SERVICES)
