"""AWS sessions for a run: the credentials (an assumed role, through the job's GitHub OIDC
token when there is one), the clients made with them, and stack-name lookups.

One ``Connections`` per run; it makes each session, role and lookup once (a suite's cases
share them) and is safe to use from several threads. Temporary credentials and the OIDC
token are never printed; in GitHub Actions they are masked before anything could.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping
from dataclasses import replace
from typing import Any

from lambda_invoke import __version__
from lambda_invoke.awserrors import botocore_error
from lambda_invoke.awsvalues import AwsLookup
from lambda_invoke.botodata import small_loader
from lambda_invoke.errors import AwsError
from lambda_invoke.payloads import MAX_EVENT_PAYLOAD, MAX_SYNC_PAYLOAD
from lambda_invoke.references import parse_function_name
from lambda_invoke.roles import assume_role, github_oidc_token
from lambda_invoke.settings import Settings
from lambda_invoke.stacks import physical_id
from lambda_invoke.testevents import load_test_event

Say = Callable[[str], None]


class Connections:
    def __init__(
        self,
        environ: Mapping[str, str],
        *,
        say: Say,
        mask: Say,
    ) -> None:
        self.environ = environ
        self.say = say
        self.mask = mask
        self._lock = threading.Lock()
        self._credentials: dict[tuple[Any, ...], dict[str, str] | None] = {}
        self._functions: dict[tuple[Any, ...], Settings] = {}

    # -- clients ------------------------------------------------------------------------

    def lambda_client(self, settings: Settings, *, pool_size: int = 10) -> Any:
        """The Lambda client: our timeouts, botocore's retries off (invoke.py retries only
        what cannot have run twice) but its adaptive rate limiter on (throttle_limiter):
        after Lambda throttles a call, every thread sending with this client slows down (a
        suite or a repeat shares it), then speeds up again; it waits at most 2 s a call.
        ``pool_size`` connections may be open at once. It comes from botocore's session,
        the same client boto3 would return: importing boto3 also imports s3transfer, ~70 ms
        (bench/README.md).
        """
        client = self.client("lambda", settings, **lambda_config(settings, pool_size))
        user_agent_once(client)
        throttle_limiter(client)
        return client

    def _session(self, settings: Settings) -> Any:
        import botocore.session

        session = botocore.session.Session(profile=settings.profile)
        loader = small_loader(self.environ)  # the small copy of botocore's data: ~45 ms less
        if loader is not None:
            session.register_component("data_loader", loader)
        return session

    def client(self, service: str, settings: Settings, **config: Any) -> Any:
        """A client of ``service`` with the run's credentials (the assumed role's, if any).

        Only Lambda takes endpoint-url; others use botocore's own settings
        (AWS_ENDPOINT_URL_STS, AWS_ENDPOINT_URL_CLOUDFORMATION, AWS_ENDPOINT_URL).
        """
        from botocore.config import Config
        from botocore.exceptions import BotoCoreError

        credentials = self.credentials(settings)
        try:
            return self._session(settings).create_client(
                service,
                region_name=settings.region,
                endpoint_url=settings.endpoint_url if service == "lambda" else None,
                config=Config(user_agent_extra=f"lambda-invoke-action/{__version__}", **config),
                **(credentials or {}),
            )
        except BotoCoreError as error:
            raise botocore_error(error, settings.profile) from None

    # -- role ---------------------------------------------------------------------------

    def credentials(self, settings: Settings) -> dict[str, str] | None:
        """Client keyword arguments for the assumed role; None without role-to-assume."""
        role = settings.role
        if role is None:
            return None
        key = (role, settings.profile, settings.region)
        with self._lock:
            if key not in self._credentials:
                self._credentials[key] = assume_role(
                    role,
                    settings,
                    session=self._session(settings),
                    token=github_oidc_token(self.environ, role.audience, self.mask),
                    mask=self.mask,
                    say=self.say,
                )
            return self._credentials[key]

    # -- stack-name ---------------------------------------------------------------------

    def resolve(self, settings: Settings) -> Settings:
        """Settings with what AWS holds looked up: serverless.yml's ${ssm:}/${cf:} values,
        the stack's function, the test event."""
        return self.resolve_test_event(self.resolve_stack(self.resolve_serverless(settings)))

    def resolve_serverless(self, settings: Settings) -> Settings:
        """A serverless.yml function whose needed fields use ${ssm:...} or ${cf:...}: those
        looked up (SSM GetParameter, CloudFormation outputs), the function resolved."""
        function = settings.serverless
        if function is None or not function.pending or function.again is None:
            return settings

        def client_for(service: str, region: str | None) -> Any:
            target = replace(settings, region=region) if region else settings
            return self.client(service, target, retries={"mode": "standard"})

        resolved = function.again(AwsLookup(client_for, settings.profile))  # (local: checked)
        self.say(f"serverless.yml: {function.key} is {resolved.name} ({function.pending})")
        if settings.function.value:  # function-name given as well: it wins
            return replace(settings, serverless=resolved)
        return replace(settings, function=parse_function_name(resolved.name), serverless=resolved)

    def resolve_test_event(self, settings: Settings) -> Settings:
        """The console's shareable test event as the payload (test-event)."""
        if settings.test_event is None or settings.payload is not None:
            return settings

        schemas = self.client("schemas", settings, retries={"mode": "standard"})
        payload = load_test_event(schemas, settings.function.name, settings.test_event)
        limit = MAX_EVENT_PAYLOAD if settings.invocation_type == "Event" else MAX_SYNC_PAYLOAD
        if len(payload) > limit:
            raise AwsError(
                f"test event {settings.test_event} is {len(payload)} bytes; at most {limit}"
            )
        self.say(f"payload: test event {settings.test_event} of {settings.function.name}")
        return replace(settings, payload=payload)

    def resolve_stack(self, settings: Settings) -> Settings:
        """Settings whose function is the one the stack names (sam remote invoke's lookup)."""
        stack = settings.stack
        if stack is None or settings.function.value:
            return settings
        key = (stack, settings.profile, settings.region, settings.role)
        with self._lock:
            if key in self._functions:
                return self._functions[key]
        cloudformation = self.client("cloudformation", settings, retries={"mode": "standard"})
        physical = physical_id(cloudformation, settings)
        resolved = replace(settings, function=parse_function_name(physical))
        with self._lock:
            self._functions[key] = resolved
        self.say(f"{stack.describe()} is {physical}")
        return resolved


