"""The ``isolint`` command: ``check``, ``rules``, ``explain``.

Exit codes: 0 clean (nothing at or above ``--fail-on``), 1 findings or files that could not be
read, 2 usage or configuration error.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable, Sequence

from . import __version__
from .advisor import assess
from .baseline import DEFAULT_BASELINE, BaselineError, baseline_root, default_baseline, write_baseline
from .config import Config, ConfigError, apply_config, check_rule_settings, load_config
from .fixer import Planned, fix_paths, unified_diff
from .gate import Gate, tier_of, verdict
from .gitchanges import GitError, changed_files
from .model import ParseError
from .progress import Progress
from .registry import load_rules, unknown_selectors
from .reporters import FORMATS, Report, Writer, advisor_json, advisor_markdown, advisor_table, verdict_line, writer
from .reporters.report import report_root
from .reporters.text import format_error
from .rule import Severity
from .runner import RunResult, run
from .settings import Settings, parse_version
from .sources import NOT_WRITTEN, Outside, ReadError, inside, is_inside, open_for_writing, run_root

EXIT_CLEAN, EXIT_FINDINGS, EXIT_USAGE = 0, 1, 2
# a failing run with more findings and errors than this (about a screenful) says how to adopt
ADOPTION_HINT_AT = 40


class UsageError(Exception):
    pass


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        self.print_usage(sys.stderr)
        self.exit(EXIT_USAGE, f"{self.prog}: error: {message}\n")


class _OutputAction(argparse.Action):
    """``--format F[,F]`` and ``--output FILE`` in pairs: each ``--output`` is where the format before it goes."""

    def __call__(self, parser: argparse.ArgumentParser, namespace: argparse.Namespace, values: object,
                 option_string: str | None = None) -> None:
        outputs = [list(pair) for pair in getattr(namespace, "outputs", None) or []]
        if option_string == "--format":
            outputs.extend([name.strip(), None] for name in str(values).split(",") if name.strip())
            namespace.format = outputs[-1][0] if outputs else "text"
        else:
            if not outputs:
                outputs.append(["text", None])
            if outputs[-1][1] is not None:
                parser.error(f"--output {values} needs a --format before it (each --format has one --output)")
            outputs[-1][1] = str(values)
        namespace.outputs = outputs


def _split(values: list[str] | None) -> list[str]:
    return [part.strip() for value in values or () for part in value.split(",") if part.strip()]


def _options(*adders: Callable[[argparse.ArgumentParser], None]) -> argparse.ArgumentParser:
    """A parent parser holding the options ``adders`` add: each subcommand takes only the groups it uses."""
    parent = argparse.ArgumentParser(add_help=False)
    for add in adders:
        add(parent)
    return parent


def _input_options(p: argparse.ArgumentParser) -> None:
    """What to lint and with which rules: every command that lints."""
    p.add_argument("paths", nargs="*", default=None, help="files or directories; - reads stdin")
    p.add_argument("--select", action="append", help="rule codes, names or group prefixes to run")
    p.add_argument("--ignore", action="append", help="rule codes, names or group prefixes to skip")
    p.add_argument("--profile", choices=("pss-baseline", "pss-restricted"),
                   help="run exactly the rules of a Pod Security Standards level")
    p.add_argument("--kubernetes-version", default=None, help="target Kubernetes version (default: 1.37)")
    p.add_argument("--exclude", action="append", help="glob of paths to skip (repeatable)")
    p.add_argument("--no-gitignore", action="store_true", help="lint files .gitignore excludes too")
    p.add_argument("--no-render", action="store_true",
                   help="do not render Helm charts or build Kustomize roots: chart templates are left out, "
                        "kustomizations' resources linted as plain manifests")
    p.add_argument("--stdin-kind", choices=("kubernetes", "compose", "dockerfile"),
                   help="kind of the stream read from -")
    p.add_argument("--stdin-filename", default="<stdin>", help="path to report for -")
    p.add_argument("--max-file-size", type=int, default=None, help="skip files larger than this many bytes")
    p.add_argument("--env-file", action="append", metavar="FILE",
                   help="Compose variables from this file, over each project's .env (repeatable)")
    p.add_argument("--interpolate-process-env", action=argparse.BooleanOptionalAction, default=None,
                   help="interpolate Compose files with the process environment too (off by default: "
                        "on CI it holds secrets that a pull request could make a finding print)")
    p.add_argument("--config", metavar="FILE", help="configuration file (default: found upward from the target)")
    p.add_argument("--no-suppressions", action="store_true",
                   help="ignore inline comments, annotations and x-isolint: show everything")
    p.add_argument("--jobs", "-j", type=int, default=None, metavar="N",
                   help="parse files and run rules in N processes (default: one per core)")
    p.add_argument("--exhaustive", action="store_true", help=argparse.SUPPRESS)  # no prescan shortcut


def _changed_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--changed-since", metavar="REF", help="lint only files changed since this git ref")
    p.add_argument("--no-repository-context", action="store_true",
                   help="with --changed-since or named files: take Namespace, RuntimeClass and ServiceAccount "
                        "objects from the linted files only, not from the rest of the git repository")


def _gate_options(p: argparse.ArgumentParser) -> None:
    """What fails the run (check, and fix's verdict on what is left)."""
    p.add_argument("--fail-on", default=None, metavar="SEVERITY",
                   help="lowest severity that fails the run: critical, high, medium, low, info (default: low)")
    p.add_argument("--gate", choices=("recommended", "strict"), default=None,
                   help="which findings fail the run: recommended (default: what breaks or weakens isolation) "
                        "or strict (hardening gaps too)")
    p.add_argument("--exit-zero", action="store_true",
                   help="exit 0 even when findings or errors would fail the run (usage errors still exit 2)")


def _baseline_option(p: argparse.ArgumentParser) -> None:
    p.add_argument("--baseline", metavar="FILE", help="report only findings not in this baseline (default: "
                                                      f"{DEFAULT_BASELINE} at the repository root, if there is one)")


def _fixing_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--unsafe-fixes", action="store_true",
                   help="apply the fixes that may change what a workload can do too")
    p.add_argument("--diff", action="store_true",
                   help="print the fixes as a unified diff and write nothing (exit 1 if any)")


