"""The small endpoints.json resolves every client this tool makes exactly as botocore's
own file does, in every partition; it is made once, atomically, and can be switched off."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import botocore.session
import pytest

from lambda_invoke import botodata

#: a region of each partition botocore knows, and ones with special endpoints
REGIONS = (
    "us-east-1", "eu-west-1", "ap-southeast-4", "il-central-1", "ca-west-1",
    "cn-north-1", "cn-northwest-1", "us-gov-west-1", "us-gov-east-1",
    "us-iso-east-1", "us-isob-east-1", "eu-isoe-west-1", "us-isof-south-1",
    "eusc-de-east-1", "aws-global",
)  # fmt: skip


_SESSIONS: dict[str | None, Any] = {}


def resolve(data_path: str | None, service: str, region: str, **config: Any) -> tuple[Any, ...]:
    """How a client of this session (full data, or the small copy) resolves."""
    from botocore.config import Config

    if data_path not in _SESSIONS:
        _SESSIONS[data_path] = botocore.session.Session()
        if data_path:
            _SESSIONS[data_path].set_config_variable("data_path", data_path)
    client = _SESSIONS[data_path].create_client(
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
def small(tmp_path_factory: pytest.TempPathFactory) -> str:
    folder = botodata.data_folder({"LAMBDA_INVOKE_CACHE": str(tmp_path_factory.mktemp("cache"))})
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
def test_every_client_we_make_resolves_as_with_the_full_file(small: str, service: str) -> None:
    compared = 0
    for region in REGIONS:
        for variant in ({}, {"use_fips_endpoint": True}, {"use_dualstack_endpoint": True}):
            try:
                expected = resolve(None, service, region, **variant)
            except Exception as error:  # botocore refuses the combination: so must we
                with pytest.raises(type(error)):
                    resolve(small, service, region, **variant)
                continue
            assert resolve(small, service, region, **variant) == expected, (region, variant)
            compared += 1
    assert compared >= len(REGIONS)  # most combinations resolve; each one was compared


def test_made_once_then_reused(tmp_path: Path) -> None:
    environ = {"LAMBDA_INVOKE_CACHE": str(tmp_path)}
    first = botodata.data_folder(environ)
    assert first is not None and first.parent == tmp_path
    made = (first / "endpoints.json").stat().st_mtime_ns
    assert botodata.data_folder(environ) == first
    assert (first / "endpoints.json").stat().st_mtime_ns == made
    assert [p.name for p in first.iterdir()] == ["endpoints.json"]  # no temporary left


def test_user_data_path_comes_first_and_off_switch(tmp_path: Path) -> None:
    environ = {"LAMBDA_INVOKE_CACHE": str(tmp_path / "c"), "AWS_DATA_PATH": "/their/models"}
    path = botodata.data_path(environ)
    assert path is not None and path.startswith("/their/models:") and str(tmp_path) in path
    assert botodata.data_path({"LAMBDA_INVOKE_CACHE": "off"}) is None


def test_an_unwritable_cache_leaves_botocore_its_own_file(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    assert botodata.data_folder({"LAMBDA_INVOKE_CACHE": str(blocker / "cache")}) is None


def test_default_cache_is_under_the_users_cache(tmp_path: Path) -> None:
    assert botodata.cache_root({"XDG_CACHE_HOME": str(tmp_path)}) == tmp_path / "lambda-invoke"
