"""Links a person clicks: the invocation's log in the CloudWatch console (filtered by its
request id) and its X-Ray trace, when the answer carries one.

Only parts that are checked go into a link (a request id, a trace id of the X-Ray form, a
region of a partition with a known console): they come from the endpoint, untrusted.
"""

from __future__ import annotations

import re
from urllib.parse import quote

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


def console_links(
    *, region: str | None, function: str, request_id: str | None, trace_id: str | None
) -> dict[str, str]:
    """``{"logs": URL, "trace": URL}`` for what can be linked."""
    console = _console(region)
    if console is None:
        return {}
    home = f"{console}/cloudwatch/home?region={region}"
    links = {}
    if request_id and _REQUEST_ID.fullmatch(request_id):
        group = _console_path(f"/aws/lambda/{function}")
        pattern = _console_path(f'"{request_id}"')
        links["logs"] = (
            f"{home}#logsV2:log-groups/log-group/{group}/log-events$3FfilterPattern$3D{pattern}"
        )
    match = _TRACE_ROOT.search(trace_id or "")
    if match:
        links["trace"] = f"{home}#xray:traces/{match.group(1)}"
    return links
