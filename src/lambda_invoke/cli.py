"""Command line and container entry: arguments + ``INPUT_*`` -> settings -> run -> exit code.

This is the one boundary where exceptions become exit codes and one line of text.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import os
import signal
import sys
import threading
from collections.abc import Callable, Iterator, Mapping, Sequence
from functools import partial
from typing import TYPE_CHECKING, Any, NoReturn, TextIO

from lambda_invoke import __version__
from lambda_invoke.errors import EXIT_AWS, InputError, LambdaInvokeError
from lambda_invoke.interface import GROUPS, INPUTS, InputSpec, env_inputs
from lambda_invoke.stopping import POOL_THREAD_PREFIX, InFlight, StopRequested

if TYPE_CHECKING:
    from lambda_invoke.aws import Connections
    from lambda_invoke.reporters import ActionsReporter, ConsoleReporter

EPILOG = """\
examples:
  lambda-invoke -f my-function -d '{"name": "Bob"}'
  lambda-invoke -f orders-api:live -p event.json --assert '$.statusCode: 200'
  lambda-invoke -f my-function --endpoint-url http://127.0.0.1:3001 --json
  lambda-invoke suite smoke.yml --junit-file smoke.xml
  lambda-invoke local -f hello -p event.json          (a serverless.yml function, here)
  lambda-invoke suite smoke.yml --shard 2/4 --results-file shard2.json
  lambda-invoke merge shard*.json --junit-file smoke.xml   (the shards as one report)

Every option can also come from the environment as INPUT_<NAME> (INPUT_FUNCTION-NAME or
INPUT_FUNCTION_NAME), as GitHub passes action inputs; the command line wins.
Exit codes: 0 ok, 1 function error or failed assertion, 2 invalid input (nothing
invoked), 3 AWS or network error, 130/143 stopped (SIGINT/SIGTERM).
More: lambda-invoke help [suite | local | assert | merge | exit-codes]
"""

SUITE_HELP = """\
lambda-invoke suite FILE [options]: run a smoke suite, every case in one run.

FILE (or - for standard input) is YAML with `defaults` (any option below, for every case)
and `cases` (each one invoke: `name`, any option, `expect-function-error`); the options
given here are defaults under the file's. The whole file is checked before anything is
invoked. Cases run up to --max-concurrency at a time; the report keeps the file's order,
with a JUnit file on request. Schema: schema/suite.schema.json.
"""
LOCAL_HELP = """\
lambda-invoke local -f KEY [options]: run a serverless.yml function's handler here, as
`serverless invoke local` does, and report it as a remote invoke (outputs, assertions,
exit codes). Python and Node.js handlers; the service's environment, -e KEY=VALUE, the
timeout enforced. Coming from serverless: README, Coming from serverless invoke.
"""
ASSERT_HELP = """\
--assert YAML: a mapping of checks. A key starting with $ is a JSONPath on the payload
(an API Gateway proxy body is decoded); any other key is an output (status-code,
function-error, logs, duration-ms, ...). The value is a plain value (equals) or operators:
  equals, not-equals, contains, not-contains, matches (regex, 1 s limit), exists,
  type (string|number|integer|boolean|object|array|null), length, gt, gte, lt, lte, in
A check on an output that did not come back fails and says why (only exists: false passes).
  lambda-invoke -f fn --assert '$.statusCode: 200
  $.body.items: { length: 3 }
  duration-ms: { lt: 2000 }'
"""
EXIT_HELP = """\
Exit codes:
  0    invoked; no function error (or fail-on-function-error false); every assertion passed
  1    a function error or a failed assertion; in a suite, any case failed
  2    invalid input, found before anything was invoked; the line names the input
  3    AWS or network trouble (unknown function, access denied, throttled past retries,
       timeouts, a broken stream, no credentials or region)
  130  stopped by SIGINT; 143 stopped by SIGTERM (the line says what was still running)