def _report_options(p: argparse.ArgumentParser) -> None:
    """How ``check`` writes its findings."""
    p.add_argument("--format", action=_OutputAction, default="text",
                   help="output format: text, json, sarif, junit, github, gitlab (comma-separated or repeated)")
    p.add_argument("--output", action=_OutputAction, metavar="FILE",
                   help="write the preceding --format to FILE instead of stdout")
    p.add_argument("--color", choices=("auto", "always", "never"), default="auto")
    p.add_argument("-q", "--quiet", action="store_true", help="findings only: no summary, hint or progress")
    p.add_argument("--show-source", action="store_true",
                   help="text: show the source line under each finding (off by default, on a terminal too: "
                        "one line per finding reads, greps and diffs the same in a terminal, a pipe and a CI log)")
    p.add_argument("--statistics", action="store_true",
                   help="text: print how many findings each rule has (most first) instead of the findings")
    p.add_argument("--max-annotations", type=int, default=50, metavar="N",
                   help="github: annotate at most the N most severe findings (default 50; 0: all); "
                        "a summary annotation counts the rest")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="isolint", description="Lint container isolation in Dockerfiles, Compose files and "
                                                 "Kubernetes manifests.")
    parser.add_argument("--version", action="version", version=f"isolint {__version__}")
    sub = parser.add_subparsers(dest="command", parser_class=_Parser)

    check = sub.add_parser("check", help="lint files and directories (default: .)", parents=[_options(
        _input_options, _changed_options, _gate_options, _baseline_option, _report_options, _fixing_options)])
    check.add_argument("--fix", action="store_true", help="apply the safe fixes of the findings (as `isolint fix`)")

    rules = sub.add_parser("rules", help="list every rule")
    rules.add_argument("--format", choices=("text", "json"), default="text", help="a table, or JSON for tools")
    explain = sub.add_parser("explain", help="print a rule's documentation")
    explain.add_argument("rule", help="rule code or name")
    baseline = sub.add_parser("baseline", parents=[_options(_input_options)],
                              help=f"write the current findings, and the files that could not be linted, to "
                                   f"the baseline file (default {DEFAULT_BASELINE} at the repository root); "
                                   f"later runs of check "
                                   f"report only new ones")
    baseline.add_argument("--baseline", "--output", metavar="FILE", dest="baseline",
                          help=f"the file to write (default: the configuration's baseline, else {DEFAULT_BASELINE} "
                               "at the repository root: the git top-level, else the working directory)")
    _report_parser(sub)
    sub.add_parser("fix", parents=[_options(_input_options, _changed_options, _gate_options, _baseline_option,
                                            _fixing_options)],
                   help="apply the fixes of the findings in place: safe ones, unsafe ones with --unsafe-fixes; "
                        "--diff prints them instead")
    parser.set_defaults(commands=sub.choices)
    return parser


