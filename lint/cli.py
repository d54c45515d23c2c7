"""The ``isolint`` command: ``check``, ``rules``, ``explain``.

Exit codes: 0 clean (nothing at or above ``--fail-on``), 1 findings or files that could not be
read, 2 usage or configuration error.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence

from . import __version__
from .rule import Severity

EXIT_CLEAN, EXIT_FINDINGS, EXIT_USAGE = 0, 1, 2


class UsageError(Exception):
    pass


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        self.print_usage(sys.stderr)
        self.exit(EXIT_USAGE, f"{self.prog}: error: {message}\n")


def _split(values: list[str] | None) -> list[str]:
    return [part.strip() for value in values or () for part in value.split(",") if part.strip()]


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="isolint", description="Lint container isolation in Dockerfiles, Compose files and "
                                                 "Kubernetes manifests.")
    parser.add_argument("--version", action="version", version=f"isolint {__version__}")
    sub = parser.add_subparsers(dest="command", parser_class=_Parser)

    check = sub.add_parser("check", help="lint files and directories (default: .)")
    check.add_argument("paths", nargs="*", default=None, help="files or directories; - reads stdin")
    check.add_argument("--format", default="text", help="output format: text, json")
    check.add_argument("--select", action="append", help="rule codes, names or group prefixes to run")
    check.add_argument("--ignore", action="append", help="rule codes, names or group prefixes to skip")
    check.add_argument("--profile", choices=("pss-baseline", "pss-restricted"),
                       help="run exactly the rules of a Pod Security Standards level")
    check.add_argument("--fail-on", default=None, help="lowest severity that fails the run (default: low)")
    check.add_argument("--kubernetes-version", default=None, help="target Kubernetes version (default: 1.37)")
    check.add_argument("--exclude", action="append", help="glob of paths to skip (repeatable)")
    check.add_argument("--no-gitignore", action="store_true", help="lint files .gitignore excludes too")
    check.add_argument("--stdin-kind", choices=("kubernetes", "compose", "dockerfile"),
                       help="kind of the stream read from -")
    check.add_argument("--stdin-filename", default="<stdin>", help="path to report for -")
    check.add_argument("--max-file-size", type=int, default=None, help="skip files larger than this many bytes")
    check.add_argument("--color", choices=("auto", "always", "never"), default="auto")

    sub.add_parser("rules", help="list every rule")
    explain = sub.add_parser("explain", help="print a rule's documentation")
    explain.add_argument("rule", help="rule code or name")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    parser = build_parser()
    if not argv or (argv[0] not in ("check", "rules", "explain") and not argv[0].startswith("-")):
        argv.insert(0, "check")
    if argv and argv[0].startswith("-") and argv[0] not in ("-h", "--help", "--version"):
        argv.insert(0, "check")
    args = parser.parse_args(argv)
    try:
        if args.command == "rules":
            return _rules()
        if args.command == "explain":
            return _explain(args.rule)
        return _check(args)
    except UsageError as exc:
        print(f"isolint: error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except BrokenPipeError:
        return EXIT_CLEAN


def _settings(args: argparse.Namespace):
    from .settings import Settings, parse_version

    settings = Settings()
    settings.select = _split(args.select)
    settings.ignore = _split(args.ignore)
    settings.profile = args.profile
    settings.exclude = _split(args.exclude)
    settings.gitignore = not args.no_gitignore
    settings.stdin_kind = args.stdin_kind
    settings.stdin_filename = args.stdin_filename
    try:
        if args.fail_on is not None:
            settings.fail_on = Severity.parse(args.fail_on)
        if args.kubernetes_version is not None:
            settings.kubernetes_version = parse_version(args.kubernetes_version)
    except ValueError as exc:
        raise UsageError(str(exc)) from None
    if args.max_file_size is not None:
        settings.max_file_size = args.max_file_size
    return settings


def _use_color(choice: str) -> bool:
    if choice == "always":
        return True
    if choice == "never" or "NO_COLOR" in os.environ:
        return False
    return sys.stdout.isatty()


def _check(args: argparse.Namespace) -> int:
    from .registry import load_rules, unknown_selectors
    from .reporters import FORMATS, Report, renderer
    from .runner import run

    if args.format not in FORMATS:
        raise UsageError(f"unknown format {args.format!r} (choose from {', '.join(FORMATS)})")
    settings = _settings(args)
    registry = load_rules(settings.plugins)
    unknown = unknown_selectors(registry, settings.select + settings.ignore)
    if unknown:
        raise UsageError(f"unknown rule selector(s): {', '.join(unknown)} (see `isolint rules`)")
    paths = args.paths or ["."]
    stdin = sys.stdin.buffer.read() if "-" in paths else None
    result = run(paths, settings, registry, stdin)
    sources = {m.path: m.lines for m in result.models if m.lines}
    report = Report(result.diagnostics, result.errors, result.files, result.rules, sources,
                    color=args.format == "text" and _use_color(args.color))
    sys.stdout.write(renderer(args.format)(report))
    sys.stdout.flush()
    failing = any(d.severity >= settings.fail_on for d in result.diagnostics)
    return EXIT_FINDINGS if failing or result.errors else EXIT_CLEAN


def _rules() -> int:
    from .registry import load_rules

    registry = load_rules()
    rows = [("CODE", "NAME", "SEVERITY", "FORMATS", "PROFILES")]
    for rule in registry.rules:
        meta = rule.meta
        rows.append((meta.code, meta.name, meta.severity.label + ("" if meta.default else " (off)"),
                     ",".join(f.value for f in meta.formats), ",".join(meta.profiles) or "-"))
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    for row in rows:
        print("  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip())
    for error in registry.errors:
        print(f"isolint: warning: {error}", file=sys.stderr)
    return EXIT_CLEAN


def _explain(key: str) -> int:
    from .registry import load_rules

    rule = load_rules().find(key)
    if rule is None:
        raise UsageError(f"no rule {key!r} (see `isolint rules`)")
    meta = rule.meta
    print(f"# {meta.code} {meta.name}\n")
    print(f"{meta.summary}\n")
    print(f"Severity: {meta.severity.label}" + ("" if meta.default else " (off by default)"))
    print(f"Formats: {', '.join(f.value for f in meta.formats)}")
    if meta.profiles:
        print(f"Profiles: {', '.join(meta.profiles)}")
    print()
    print(rule.doc)
    return EXIT_CLEAN


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
