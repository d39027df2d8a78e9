"""Command line and container entry: arguments + ``INPUT_*`` -> settings -> run -> exit code.

This is the one boundary where exceptions become exit codes and one line of text.
"""

from __future__ import annotations

import contextlib
import gc
import io
import json
import os
import signal
import sys
import threading
from collections.abc import Callable, Iterator, Mapping, Sequence
from functools import partial
from typing import TYPE_CHECKING, Any, TextIO

from lambda_invoke.actioninputs import check_declared
from lambda_invoke.app import run
from lambda_invoke.aws import Connections
from lambda_invoke.commandline import build_parser, collect_inputs, help_text, subcommand
from lambda_invoke.errors import EXIT_AWS, EXIT_INPUT, InputError, LambdaInvokeError
from lambda_invoke.github import GitHubActions
from lambda_invoke.inputparse import parse_number
from lambda_invoke.invoke import EndpointState
from lambda_invoke.outputs import OUTPUT_NAMES
from lambda_invoke.payload_files import spill_output
from lambda_invoke.redaction import secrets_of
from lambda_invoke.reporters import ActionsReporter, ConsoleReporter, Reporter
from lambda_invoke.runner import detect
from lambda_invoke.settings import Settings, load_settings
from lambda_invoke.stopping import POOL_THREAD_PREFIX, InFlight, StopRequested

if TYPE_CHECKING:
    from lambda_invoke.aws import Connections
    from lambda_invoke.reporters import ActionsReporter, ConsoleReporter


class Interrupted(BaseException):
    """SIGTERM (docker stop, the runner's second signal when a job is cancelled)."""


#: the signals that stop a run, the exception each raises in the main thread, its exit code
#: set by the composite action's step: started as the action, not as a command
AS_ACTION = "LAMBDA_INVOKE_AS_ACTION"
#: standard output's reader went away (| head): as a writer killed by SIGPIPE (128 + 13)
EXIT_BROKEN_PIPE = 141
STOP_SIGNALS = (
    (signal.SIGTERM, Interrupted, 143),
    (signal.SIGINT, KeyboardInterrupt, 130),
)