REPORT_FORMATS = ("table", "markdown", "json")


def _report_parser(sub: argparse._SubParsersAction) -> None:
    """``isolint report``'s own options: what to read, how verdicts count findings, its formats."""
    report = sub.add_parser("report", parents=[_options(_input_options)],
                            help="isolation advisor: per workload, its trust class, runtime and the boundary it "
                                 "needs (--format table|markdown|json)")
    report.add_argument("--format", choices=REPORT_FORMATS, default="table",
                        help="table (a terminal), markdown (a pull-request comment) or json (tools; docs/advisor.md)")
    report.add_argument("--output", metavar="FILE", help="write the report to FILE instead of stdout")
    report.add_argument("--gate", choices=("recommended", "strict"), default=None,
                        help="which findings make a workload 'harden it': recommended (default, as check gates) "
                             "or strict (hardening gaps too)")
    report.add_argument("--fail-on", default=None, metavar="SEVERITY",
                        help="lowest severity that counts: critical, high, medium, low, info (default: low)")
    report.add_argument("--max-rows", type=int, default=200, help="markdown: rows shown before summarising the rest")


def console() -> int:
    """The installed ``isolint`` command."""
    return main()


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    parser = build_parser()
    commands = ("check", "rules", "explain", "baseline", "report", "fix")
    if not argv or (argv[0] not in commands and not argv[0].startswith("-")):
        argv.insert(0, "check")
    if argv and argv[0].startswith("-") and argv[0] not in ("-h", "--help", "--version"):
        argv.insert(0, "check")
    args, unknown = parser.parse_known_args(argv)
    if unknown:  # said by the subcommand, whose own options are the ones it takes
        args.commands[args.command].error(f"unrecognized arguments: {' '.join(unknown)} "
                                          f"(`isolint {args.command} --help` lists its options)")
    try:
        if args.command == "rules":
            return _rules(args.format)
        if args.command == "explain":
            return _explain(args.rule)
        if args.command == "report":
            return _report(args)
        if args.command == "baseline":
            return _baseline(args)
        if args.command == "fix" or getattr(args, "fix", False) or getattr(args, "diff", False):
            return _fix(args)
        return _check(args)
    except BrokenPipeError:
        return EXIT_CLEAN
    except (UsageError, ConfigError, BaselineError, GitError) as exc:
        print(f"isolint: error: {exc}", file=sys.stderr)
        return EXIT_USAGE


def _config(args: argparse.Namespace) -> Config:
    return load_config(getattr(args, "config", None), _existing(args.paths or ["."]))


