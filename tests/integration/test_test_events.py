"""test-event: the Lambda console's shareable test events as payloads. moto has no
EventBridge Schemas, so a scripted Schemas endpoint on 127.0.0.1 answers DescribeSchema
and ListSchemas as the REST-JSON API does (registry lambda-testevent-schemas)."""

from __future__ import annotations

import http.server
import json
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from support import Answer, ScriptedLambda, cli_command, function_answer, run_command, sandbox_env

pytestmark = pytest.mark.integration
CONSOLE_SCHEMA = {
    "openapi": "3.0.0",
    "info": {"version": "1.0.0", "title": "Event"},
    "paths": {},
    "components": {
        "schemas": {"Event": {"type": "object"}},
        "examples": {
            "order-created": {"value": {"detail-type": "OrderCreated", "id": 42}},
            "order-cancelled": {"value": {"detail-type": "OrderCancelled", "id": 7}},
        },
    },
}


class Schemas:
    """Registries: name -> schemas: name -> content (None: the registry does not exist)."""

    def __init__(self, registries: dict[str, dict[str, str]]) -> None:
        outer = self
        self.registries = registries

        class Handler(http.server.BaseHTTPRequestHandler):
            def log_message(self, *args: object) -> None:
                pass

            def send(self, status: int, body: dict[str, object], error: str = "") -> None:
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                if error:
                    self.send_header("x-amzn-errortype", error)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_GET(self) -> None:
                parts = self.path.split("?")[0].strip("/").split("/")
                # v1 registries name REGISTRY schemas [name SCHEMA]
                registry = outer.registries.get(parts[3])
                if registry is None:
                    self.send(404, {"Code": "NotFoundException", "Message": "no registry"},
                              "NotFoundException")  # fmt: skip
                    return
                if len(parts) == 5:
                    self.send(200, {"Schemas": [{"SchemaName": name} for name in registry]})
                    return
                content = registry.get(parts[6])
                if content is None:
                    self.send(404, {"Code": "NotFoundException", "Message": "no schema"},
                              "NotFoundException")  # fmt: skip
                    return
                self.send(200, {"Content": content, "SchemaName": parts[6]})

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"


@pytest.fixture
def schemas() -> Iterator[Schemas]:
    server = Schemas(
        {
            "lambda-testevent-schemas": {
                "_orders-schema": json.dumps(CONSOLE_SCHEMA),
                "_billing-schema": json.dumps(CONSOLE_SCHEMA),
            }
        }
    )
    yield server
    server.server.shutdown()


def invoke(schemas_url: str, lam: ScriptedLambda, tmp_path: Path, *argv: str):  # type: ignore[no-untyped-def]
    return run_command(
        [*cli_command(), "--endpoint-url", lam.url, *argv],
        env=sandbox_env(AWS_ENDPOINT_URL_SCHEMAS=schemas_url),
        cwd=tmp_path,
    )


def test_the_saved_event_is_the_payload(schemas: Schemas, tmp_path: Path) -> None:
    with ScriptedLambda(function_answer({"ok": True})) as lam:
        done = invoke(schemas.url, lam, tmp_path, "-f", "orders", "--test-event", "order-created")
        sent = lam.requests[-1][2]
    assert done.returncode == 0, done.stderr
    assert json.loads(sent) == {"detail-type": "OrderCreated", "id": 42}
    assert "test event order-created of orders" in done.stderr


@pytest.mark.parametrize(
    ("function", "event", "message"),
    [
        ("orders", "order-shipped", "no test event 'order-shipped' for orders; saved: "
         "order-cancelled, order-created"),
        ("payments", "x", "no test events saved for payments; functions with test events: "
         "billing, orders"),
    ],
)  # fmt: skip
def test_a_missing_event_or_schema_lists_what_exists(
    schemas: Schemas, tmp_path: Path, function: str, event: str, message: str
) -> None:
    with ScriptedLambda(Answer()) as lam:
        done = invoke(schemas.url, lam, tmp_path, "-f", function, "--test-event", event)
        assert lam.invocations == 0
    assert done.returncode == 3
    assert message in done.stderr


def test_a_missing_registry_says_so(tmp_path: Path) -> None:
    empty = Schemas({})
    try:
        with ScriptedLambda(Answer()) as lam:
            done = invoke(empty.url, lam, tmp_path, "-f", "orders", "--test-event", "x")
            assert lam.invocations == 0
    finally:
        empty.server.shutdown()
    assert done.returncode == 3
    assert "the registry lambda-testevent-schemas does not exist" in done.stderr


def test_test_event_with_a_payload_is_an_input_error(tmp_path: Path) -> None:
    with ScriptedLambda(Answer()) as lam:
        done = invoke("http://127.0.0.1:9", lam, tmp_path, "-f", "orders", "--test-event", "x",
                      "-d", "{}")  # fmt: skip
    assert done.returncode == 2
    assert "input 'test-event': give test-event or payload, not both" in done.stderr


def test_a_suite_case_takes_its_test_event(schemas: Schemas, tmp_path: Path) -> None:
    suite = tmp_path / "suite.yml"
    suite.write_text(
        "cases:\n"
        "  - {name: created, function-name: orders, test-event: order-created}\n"
        "  - {name: cancelled, function-name: orders, test-event: order-cancelled}\n"
    )
    with ScriptedLambda(function_answer({"ok": True})) as lam:
        done = invoke(schemas.url, lam, tmp_path, "suite", str(suite))
        sent = sorted(json.loads(body)["id"] for _, _, body in lam.requests if body)
    assert done.returncode == 0, done.stderr
    assert sent == [7, 42]
