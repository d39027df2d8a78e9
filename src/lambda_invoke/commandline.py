"""The command line: its help texts, the parser (made from interface.INPUTS), subcommands
and what the words mean as inputs (``-f`` as a serverless.yml key or a function name, an
outfile, ``INPUT_*`` under the options). ``cli`` is the boundary that runs them."""

from __future__ import annotations

import argparse
import os
from collections.abc import Mapping, Sequence
from typing import Any, NoReturn

from lambda_invoke import __version__
from lambda_invoke.actioninputs import env_inputs
from lambda_invoke.errors import InputError, did_you_mean
from lambda_invoke.interface import GROUPS, INPUTS, InputSpec

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
  type (string|number|integer|boolean|object|array|null), length, gt, gte, lt, lte, in,
  schema (a JSON Schema: a file, JSON or YAML, or an inline mapping)
A check on an output that did not come back fails and says why (only exists: false passes).
  lambda-invoke -f fn --assert '$.statusCode: 200
  $.body.items: { length: 3 }
  duration-ms: { lt: 2000 }'
"""

COMPARE_HELP = """\
--compare-to ALIAS|VERSION|NAME:QUALIFIER: each event also sent twice to this baseline (the
three at once). What differs between the baseline's own two answers is noise; any other
difference is shown as a unified diff of JSON pointers and fails the default gate
differences: 0. Gates: differences, new-function-errors, duration-ms-p95-ratio,
elapsed-ms-p95-ratio (the candidate's p95 over the baseline's). --compare-ignore JSONPATH
leaves a volatile field out; in a suite, compare-to: none keeps a case away from live.
  lambda-invoke -f orders-api:42 --compare-to live -p event.json \\
      --assert 'duration-ms-p95-ratio: { lt: 1.2 }'
--snapshot PATH: compare with an answer recorded in PATH instead (a suite: a folder, one
file per case). A missing snapshot is recorded (in CI it fails); --update-snapshots records
anew. Recording sends each event twice: what differs is noise, left out of the file.
  lambda-invoke -f orders-api -p event.json --snapshot snapshots/order.json
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
lambda-invoke merge FILE... [--junit-file PATH] [--summary BOOL]: the results files of a
suite's shards (suite --shard I/N --results-file FILE, one per matrix job) as one report:
the final line, the passed/failed/results outputs, the job summary, a JUnit file, exit 1
when a case failed. FILE may be a glob pattern (quoted: 'shard-*.json'); options may come
before or after the files. Refused (exit 2): shards of different suite versions, a shard
missing or twice.
"""

HELP_TOPICS = {
    "suite": SUITE_HELP,
    "local": LOCAL_HELP,
    "assert": ASSERT_HELP,
    "compare": COMPARE_HELP,
    "merge": MERGE_HELP,
    "exit-codes": EXIT_HELP,
}


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        """argparse's complaint as an input error, with the option meant when one is close."""
        if message.startswith("unrecognized arguments: "):
            options = [flag for action in self._actions for flag in action.option_strings]
            for word in message.split(": ", 1)[1].split():
                hint = did_you_mean(word.split("=")[0], options) if word.startswith("-") else ""
                if hint:
                    raise InputError("command line", f"unknown option {word}{hint}")
        raise InputError("command line", message)