def _settings(args: argparse.Namespace, config: Config | None = None) -> Settings:
    settings = Settings()
    apply_config(settings, config if config is not None else _config(args))
    if args.select:
        settings.select = _split(args.select)
    settings.ignore = [*settings.ignore, *_split(args.ignore)]
    settings.profile = args.profile or settings.profile
    settings.gate = getattr(args, "gate", None) or settings.gate
    settings.exclude = [*settings.exclude, *_split(args.exclude)]
    settings.gitignore = settings.gitignore and not args.no_gitignore
    settings.render = settings.render and not args.no_render
    if getattr(args, "baseline", None):
        settings.baseline = args.baseline
    if getattr(args, "no_suppressions", False):
        settings.suppressions = False
    if getattr(args, "changed_since", None):
        settings.only_files = changed_files(args.changed_since)
    if getattr(args, "no_repository_context", False):
        settings.repository_context = False
    settings.stdin_kind = args.stdin_kind
    settings.stdin_filename = args.stdin_filename
    try:
        if getattr(args, "fail_on", None) is not None:
            settings.fail_on = Severity.parse(args.fail_on)
        if args.kubernetes_version is not None:
            settings.kubernetes_version = parse_version(args.kubernetes_version)
    except ValueError as exc:
        raise UsageError(str(exc)) from None
    if args.max_file_size is not None:
        settings.max_file_size = args.max_file_size
    if getattr(args, "jobs", None) is not None:
        if args.jobs < 0:
            raise UsageError("--jobs must be 0 (one per core) or more")
        settings.jobs = args.jobs
    settings.exhaustive = getattr(args, "exhaustive", False)
    if getattr(args, "interpolate_process_env", None) is not None:
        settings.process_env = args.interpolate_process_env
    for path in getattr(args, "env_file", None) or ():
        from .sources import read_text

        try:  # named by the user, not the repository: read where it is
            read_text(path, settings.max_file_size)
        except ReadError as exc:
            raise UsageError(f"--env-file {path}: {exc.message}") from None
        settings.env_files.append(path)
    return settings


def _existing(paths: list[str]) -> list[str]:
    """``paths`` when each exists (or is ``-``, stdin): a path that does not is a usage error (exit
    2), not a file that could not be linted, as a typo must not read as a lint failure."""
    missing = [p for p in paths if p != "-" and not os.path.lexists(p)]
    if missing:
        raise UsageError(f"no such file or directory: {', '.join(missing)}")
    return paths


def _did_you_mean(keys: Sequence[str], rules: Sequence[object]) -> str:
    """``; did you mean PRV001 (privileged-container)?`` for the rule codes or names closest to ``keys``."""
    import difflib

    names = {}
    for rule in rules:
        meta = rule.meta  # type: ignore[attr-defined]
        names[meta.code.lower()] = names[meta.name.lower()] = f"{meta.code} ({meta.name})"
    close = []
    for key in keys:
        for match in difflib.get_close_matches(key.lower(), list(names), n=3, cutoff=0.6):
            if names[match] not in close:
                close.append(names[match])
    return f"; did you mean {' or '.join(close[:3])}?" if close else ""


def _use_color(choice: str) -> bool:
    if choice == "always":
        return True
    if choice == "never" or "NO_COLOR" in os.environ:
        return False
    return sys.stdout.isatty()


def _outputs(args: argparse.Namespace) -> list[tuple[str, str | None]]:
    outputs = [(fmt, out) for fmt, out in getattr(args, "outputs", None) or [["text", None]]]
    for fmt, _ in outputs:
        if fmt not in FORMATS:
            raise UsageError(f"unknown format {fmt!r} (choose from {', '.join(FORMATS)})")
    if sum(1 for _, out in outputs if out in (None, "-")) > 1:
        raise UsageError("several formats would write to stdout: give each but one an --output FILE")
    return outputs


def _lint(args: argparse.Namespace, settings: Settings, config: Config, quiet: bool = True) -> RunResult:
    """The run ``check`` and ``baseline`` share: the rules checked, the paths (``-``: stdin) linted."""
    registry = load_rules(settings.plugins)
    check_rule_settings(config, registry.rules)
    per_path = [s for selectors in settings.per_path_ignores.values() for s in selectors]
    unknown = unknown_selectors(registry, settings.select + settings.ignore + per_path)
    if unknown:
        raise UsageError(f"unknown rule selector(s): {', '.join(unknown)}{_did_you_mean(unknown, registry.rules)} "
                         "(see `isolint rules`)")
    paths = args.paths or ["."]
    stdin = sys.stdin.buffer.read() if "-" in paths else None
    with Progress(sys.stderr.isatty() and not quiet):
        result = run(paths, settings, registry, stdin, keep_models=False)
    if stdin is not None and not stdin.strip():  # a failed `helm template | isolint check -` is no green run
        result.errors.append(ParseError(settings.stdin_filename, "stdin is empty: nothing to lint (did the "
                                        "command before the pipe fail?)"))
    return result


