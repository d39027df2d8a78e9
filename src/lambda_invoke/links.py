"""Links a person clicks: the invocation's log in the CloudWatch console (filtered by its
request id) and its X-Ray trace, when the answer carries one.

Only parts that are checked go into a link (a request id, a trace id of the X-Ray form, a
region of a partition with a known console): they come from the endpoint, untrusted.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any
from urllib.parse import quote, urlparse

from lambda_invoke.regions import partition_of

_REQUEST_ID = re.compile(r"[A-Za-z0-9-]{1,64}")
_TRACE_ROOT = re.compile(r"Root=(1-[0-9a-f]{8}-[0-9a-f]{24})")
_CONSOLES = {
    "aws": "https://{region}.console.aws.amazon.com",
    "aws-us-gov": "https://console.amazonaws-us-gov.com",
    "aws-cn": "https://console.amazonaws.cn",
}


def _console(region: str | None) -> str | None:

    partition = partition_of(region) if region else None
    template = _CONSOLES.get(partition.id) if partition else None
    return template.format(region=region) if template else None


def _console_path(text: str) -> str:
    """The CloudWatch console's fragment encoding: percent-encoding with $ for %."""
    return quote(quote(text, safe=""), safe="").replace("%", "$")


#: the endings of AWS's own endpoint hosts (regional, FIPS, dual-stack, VPC endpoints, the
#: China and isolated partitions); any other endpoint has no console to link to
_AWS_HOSTS = (".amazonaws.com", ".amazonaws.com.cn", ".api.aws", ".c2s.ic.gov", ".sc2s.sgov.gov")


def console_region(client: Any) -> str | None:
    """The region a client sends to, when it sends to AWS's endpoint; None otherwise (a
    local endpoint or an emulator: a console link would point nowhere)."""
    meta = getattr(client, "meta", None)
    region = getattr(meta, "region_name", None)
    return _aws_region(getattr(meta, "endpoint_url", "") or "", region)


@lru_cache(maxsize=16)
def _aws_region(endpoint_url: str, region: Any) -> str | None:
    """(Once per endpoint: a repeat asks on every Invoke.)"""
    host = urlparse(endpoint_url).hostname or ""
    if not host.endswith(_AWS_HOSTS):
        return None
    return region if isinstance(region, str) else None


def console_links(
    *,
    region: str | None,
    function: str,
    request_id: str | None,
    trace_id: str | None,
    log_group: str | None = None,
) -> dict[str, str]:
    """``{"logs": URL, "trace": URL}`` for what can be linked (``log_group``: the group the
    log was read from, else the function's default /aws/lambda/NAME)."""
    console = _console(region)
    if console is None:
        return {}
    home = f"{console}/cloudwatch/home?region={region}"
    links = {}
    if request_id and _REQUEST_ID.fullmatch(request_id):
        group = _console_path(log_group or f"/aws/lambda/{function}")
        pattern = _console_path(f'"{request_id}"')
        links["logs"] = (
            f"{home}#logsV2:log-groups/log-group/{group}/log-events$3FfilterPattern$3D{pattern}"
        )
    match = _TRACE_ROOT.search(trace_id or "")
    if match:
        links["trace"] = f"{home}#xray:traces/{match.group(1)}"
    return links
