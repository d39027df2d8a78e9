"""Links to the console: only checked parts, only partitions with a known console."""

from __future__ import annotations

import pytest

from lambda_invoke.links import console_links

TRACE = "Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1"


def test_commercial_log_and_trace_links() -> None:
    links = console_links(
        region="eu-west-1", function="orders", request_id="5a4c-1f2d", trace_id=TRACE
    )
    assert links == {
        "logs": "https://eu-west-1.console.aws.amazon.com/cloudwatch/home?region=eu-west-1"
        "#logsV2:log-groups/log-group/$252Faws$252Flambda$252Forders/log-events"
        "$3FfilterPattern$3D$25225a4c-1f2d$2522",
        "trace": "https://eu-west-1.console.aws.amazon.com/cloudwatch/home?region=eu-west-1"
        "#xray:traces/1-5759e988-bd862e3fe1be46a994272793",
    }


@pytest.mark.parametrize(
    ("region", "host"),
    [
        ("us-gov-west-1", "https://console.amazonaws-us-gov.com"),
        ("cn-north-1", "https://console.amazonaws.cn"),
    ],
)
def test_other_partitions_use_their_console(region: str, host: str) -> None:
    links = console_links(region=region, function="f", request_id="r-1", trace_id=None)
    assert links["logs"].startswith(f"{host}/cloudwatch/home?region={region}#")


@pytest.mark.parametrize(
    ("region", "request_id", "trace_id"),
    [
        ("us-iso-east-1", "r-1", TRACE),  # no console we know of
        (None, "r-1", TRACE),
        ("eu-west-1", "r-1) [x](https://evil", None),  # an untrusted request id
        ("eu-west-1", None, "Root=1-x;evil"),
    ],
)
def test_nothing_unchecked_becomes_a_link(
    region: str | None, request_id: str | None, trace_id: str | None
) -> None:
    links = console_links(region=region, function="f", request_id=request_id, trace_id=trace_id)
    assert "evil" not in str(links)
    if region != "eu-west-1":
        assert links == {}