def _check(args: argparse.Namespace) -> int:
    outputs = _outputs(args)
    config = _config(args)
    settings = _settings(args, config)
    default = default_baseline((args.paths or ["."])[0])  # what `isolint baseline` writes by default
    if settings.baseline is None and os.path.isfile(default) and not os.path.islink(default):
        settings.baseline = default  # never a link, which may lead out of the repository
    to_stdout = next((fmt for fmt, out in outputs if out in (None, "-")), None)
    result = _lint(args, settings, config, quiet=args.quiet or to_stdout not in (None, "text"))
    paths = args.paths or ["."]
    root = report_root(paths[0])
    gate = Gate.build(result.rules, settings.fail_on, settings.gate, settings.profile, settings.tiers)
    decided = verdict(result.diagnostics, len(result.errors), gate)
    # a directory with nothing lintable (a CI job pointed at the wrong folder) is no green run; named
    # files (pre-commit) and --changed-since may rightly hold none
    decided.nothing_linted = (not result.files and not result.errors and settings.only_files is None
                              and all(os.path.isdir(p) for p in paths))
    for fmt, out in outputs:
        report = Report(result.diagnostics, result.errors, result.files, result.rules, result.sources, root=root,
                        show_source=args.show_source, statistics=args.statistics,
                        max_annotations=args.max_annotations,
                        color=fmt == "text" and out in (None, "-") and _use_color(args.color), quiet=args.quiet,
                        hidden=(result.suppressed, result.baselined), gate=gate, verdict=decided)
        _stream(writer(fmt), report, out)  # written as it is made: a report is never whole in memory
    if to_stdout != "text" and not args.quiet:  # the text report says it in its summary
        print(f"isolint: {verdict_line(decided, gate)}", file=sys.stderr)
    if (decided.failed and not args.quiet and settings.baseline is None
            and len(result.diagnostics) + len(result.errors) > ADOPTION_HINT_AT):
        print(_adoption_hint(gate), file=sys.stderr)
    if args.exit_zero:
        return EXIT_CLEAN
    return EXIT_FINDINGS if decided.failed else EXIT_CLEAN


def _adoption_hint(gate: Gate) -> str:
    """What a failing first run on an existing repository, with more than a screenful, says once."""
    tier = ("--gate recommended fails only on what breaks or weakens isolation (the default)" if gate.strict else
            "the default gate (recommended tier) fails only on what breaks or weakens isolation; "
            "--gate strict adds hardening gaps later (`isolint rules`, column TIER)")
    return ("isolint: hint: adopting on an existing repository? `isolint baseline` records today's findings and "
            f"errors in {DEFAULT_BASELINE} at the repository root (commit it): `check` then fails only on new ones. "
            f"{tier[0].upper()}{tier[1:]}. --exit-zero reports without failing.")


def _baseline(args: argparse.Namespace) -> int:
    """``isolint baseline``: record every finding, and every file that could not be linted, so that
    ``check`` on the same tree passes and later fails only on what is new."""
    config = _config(args)
    settings = _settings(args, config)
    target = (args.paths or ["."])[0]
    baseline_file = settings.baseline or default_baseline(target)
    settings.baseline = None  # record everything there is now
    result = _lint(args, settings, config, quiet=False)
    for e in result.errors:  # recorded, but said: the run could not see into these files
        print(format_error(e), file=sys.stderr)
    try:
        _folder_of(baseline_file)
    except Outside as exc:
        raise UsageError(f"cannot write {baseline_file}: {exc.message}") from None
    except OSError as exc:
        raise UsageError(f"cannot write {baseline_file}: {exc.strerror or exc}") from None
    count = write_baseline(baseline_file, result.diagnostics, result.sources, result.errors, baseline_root(target))
    errors = len(result.errors)
    print(f"isolint: wrote {count} finding{'s' if count != 1 else ''}"
          + (f" and {errors} error{'s' if errors != 1 else ''} (files that could not be linted)" if errors else "")
          + f" to {baseline_file}", file=sys.stderr)
    return EXIT_CLEAN