"""
MERGE_HELP = """\
lambda-invoke merge [--junit-file PATH] FILE...: the results files of a suite's shards
(suite --shard I/N --results-file FILE, one per matrix job) as one report: the final line,
the passed/failed/results outputs, the job summary, a JUnit file, exit 1 when a case
failed. Refused (exit 2): shards of different suite versions, a shard missing or twice.
"""
HELP_TOPICS = {"suite": SUITE_HELP, "local": LOCAL_HELP, "assert": ASSERT_HELP}
HELP_TOPICS["merge"] = MERGE_HELP
HELP_TOPICS["exit-codes"] = EXIT_HELP


class Interrupted(BaseException):
    """SIGTERM (docker stop, the runner's second signal when a job is cancelled)."""


#: the signals that stop a run, the exception each raises in the main thread, its exit code
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


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        raise InputError("command line", message)


def build_parser(kind: str = "main") -> argparse.ArgumentParser:
    """The parser of the command line; ``kind`` "suite" or "local" only changes the help."""
    head = {"suite": SUITE_HELP, "local": LOCAL_HELP}.get(kind)
    parser = _Parser(
        prog={"suite": "lambda-invoke suite FILE", "local": "lambda-invoke local"}.get(
            kind, "lambda-invoke"
        ),
        description=head or "Invoke an AWS Lambda function; check and report the answer.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    order = list(GROUPS)
    if kind in ("suite", "local"):  # the subcommand's own group first
        first = "suite" if kind == "suite" else "local (invoke local)"
        order = [first, *(name for name in order if name != first)]
    groups = {name: parser.add_argument_group(f"{name} options") for name in order}
    for spec in INPUTS:
        _add_input(groups[spec.group], spec)
    _add_serverless_flags(groups["function"], groups["invocation"])
    general = parser.add_argument_group("general options")
    general.add_argument(
        "outfile",
        nargs="?",
        metavar="OUTFILE",
        help="as in aws lambda invoke: also write the payload here (same as --output-file).",
    )
    general.add_argument("--profile", metavar="PROFILE", help="AWS profile (as AWS_PROFILE).")
    general.add_argument(
        "--json", action="store_true", help="print the whole result document, not the payload."
    )
    general.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    return parser


def _add_input(group: argparse._ArgumentGroup, spec: InputSpec) -> None:
    flags = [f"--{spec.name}", *spec.short]
    help_text = spec.description + (f" Default: {spec.default}." if spec.default else "")
    if spec.boolean:
        group.add_argument(
            *flags, dest=spec.name, nargs="?", const="true", metavar="BOOL", help=help_text
        )
    elif spec.repeatable:
        group.add_argument(
            *flags, dest=spec.name, action="append", metavar=spec.metavar, help=help_text
        )
    else:
        group.add_argument(*flags, dest=spec.name, metavar=spec.metavar, help=help_text)


def _add_serverless_flags(
    function: argparse._ArgumentGroup, invocation: argparse._ArgumentGroup
) -> None:
    function.add_argument(
        "-f",
        dest="f",
        metavar="KEY|NAME",
        help="a function key of serverless.yml (as serverless -f) when there is one with that "
        "key here; else the deployed function name (as --function-name).",
    )
    invocation.add_argument(
        "-l",
        "--log",
        dest="log-type",
        action="store_const",
        const="Tail",
        help="serverless --log: return the log tail (log-type Tail, the default).",
    )


def help_text(args: Sequence[str]) -> str | None:
    """The help asked for (``-h``/``--help`` anywhere before ``--``, or ``help [TOPIC]``),
    or None when no help was asked for. An unknown topic is an input error."""
    words = list(args[: args.index("--")] if "--" in args else args)
    parser = build_parser()
    index = _first_positional(words, parser)
    word = words[index] if index is not None else None
    if word == "help":
        topics = words[index + 1 :] if index is not None else []
        if not topics:
            return parser.format_help()
        topic = topics[0]
        if topic not in HELP_TOPICS:
            raise InputError(
                "command line",
                f"no help topic '{topic}' (topics: {', '.join(HELP_TOPICS)})",
            )
        if topic in ("suite", "local"):
            return build_parser(topic).format_help()
        return HELP_TOPICS[topic]
    if "-h" in words or "--help" in words:
        kind = word if word in SUBCOMMANDS else "main"
        return build_parser(kind).format_help()
    return None


def collect_inputs(environ: Mapping[str, str], args: argparse.Namespace) -> dict[str, str]:
    """Environment ``INPUT_*`` values, overridden by command-line options."""
    values = env_inputs(environ)
    for spec in INPUTS:
        value = getattr(args, spec.name, None)
        if isinstance(value, list):
            value = "\n".join(value)
        if value is not None:
            values[spec.name] = value
    if args.f:  # the command line wins over INPUT_FUNCTION / INPUT_FUNCTION-NAME
        key = "function" if _is_function_key(args.f, values) else "function-name"
        other = "function-name" if key == "function" else "function"
        given_here = getattr(args, key, None) is not None
        if not given_here:
            values[key] = args.f
            if getattr(args, other, None) is None:
                values.pop(other, None)
    if args.outfile:
        if values.get("output-file", args.outfile) != args.outfile:
            raise InputError(
                "output-file", "given twice (--output-file and outfile) with different paths"
            )
        values["output-file"] = args.outfile
    return values


def _is_function_key(name: str, values: Mapping[str, str]) -> bool:
    """-f names a serverless.yml key when a config here (or --config) has that key."""
    config = values.get("config", "")
    if not config and not any(os.path.isfile(n) for n in ("serverless.yml", "serverless.yaml")):
        return False  # the usual case in CI: no YAML to read, nothing to import
    from lambda_invoke.serverless import function_keys

    return name in function_keys(config)


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
) -> int:
    """Run once and return the exit code. Never lets a traceback through."""
    if stdout is None and stderr is None:
        _escape_what_the_console_cannot_show()
    stdout = stdout or sys.stdout
    stderr = stderr or sys.stderr
    in_actions = environ.get("GITHUB_ACTIONS") == "true"
    args_list = list(sys.argv[1:] if argv is None else argv)
    reporter = _reporter(environ, stdout, stderr, in_actions)
    from lambda_invoke.redaction import secrets_of

    for secret in secrets_of(environ):  # before anything else is printed
        reporter.mask(secret)
    from lambda_invoke.invoke import EndpointState

    options = dict(invoke_options or {})
    options.setdefault("endpoint", EndpointState(warn=reporter.warn))
    flight = options.setdefault("flight", InFlight())
    run = partial(
        _dispatch,
        args_list,
        environ,
        stdout,
        reporter,
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
    except BrokenPipeError:
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_AWS
    except Exception as error:  # the last guard: one line, never a traceback
        reporter.fail(f"unexpected {type(error).__name__}: {' '.join(str(error).split())}")
        return EXIT_AWS


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
    in_actions: bool,
    client_factory: Any,
    options: dict[str, Any],
) -> int:
    """Help, merge, a suite or one run, as the command line and inputs say."""
    if in_actions:
        _check_file_commands(environ)
    shown = help_text(args_list)
    if shown is not None:
        stdout.write(shown)
        return 0
    if args_list[:1] == ["merge"]:
        return _merge_command(args_list[1:], environ, reporter)
    parser = build_parser()
    args = parser.parse_args(_subcommand(args_list, parser))
    reporter.print_json = args.json
    values = collect_inputs(environ, args)
    if values.get("merge", "").strip():
        return _merge_input(values, environ, reporter)
    options = _invoke_options(environ, options)
    from lambda_invoke.aws import Connections

    connections = Connections(environ, say=reporter.say, mask=reporter.mask)
    if values.get("suite", "").strip():
        return _run_suite(
            values,
            environ=environ,
            profile=args.profile,
            reporter=reporter,
            client_factory=client_factory,
            connections=connections,
            options=options,
        )

    from lambda_invoke.app import run
    from lambda_invoke.settings import load_settings

    settings = load_settings(values, environ=environ, profile=args.profile)
    return run(
        settings,
        reporter,
        client_factory or partial(connections.lambda_client, pool_size=settings.repeat_concurrency),
        in_actions=in_actions,
        connections=connections,
        invoke_options=options,
    )


SUBCOMMANDS = ("local", "suite")
_BOOLEAN_WORDS = frozenset({"true", "false", "yes", "no", "on", "off", "1", "0"})


def _interrupted(flight: InFlight, reporter: ActionsReporter | ConsoleReporter) -> int:
    """One line saying what a stop means for the function, then exit 130 (SIGINT) or 143."""
    name = flight.signal_name
    code = next(code for number, _, code in STOP_SIGNALS if number.name == name)
    reporter.fail(flight.stop_line(name))
    github = getattr(reporter, "github", None)
    if github is not None:  # outputs a later `if: always()` step can read: nothing known
        from lambda_invoke.interface import OUTPUT_NAMES

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
    return _merge(values["merge"].splitlines(), values, environ, reporter)


def _merge_command(
    args: list[str],
    environ: Mapping[str, str],
    reporter: ActionsReporter | ConsoleReporter,
) -> int:
    """``merge [--junit-file PATH] FILE...``: the files as the merge input's lines."""
    values = {name: value for name, value in env_inputs(environ).items() if name != "merge"}
    if args[:1] == ["--junit-file"] and len(args) > 1:
        values["junit-file"], args = args[1], args[2:]
    return _merge(args, values, environ, reporter)


def _merge(
    patterns: list[str],
    values: Mapping[str, str],
    environ: Mapping[str, str],
    reporter: ActionsReporter | ConsoleReporter,
) -> int:
    """The shards' results as one report, rendered as one run of the suite renders."""
    from lambda_invoke.app import show_rows
    from lambda_invoke.interface import DEFAULTS
    from lambda_invoke.merge import expand_patterns, load_shards
    from lambda_invoke.report import final_line
    from lambda_invoke.runner import detect
    from lambda_invoke.settings import check_output_path, check_reachable, parse_bool

    summary = parse_bool("summary", values.get("summary", DEFAULTS["summary"]).strip())
    runner = detect(environ)
    paths = expand_patterns(patterns)
    for path in paths:
        check_reachable("merge", path, runner)
    junit = values.get("junit-file", "").strip() or None
    if junit is not None:
        check_reachable("junit-file", junit, runner)
        check_output_path("junit-file", junit)
    rows, seconds, payloads = load_shards(paths)
    return show_rows(
        rows,
        seconds,
        reporter,
        junit_file=junit,
        runner=runner,
        summary=summary,
        line=f"{final_line(rows)} in {seconds:.1f} s (merged {len(paths)} shards)",
        invoked=False,
        payloads=payloads,
    )


def _subcommand(args: list[str], parser: argparse.ArgumentParser) -> list[str]:
    """``local ...`` (as serverless invoke local) and ``suite FILE ...`` as options; the
    word may come after options too (``--endpoint-url URL suite FILE``)."""
    index = _first_positional(args, parser)
    if index is None or args[index] not in SUBCOMMANDS:
        return args
    before, word, after = args[:index], args[index], args[index + 1 :]
    if word == "local":
        return [*before, *after, "--local"]
    if not after or (after[0].startswith("-") and after[0] != "-"):
        raise InputError("suite", "give the suite file: lambda-invoke suite FILE")
    return [*before, *after[1:], "--suite", after[0]]


def _first_positional(args: list[str], parser: argparse.ArgumentParser) -> int | None:
    """The index of the first argument that is neither an option nor an option's value."""
    takes_value = {
        flag: action.nargs
        for action in parser._actions  # argparse keeps no public list of its options
        for flag in action.option_strings
    }
    index = 0
    while index < len(args):
        word = args[index]
        if word == "--":  # what follows is positional: no subcommand is looked for there
            return None
        if not word.startswith("-") or word == "-":
            return index
        nargs = takes_value.get(word, 0)
        following = args[index + 1] if index + 1 < len(args) else ""
        if nargs is None or (nargs == "?" and following.lower() in _BOOLEAN_WORDS):
            index += 2  # the option and its value
        else:
            index += 1  # a flag, --name=value, or an unknown option (argparse will say)
    return None


def _run_suite(
    values: dict[str, str],
    *,
    environ: Mapping[str, str],
    profile: str | None,
    reporter: ActionsReporter | ConsoleReporter,
    client_factory: Any,
    connections: Connections,
    options: dict[str, Any],
) -> int:
    from lambda_invoke.app import run_suite
    from lambda_invoke.suite import load_suite_settings

    suite = load_suite_settings(values, environ=environ, profile=profile)
    if client_factory is None:
        client_factory = partial(connections.lambda_client, pool_size=suite.max_concurrency)
    return run_suite(
        suite, reporter, client_factory, connections=connections, invoke_options=options
    )


def _invoke_options(environ: Mapping[str, str], options: dict[str, Any] | None) -> dict[str, Any]:
    """Test knob: LAMBDA_INVOKE_PROGRESS_SECONDS shortens the 30 s progress interval."""
    options = dict(options or {})
    text = environ.get("LAMBDA_INVOKE_PROGRESS_SECONDS")
    if text is not None and "progress_interval" not in options:
        from lambda_invoke.settings import parse_number

        options["progress_interval"] = parse_number(
            "LAMBDA_INVOKE_PROGRESS_SECONDS", text, minimum=0, maximum=3600, exclusive=True
        )
    return options


def _reporter(
    environ: Mapping[str, str], stdout: TextIO, stderr: TextIO, in_actions: bool
) -> ActionsReporter | ConsoleReporter:
    if in_actions:
        from lambda_invoke.github import GitHubActions
        from lambda_invoke.payload_files import spill_output
        from lambda_invoke.reporters import ActionsReporter
        from lambda_invoke.runner import detect

        github = GitHubActions(
            environ.get("GITHUB_OUTPUT"),
            environ.get("GITHUB_STEP_SUMMARY"),
            stdout,
            spill=partial(spill_output, runner=detect(environ)),
        )
        return ActionsReporter(github)
    from lambda_invoke.reporters import ConsoleReporter

    return ConsoleReporter(stdout, stderr)


def console_main() -> int:
    """The ``lambda-invoke`` console script."""
    return main(os.environ)