def build_parser(kind: str = "main") -> argparse.ArgumentParser:
    """The parser of the command line; ``kind`` (a subcommand) only changes the help."""
    head = {"suite": SUITE_HELP, "local": LOCAL_HELP, "merge": MERGE_HELP}.get(kind)
    parser = _Parser(
        prog={
            "suite": "lambda-invoke suite FILE",
            "local": "lambda-invoke local",
            "merge": "lambda-invoke merge FILE...",
        }.get(kind, "lambda-invoke"),
        description=head or "Invoke an AWS Lambda function; check and report the answer.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    order = list(GROUPS)
    if kind in SUBCOMMANDS:  # the subcommand's own group first
        first = "local (invoke local)" if kind == "local" else "suite"
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


def help_text(args: Sequence[str], parser: argparse.ArgumentParser) -> str | None:
    """The help asked for (``-h``/``--help`` anywhere before ``--``, or ``help [TOPIC]``),
    or None when no help was asked for; ``parser`` is the main one (build_parser()). An
    unknown topic is an input error."""
    words = list(args[: args.index("--")] if "--" in args else args)
    index = _first_positional(words, parser)
    word = words[index] if index is not None else None
    if index is not None and word == "help":
        return _topic_help(words[index + 1 : index + 2], parser)
    if "-h" in words or "--help" in words:
        kind = word if word in SUBCOMMANDS else "main"
        return build_parser(kind).format_help()
    return None


def _topic_help(topics: Sequence[str], parser: argparse.ArgumentParser) -> str:
    """``help`` (the main help) or ``help TOPIC``."""
    if not topics:
        return parser.format_help()
    topic = topics[0]
    if topic not in HELP_TOPICS:
        raise InputError(
            "command line",
            f"no help topic '{topic}' (topics: {', '.join(HELP_TOPICS)})",
        )
    if topic in SUBCOMMANDS:
        return build_parser(topic).format_help()
    return HELP_TOPICS[topic]


def collect_inputs(environ: Mapping[str, str], args: argparse.Namespace) -> dict[str, str]:
    """Environment ``INPUT_*`` values, overridden by command-line options."""
    values = env_inputs(environ)
    for spec in INPUTS:
        value = getattr(args, spec.name, None)
        if isinstance(value, list):
            value = "\n".join(value)
        if value is not None:
            values[spec.name] = value
    if args.f:
        _apply_f(args, values)
    if args.outfile:
        if values.get("output-file", args.outfile) != args.outfile:
            raise InputError(
                "output-file", "given twice (--output-file and outfile) with different paths"
            )
        values["output-file"] = args.outfile
    return values


def _apply_f(args: argparse.Namespace, values: dict[str, str]) -> None:
    """``-f``: a serverless.yml key or a function name; the command line wins over
    INPUT_FUNCTION / INPUT_FUNCTION-NAME, an explicit --function(-name) over ``-f``."""
    key = "function" if _is_function_key(args.f, values) else "function-name"
    other = "function-name" if key == "function" else "function"
    if getattr(args, key, None) is not None:
        return
    values[key] = args.f
    if getattr(args, other, None) is None:
        values.pop(other, None)


def _is_function_key(name: str, values: Mapping[str, str]) -> bool:
    """-f names a serverless.yml key when a config here (or --config) has that key."""
    config = values.get("config", "")
    if not config and not any(os.path.isfile(n) for n in ("serverless.yml", "serverless.yaml")):
        return False  # the usual case in CI: no YAML to read, nothing to import
    from lambda_invoke.serverless import function_keys  # (start-up)

    return name in function_keys(config)


SUBCOMMANDS = ("local", "suite", "merge")

_BOOLEAN_WORDS = frozenset({"true", "false", "yes", "no", "on", "off", "1", "0"})


def subcommand(args: list[str], parser: argparse.ArgumentParser) -> list[str]:
    """``local ...`` (as serverless invoke local) and ``suite FILE ...`` as options; the
    word may come after options too (``--endpoint-url URL suite FILE``)."""
    index = _first_positional(args, parser)
    if index is None or args[index] not in SUBCOMMANDS:
        return args
    before, word, after = args[:index], args[index], args[index + 1 :]
    if word == "local":
        return [*before, *after, "--local"]
    if word == "merge":
        options, files = _split_positionals(after, parser)
        if not files:
            raise InputError("merge", "give the shards' results files: lambda-invoke merge FILE...")
        return [*before, *options, "--merge", "\n".join(files)]
    if not after or (after[0].startswith("-") and after[0] != "-"):
        raise InputError("suite", "give the suite file: lambda-invoke suite FILE")
    return [*before, *after[1:], "--suite", after[0]]


def _split_positionals(
    args: list[str], parser: argparse.ArgumentParser
) -> tuple[list[str], list[str]]:
    """Options (with their values) and the positional words, wherever they stand; after
    ``--`` every word is positional."""
    options: list[str] = []
    positionals: list[str] = []
    rest = list(args)
    while rest:
        index = _first_positional(rest, parser)
        if index is None:
            cut = rest.index("--") if "--" in rest else len(rest)
            options += rest[:cut]
            positionals += rest[cut + 1 :]
            break
        options += rest[:index]
        positionals.append(rest[index])
        rest = rest[index + 1 :]
    return options, positionals


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
        following = args[index + 1] if index + 1 < len(args) else ""
        index += 2 if _takes_next(takes_value.get(word, 0), following) else 1
    return None


def _takes_next(nargs: Any, following: str) -> bool:
    """Whether an option with this ``nargs`` takes the next word as its value: one that
    needs a value always, an optional boolean only a boolean word (``--summary false``);
    flags, ``--name=value`` and unknown options (argparse will say) do not."""
    return nargs is None or (nargs == "?" and following.lower() in _BOOLEAN_WORDS)