def _report(args: argparse.Namespace) -> int:
    """``isolint report``: the advisor's verdict per workload. Exits 0 whatever it finds: it informs,
    ``check`` gates."""
    settings = _settings(args, _config(args))
    paths = args.paths or ["."]
    stdin = sys.stdin.buffer.read() if "-" in paths else None
    registry = load_rules(settings.plugins)
    result = run(paths, settings, registry, stdin)
    assert result.context is not None
    gate = Gate.build(result.rules, settings.fail_on, settings.gate, settings.profile, settings.tiers)
    assessments = assess(result.models, result.diagnostics, result.context, gate)
    if args.format == "markdown":
        text = advisor_markdown.render(assessments, len(result.errors), max_rows=args.max_rows)
    elif args.format == "json":
        text = advisor_json.render(assessments, result.errors)
    else:
        text = advisor_table.render(assessments, len(result.errors))
    _write(text, args.output)
    return EXIT_CLEAN


def _fix(args: argparse.Namespace) -> int:
    """``isolint fix`` (and ``check --fix``): lint, apply the fixes, lint again until nothing changes."""
    config = _config(args)
    settings = _settings(args, config)
    paths = args.paths or ["."]
    if "-" in paths:
        raise UsageError("fix edits files: it cannot read stdin")
    registry = load_rules(settings.plugins)
    metas = {r.code: r.meta for r in registry.rules}

    def lint():
        result = run(paths, settings, registry, None, keep_models=False)
        return list(result.diagnostics), metas

    roots = [run_root(p) for p in paths]

    def read(path: str) -> str | None:
        """The file as it is, byte for byte, if it lies inside a root of the run."""
        real = next(filter(None, (inside(path, root) for root in roots)), None)
        if real is None or not os.path.isfile(real):
            return None
        try:
            with open(real, "rb") as handle:
                return handle.read().decode("utf-8")
        except (OSError, UnicodeDecodeError):
            return None

    def write(path: str, text: str) -> None:
        with open(os.path.realpath(path), "wb") as handle:
            handle.write(text.encode("utf-8"))

    outcome = fix_paths(lint, read, write, args.unsafe_fixes, args.diff)
    if args.diff:
        for path, (before, after) in sorted(outcome.changed.items()):
            sys.stdout.write(unified_diff(Planned(path, before, after)))
    else:
        for path in sorted(outcome.changed):
            print(f"fixed {path}")
    total = sum(outcome.fixed.values())
    verb = "would fix" if args.diff else "fixed"
    per_rule = ", ".join(f"{code} {n}" for code, n in sorted(outcome.fixed.items()))
    print(f"isolint: {verb} {total} finding{'s' if total != 1 else ''} in {len(outcome.changed)} "
          f"file{'s' if len(outcome.changed) != 1 else ''}" + (f" ({per_rule})" if per_rule else ""), file=sys.stderr)
    for code, place, why in outcome.skipped:
        print(f"isolint: {place}: {code} not fixed: {why}", file=sys.stderr)
    for code, place, change, values in outcome.templates:
        where = f"; the chart sets it at {values}" if values else ""
        print(f"isolint: {place}: {code} is in a Helm template, not rewritten: the rendered manifest needs: "
              f"{change}{where}", file=sys.stderr)
    if outcome.unsafe_available and not args.unsafe_fixes:
        print(f"isolint: {outcome.unsafe_available} more fix{'es' if outcome.unsafe_available != 1 else ''} "
              "available with --unsafe-fixes", file=sys.stderr)
    if args.diff:
        return EXIT_FINDINGS if outcome.changed else EXIT_CLEAN
    gate = Gate.build(registry.rules, settings.fail_on, settings.gate, settings.profile, settings.tiers)
    decided = verdict(outcome.remaining, 0, gate)  # what is left after fixing, judged as check judges it
    print(f"isolint: after fixing: {verdict_line(decided, gate)}", file=sys.stderr)
    if args.exit_zero:
        return EXIT_CLEAN
    return EXIT_FINDINGS if decided.failed else EXIT_CLEAN


