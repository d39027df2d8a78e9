"""SAM's local Lambda service (samcli.local.lambda_service, the HTTP layer of
``sam local start-lambda``) driven in-process, as SAM's container code drives it.

``sam local start-lambda`` itself refuses to start without a container runtime; this runs
SAM's own Flask service with a runner that forwards each invocation to a Runtime Interface
Emulator through SAM's own ``Container._make_http_request`` (the code SAM uses to talk to
the emulator inside its container), then writes the answer as SAM's ``wait_for_result``
does. Everything between the HTTP request and the emulator is SAM's code.

Run with the compat venv's Python: sam_service.py --rie-port PORT --url-file FILE
"""

from __future__ import annotations

import argparse
import socket
import threading
import types
from typing import Any

from samcli.local.docker.container import Container
from samcli.local.lambda_service.local_lambda_http_service import LocalLambdaHttpService


class EmulatorRunner:
    """The subset of SAM's LocalLambdaRunner the HTTP service calls."""

    def __init__(self, rie_port: int) -> None:
        # SAM's container serialises invocations of one container (the emulator serves
        # one at a time): the same here.
        self.lock = threading.Lock()
        self.container = types.SimpleNamespace(
            URL=Container.URL,
            RAPID_CONNECTION_TIMEOUT=Container.RAPID_CONNECTION_TIMEOUT,
            _container_host="127.0.0.1",
            rapid_port_host=rie_port,
        )

    def is_debugging(self) -> bool:
        return False

    def get_function(self, function_name: str, tenant_id: str | None) -> None:
        return None  # any name: one function behind the emulator

    def invoke(self, function_identifier: str, event: str, **kwargs: Any) -> None:
        stdout = kwargs["stdout"]
        with self.lock:
            response, is_image = Container._make_http_request(self.container, event)
        if isinstance(response, str):  # as Container.wait_for_result writes it
            stdout.write_str(response)
        elif isinstance(response, bytes) and is_image:
            stdout.write_bytes(response)
        elif isinstance(response, bytes):
            stdout.write_str(response.decode("utf-8"))
        stdout.flush()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rie-port", type=int, required=True)
    parser.add_argument("--url-file", required=True)
    args = parser.parse_args()
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    service = LocalLambdaHttpService(EmulatorRunner(args.rie_port), port=port, host="127.0.0.1")
    service.create()
    with open(args.url_file, "w", encoding="utf-8") as handle:
        handle.write(f"http://127.0.0.1:{port}")
    service.run()


if __name__ == "__main__":
    main()