@contextlib.contextmanager
def _stop_handlers(flight: InFlight) -> Iterator[None]:
    """SIGTERM and SIGINT set the run's stop flag (nothing new is sent) and unwind the main
    thread; the handlers before are restored after. As PID 1 in a container a signal without
    a handler is ignored: SIGTERM gets one here. A SIGINT that was ignored when we started
    (a background job of a shell) stays ignored, as Python leaves it."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    before = {}
    for number, exception, _ in STOP_SIGNALS:
        if number == signal.SIGINT and signal.getsignal(number) == signal.SIG_IGN:
            continue

        def handler(signum: int, frame: object, exception: type[BaseException] = exception) -> None:
            if flight.stopping:
                return  # a second signal: the first one's line is being written
            flight.request_stop(signal.Signals(signum).name)
            raise exception

        before[number] = signal.signal(number, handler)
    try:
        yield
    finally:
        for number, previous in before.items():
            signal.signal(number, previous)


def _check_file_commands(environ: Mapping[str, str]) -> None:
    """The runner's output and summary files must be writable here, before anything is
    invoked: otherwise the function would run and its outputs be lost."""
    for name in ("GITHUB_OUTPUT", "GITHUB_STEP_SUMMARY"):
        path = environ.get(name, "")
        folder = os.path.dirname(path) or "."
        if path and not os.path.isdir(folder):
            raise InputError(
                name,
                f"the runner's file '{path}' is in a folder that does not exist here "
                f"({folder}): the step's outputs could not be written; nothing was invoked",
                kind="environment variable",
            )


def main(
    environ: Mapping[str, str],
    argv: Sequence[str] | None = None,
    *,
    client_factory: Any = None,
    stdout: TextIO | None = None,
    stderr: TextIO | None = None,
    invoke_options: dict[str, Any] | None = None,
    as_action: bool = False,
) -> int:
    """Run once and return the exit code. Never lets a traceback through.

    ``as_action``: started as the action (the Docker action's entrypoint; the composite
    action sets LAMBDA_INVOKE_AS_ACTION=true): undeclared ``INPUT_*`` are refused and, on
    GitHub's runner, the output is the action's (outputs, log groups, job summary). As a
    command, even in a ``run:`` step, stdout is the payload (or --json's JSON).
    """
    if stdout is None and stderr is None:
        if sys.stdout is None or sys.stderr is None:
            return _closed_streams()
        _escape_what_the_console_cannot_show()
    stdout = stdout or sys.stdout
    stderr = stderr or sys.stderr
    as_action, in_actions = _started_as(environ, as_action)
    args_list = list(sys.argv[1:] if argv is None else argv)
    reporter = _reporter(environ, stdout, stderr, in_actions)

    for secret in secrets_of(environ):  # before anything else is printed
        reporter.mask(secret)

    options = dict(invoke_options or {})
    options.setdefault("endpoint", EndpointState(warn=reporter.warn))
    flight = options.setdefault("flight", InFlight())
    run = partial(
        _dispatch,
        args_list,
        environ,
        stdout,
        reporter,
        as_action=as_action,
        in_actions=in_actions,
        client_factory=client_factory,
        options=options,
    )
    with _stop_handlers(flight):
        try:
            return _guarded(run, reporter, flight)
        finally:
            with contextlib.suppress(OSError):
                reporter.finish()


def _guarded(
    run: Callable[[], int], reporter: ActionsReporter | ConsoleReporter, flight: InFlight
) -> int:
    """The run, with every way it can end turned into one line and an exit code."""
    try:
        return run()
    except LambdaInvokeError as error:
        reporter.fail(str(error))
        return error.exit_code
    except (KeyboardInterrupt, Interrupted, StopRequested) as stop:
        if not flight.stopping:  # a KeyboardInterrupt that no handler of ours raised
            flight.request_stop("SIGTERM" if isinstance(stop, Interrupted) else "SIGINT")
        return _interrupted(flight, reporter)
    except BrokenPipeError:  # the reader went away (| head): quiet, as a killed writer is
        with contextlib.suppress(OSError, ValueError):
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_BROKEN_PIPE
    except Exception as error:  # the last guard: one line, never a traceback
        reporter.fail(f"unexpected {type(error).__name__}: {' '.join(str(error).split())}")
        return EXIT_AWS


def _started_as(environ: Mapping[str, str], as_action: bool) -> tuple[bool, bool]:
    """Whether this is the action (its entrypoint, or the composite's LAMBDA_INVOKE_AS_ACTION)
    and whether the action runs on GitHub's runner (then it writes outputs and a summary)."""
    as_action = as_action or environ.get(AS_ACTION) == "true"
    return as_action, as_action and environ.get("GITHUB_ACTIONS") == "true"


def _closed_streams() -> int:
    """Started with standard output or error closed (``>&-``): nothing is invoked, since
    its answer could not be shown. One line where it can still be written; exit 2."""
    line = (
        "lambda-invoke: error: standard output or error is closed (>&-): nothing was "
        "invoked; send it somewhere, e.g. >/dev/null\n"
    )
    stream = sys.stderr if sys.stderr is not None else sys.stdout
    if stream is not None:
        with contextlib.suppress(OSError, ValueError):
            stream.write(line)
            stream.flush()
    return EXIT_INPUT


def _escape_what_the_console_cannot_show() -> None:
    """Under a locale that is not UTF-8 (LC_ALL=C without Python's UTF-8 mode, a Windows
    code page) a function's text could hold a character the console cannot encode: it is
    shown escaped (\\u2713) instead of stopping the run after the function ran."""
    for stream in (sys.stdout, sys.stderr):
        if isinstance(stream, io.TextIOWrapper):
            stream.reconfigure(errors="backslashreplace")


def _dispatch(
    args_list: list[str],
    environ: Mapping[str, str],
    stdout: TextIO,
    reporter: ActionsReporter | ConsoleReporter,
    *,
    as_action: bool,
    in_actions: bool,
    client_factory: Any,
    options: dict[str, Any],
) -> int:
    """Help, merge, a suite or one run, as the command line and inputs say."""
    _check_environment(environ, as_action=as_action, in_actions=in_actions)
    parser = build_parser()  # (once: building it is a start-up cost)
    shown = help_text(args_list, parser)
    if shown is not None:
        stdout.write(shown)
        return 0
    args = parser.parse_args(subcommand(args_list, parser))
    reporter.print_json = args.json
    values = collect_inputs(environ, args)
    if values.get("merge", "").strip():
        return _merge_input(values, environ, reporter)
    options = _invoke_options(environ, options)

    connections = Connections(environ, say=reporter.say, mask=reporter.mask)
    if values.get("suite", "").strip():
        from lambda_invoke.suiterun import run_suite_inputs  # (start-up: suites only)

        return run_suite_inputs(
            values,
            environ=environ,
            profile=args.profile,
            reporter=reporter,
            client_factory=client_factory,
            connections=connections,
            options=options,
        )

    settings = load_settings(values, environ=environ, profile=args.profile)
    _say_what_f_named(args.f, settings, reporter)
    return run(
        settings,
        reporter,
        client_factory or partial(connections.lambda_client, pool_size=settings.repeat_concurrency),
        in_actions=in_actions,
        connections=connections,
        invoke_options=options,
    )


def _check_environment(environ: Mapping[str, str], *, as_action: bool, in_actions: bool) -> None:
    """The action's inputs are all its own; the runner's files can be written here."""
    if as_action:
        check_declared(environ)
    if in_actions:
        _check_file_commands(environ)


def _say_what_f_named(f: str | None, settings: Settings, reporter: Reporter) -> None:
    """-f read as a serverless.yml key: the first line says so (it could be a name)."""
    if f and settings.serverless is not None and settings.serverless.key == f:
        deployed = settings.serverless.pending or settings.function_name
        reporter.say(
            f"-f {f}: the function '{f}' of serverless.yml, deployed as {deployed} "
            f"(--function-name {f} names a deployed function)"
        )


def _interrupted(flight: InFlight, reporter: ActionsReporter | ConsoleReporter) -> int:
    """One line saying what a stop means for the function, then exit 130 (SIGINT) or 143."""
    name = flight.signal_name
    code = next(code for number, _, code in STOP_SIGNALS if number.name == name)
    reporter.fail(flight.stop_line(name))
    github = getattr(reporter, "github", None)
    if github is not None:  # outputs a later `if: always()` step can read: nothing known
        unknown: dict[str, Any] = {output: None for output in OUTPUT_NAMES if output != "result"}
        outputs = {output: "" for output in unknown}
        outputs["result"] = json.dumps({**unknown, "stopped": name})
        with contextlib.suppress(OSError):
            github.set_outputs(outputs)
    if any(thread.name.startswith(POOL_THREAD_PREFIX) for thread in threading.enumerate()):
        # a suite's cases still blocked in their calls would keep the process alive
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code)
    return code


def _merge_input(
    values: Mapping[str, str],
    environ: Mapping[str, str],
    reporter: ActionsReporter | ConsoleReporter,
) -> int:
    """The ``merge`` input (the action's merge job): files or glob patterns, one per line."""
    others = [name for name in ("suite", "function-name", "function") if values.get(name)]
    if others:
        raise InputError("merge", f"merge replaces invoking: give it without {', '.join(others)}")
    return _run_merge(values["merge"].splitlines(), values, environ, reporter)


def _run_merge(
    patterns: list[str],
    values: Mapping[str, str],
    environ: Mapping[str, str],
    reporter: ActionsReporter | ConsoleReporter,
) -> int:
    from lambda_invoke.suiterun import run_merge  # (start-up: merges only)

    return run_merge(patterns, values, environ, reporter)


def _invoke_options(environ: Mapping[str, str], options: dict[str, Any] | None) -> dict[str, Any]:
    """Test knob: LAMBDA_INVOKE_PROGRESS_SECONDS shortens the 30 s progress interval."""
    options = dict(options or {})
    text = environ.get("LAMBDA_INVOKE_PROGRESS_SECONDS")
    if text is not None and "progress_interval" not in options:
        options["progress_interval"] = parse_number(
            "LAMBDA_INVOKE_PROGRESS_SECONDS", text, minimum=0, maximum=3600, exclusive=True
        )
    return options


def _reporter(
    environ: Mapping[str, str], stdout: TextIO, stderr: TextIO, in_actions: bool
) -> ActionsReporter | ConsoleReporter:
    if in_actions:
        github = GitHubActions(
            environ.get("GITHUB_OUTPUT"),
            environ.get("GITHUB_STEP_SUMMARY"),
            stdout,
            spill=partial(spill_output, runner=detect(environ)),
        )
        return ActionsReporter(github)

    return ConsoleReporter(stdout, stderr)


def process_main(environ: Mapping[str, str], *, as_action: bool = False) -> int:
    """``main`` as a process of its own: the console script, ``python -m lambda_invoke``,
    the container's entrypoint.

    The interpreter's exit is left without its last garbage collections: they walk every
    object still there (a botocore client's models, some 100,000), 35-45 ms of every run
    (bench/startup.py), to free memory the process gives back as it ends. The rest of the
    exit is as before: the standard streams flushed, atexit handlers run, the files this
    tool writes closed where they are written."""
    code = main(environ, as_action=as_action)
    gc.disable()
    gc.freeze()
    return code


def console_main() -> int:
    """The ``lambda-invoke`` console script."""
    return process_main(os.environ)