def lambda_config(settings: Settings, pool_size: int = 10) -> dict[str, Any]:
    """The Lambda client's botocore Config settings (Connections.lambda_client says why).

    Retries "standard" with one attempt: none by botocore; the adaptive limiter is added by
    throttle_limiter. No parameter validation: every request is built from settings that
    were validated before any call (botocore's check costs some 17 us an Invoke, bench/)."""
    return {
        "connect_timeout": settings.connect_timeout,
        "read_timeout": settings.read_timeout,
        "retries": {"mode": "standard", "total_max_attempts": 1},
        "tcp_keepalive": True,
        "max_pool_connections": max(10, pool_size),
        "parameter_validation": False,
    }


def throttle_limiter(client: Any) -> None:
    """botocore's adaptive rate limiter (what retries mode "adaptive" adds to "standard"),
    fed every answer only once one was not a success.

    The limiter does nothing until Lambda throttles a call: before that, every answer only
    updates the measured send rate, from which the first throttle sets the new rate. Yet
    botocore's handler judges each answer for throttling, under two locks the pool's
    threads queue for: some 30 us of CPU an Invoke (bench/pool.py), a suite's or repeat's
    largest cost of its own. Here a success (HTTP status below 400, no exception) is only
    counted in the measured rate until the first answer that is not one; from then on
    every answer goes to botocore's limiter, as in adaptive mode. The limiter is made of
    botocore's own parts, as ``botocore.retries.adaptive.register_retry_handler`` makes
    it; a botocore without them gets its own handler, as it is.
    """
    from botocore.retries import adaptive

    events = client.meta.events
    try:
        from botocore.retries import bucket, standard, throttling

        clock = bucket.Clock()
        clocker = adaptive.RateClocker(clock)
        limiter = adaptive.ClientRateLimiter(
            rate_adjustor=throttling.CubicCalculator(
                starting_max_rate=0, start_time=clock.current_time()
            ),
            rate_clocker=clocker,
            token_bucket=bucket.TokenBucket(max_rate=1, clock=clock),
            throttling_detector=standard.ThrottlingErrorDetector(
                retry_event_adapter=standard.RetryEventAdapter()
            ),
            clock=clock,
        )
    except (AttributeError, ImportError, TypeError):  # a botocore without these parts
        adaptive.register_retry_handler(client)
        return
    every_answer = False

    def on_answer(response: Any = None, caught_exception: Any = None, **kwargs: Any) -> None:
        nonlocal every_answer
        if not every_answer:
            status = getattr(response[0], "status_code", 0) if response else 0
            if caught_exception is None and 0 < status < 400:
                clocker.record()
                return
            every_answer = True  # (a benign race: two threads may both set it)
        limiter.on_receiving_response(
            response=response, caught_exception=caught_exception, **kwargs
        )

    events.register("before-send", limiter.on_sending_request)
    events.register("needs-retry", on_answer)


def user_agent_once(client: Any) -> None:
    """The client's User-Agent header built once per set of features, not twice per request.

    botocore 1.3x builds the header for every request, twice (once with the request, again
    when it is created), sanitizing each component: some 120 microseconds of CPU an Invoke
    here, more than everything this tool does around it (bench/pool.py). The string depends
    only on the client and on the features of the call's context (retry mode, ...): it is
    kept per set of features, so the header sent is the same string botocore would build
    (tests/test_aws_clients.py compares it with an untouched client's). A botocore without
    these internals is left as it is.
    """
    creator: Any = getattr(client, "_user_agent_creator", None)
    build = getattr(creator, "to_string", None)
    if build is None:
        return
    from botocore.context import get_context

    built: dict[frozenset[str], str] = {}

    def to_string() -> str:
        context = get_context()
        features = frozenset(context.features) if context is not None else frozenset()
        text = built.get(features)
        if text is None:
            text = built[features] = build()
        return text

    creator.to_string = to_string