def _write(text: str, destination: str | None) -> None:
    if destination in (None, "-"):
        sys.stdout.write(text)
        sys.stdout.flush()
        return
    try:
        _folder_of(destination)
        with open_for_writing(destination) as handle:
            handle.write(text)
    except (OSError, ReadError) as exc:
        raise UsageError(f"cannot write {destination}: {getattr(exc, 'message', None) or exc.strerror or exc}") \
            from None


def _folder_of(destination: str) -> None:
    """Create the folders ``--output reports/isolint.sarif`` needs (CI jobs start with none), only
    under a folder that is not a link out of its repository (as :func:`open_for_writing` checks)."""
    folder = os.path.dirname(os.path.abspath(destination))
    existing = folder
    while not os.path.lexists(existing):
        existing = os.path.dirname(existing)
    if existing != folder:
        if not is_inside(os.path.realpath(existing), run_root(existing)):
            raise Outside(NOT_WRITTEN)
        os.makedirs(folder, exist_ok=True)


def _stream(write: Writer, report: Report, destination: str | None) -> None:
    """:func:`_write` for a report written piece by piece."""
    if destination in (None, "-"):
        write(report, sys.stdout)
        sys.stdout.flush()
        return
    try:
        _folder_of(destination)
        with open_for_writing(destination) as handle:
            write(report, handle)
    except (OSError, ReadError) as exc:
        raise UsageError(f"cannot write {destination}: {getattr(exc, 'message', None) or exc.strerror or exc}") \
            from None


def _rules(fmt: str = "text") -> int:
    from .registry import load_rules

    registry = load_rules()
    if fmt == "json":
        import json

        rules = [{"code": r.meta.code, "name": r.meta.name, "summary": r.meta.summary,
                  "severity": r.meta.severity.label, "default": r.meta.default, "tier": tier_of(r),
                  "formats": [f.value for f in r.meta.formats], "profiles": list(r.meta.profiles),
                  "fix": r.meta.fix.value if r.meta.fix is not None else None} for r in registry.rules]
        print(json.dumps({"rules": rules}, indent=2, ensure_ascii=False))
        for error in registry.errors:
            print(f"isolint: warning: {error}", file=sys.stderr)
        return EXIT_CLEAN
    rows = [("CODE", "NAME", "SEVERITY", "TIER", "FORMATS", "PROFILES", "FIX")]
    for rule in registry.rules:
        meta = rule.meta
        rows.append((meta.code, meta.name, meta.severity.label + ("" if meta.default else " (off)"), tier_of(rule),
                     ",".join(f.value for f in meta.formats), ",".join(meta.profiles) or "-",
                     meta.fix.value if meta.fix is not None else "-"))
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    for row in rows:
        print("  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip())
    for error in registry.errors:
        print(f"isolint: warning: {error}", file=sys.stderr)
    return EXIT_CLEAN


def _explain(key: str) -> int:
    registry = load_rules()
    rule = registry.find(key)
    if rule is None:
        raise UsageError(f"no rule {key!r}{_did_you_mean([key], registry.rules)} (see `isolint rules`)")
    meta = rule.meta
    print(f"# {meta.code} {meta.name}\n")
    print(f"{meta.summary}\n")
    print(f"Severity: {meta.severity.label}" + ("" if meta.default else " (off by default)"))
    print(f"Formats: {', '.join(f.value for f in meta.formats)}")
    if meta.profiles:
        print(f"Profiles: {', '.join(meta.profiles)}")
    if meta.fix is not None:
        flag = " --unsafe-fixes" if meta.fix.value == "unsafe" else ""
        print(f"Fix: {meta.fix.value} (isolint fix{flag})")
    print()
    print(rule.doc)
    return EXIT_CLEAN


if __name__ == "__main__":  # pragma: no cover
    sys.exit(console())


def settings_from_argv(argv: Sequence[str]) -> Settings:
    """The settings ``isolint <argv>`` would run with (its configuration file, then its options), for
    tools and tests that drive :func:`isolint.runner.run` in-process: ``settings_from_argv(["check",
    "--select", "PRV", "deploy/"])``."""
    return _settings(build_parser().parse_args(list(argv)))
