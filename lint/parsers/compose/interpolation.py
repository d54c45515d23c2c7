"""Compose variable interpolation (``$VAR``, ``${VAR:-default}`` ...) and ``.env`` files, as compose-go
reads them. Pure functions of text: nothing here touches the filesystem or the environment."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping

VARIABLE = re.compile(r"[_A-Za-z][_A-Za-z0-9]*")
DOTENV_KEY = r"[_A-Za-z][_A-Za-z0-9.-]*"


class InterpolationError(ValueError):
    pass


class Interpolated(str):
    """A string produced by interpolation; ``raw`` is the source text, ``certain`` is False when an
    unset variable was used (its default taken, or nothing)."""

    raw: str
    certain: bool

    def __new__(cls, value: str, raw: str, certain: bool) -> Interpolated:
        obj = super().__new__(cls, value)
        obj.raw = raw
        obj.certain = certain
        return obj


Lookup = Callable[[str], "str | None"]


def interpolate(text: str, lookup: Lookup) -> tuple[str, bool]:
    """Substitute ``$VAR``/``${VAR...}`` in ``text``; return the result and whether every variable
    it used was set. Raises :class:`InterpolationError` on a malformed ``${...}``."""
    out, certain, _ = _interpolate_until(text, 0, lookup, closing=False)
    return out, certain


def _interpolate_until(text: str, start: int, lookup: Lookup, closing: bool) -> tuple[str, bool, int]:
    """Scan from ``start``; when ``closing``, stop at the ``}`` that ends the enclosing ``${``."""
    out: list[str] = []
    certain = True
    i = start
    while i < len(text):
        char = text[i]
        if closing and char == "}":
            return "".join(out), certain, i
        if char != "$":
            out.append(char)
            i += 1
            continue
        nxt = text[i + 1] if i + 1 < len(text) else ""
        if nxt == "$":
            out.append("$")
            i += 2
        elif nxt == "{":
            value, ok, i = _braced(text, i + 2, lookup)
            out.append(value)
            certain = certain and ok
        else:
            match = VARIABLE.match(text, i + 1)
            if match is None:  # a lone "$" stays as written, as in compose-go
                out.append("$")
                i += 1
                continue
            value = lookup(match.group())
            certain = certain and value is not None
            out.append(value or "")
            i = match.end()
    if closing:
        raise InterpolationError("unterminated '${'")
    return "".join(out), certain, i


def _braced(text: str, start: int, lookup: Lookup) -> tuple[str, bool, int]:
    """Evaluate ``${...}`` whose name starts at ``start``; return value, certainty, index after ``}``."""
    match = VARIABLE.match(text, start)
    if match is None:
        raise InterpolationError(f"invalid variable name in '${{{text[start:start + 20]}'")
    name = match.group()
    i = match.end()
    value = lookup(name)
    is_set = value is not None
    if i < len(text) and text[i] == "}":
        return value or "", is_set, i + 1
    operator = ""
    if text.startswith(":", i):
        operator, i = ":", i + 1
    if i >= len(text) or text[i] not in "-?+":
        raise InterpolationError(f"invalid interpolation format for '${{{name}'")
    operator += text[i]
    word_start = i + 1
    # Only the branch taken is evaluated, so only its variables count towards certainty.
    empty = not value
    use_word = {":-": empty, "-": not is_set, ":+": not empty, "+": is_set}.get(operator, False)
    if operator in (":?", "?"):
        missing = empty if operator == ":?" else not is_set
        _, _, end = _interpolate_until(text, word_start, lookup, closing=True)
        # A required variable that is unset makes Compose fail; without it the value is unknown.
        return ("" if missing else value or ""), is_set and not missing, end + 1
    word, word_certain, end = _interpolate_until(text, word_start, lookup, closing=True)
    if use_word:
        return word, is_set and word_certain, end + 1
    result = "" if operator in (":+", "+") else value or ""
    return result, is_set, end + 1


def read_dotenv(text: str, environ: Mapping[str, str]) -> dict[str, str]:
    """``KEY=VALUE`` lines of a ``.env`` file (comments, ``export``, quotes, ``${VAR}`` in values)."""
    values: dict[str, str] = {}

    def lookup(name: str) -> str | None:
        return environ[name] if name in environ else values.get(name)

    lines = text.splitlines()
    index = 0
    while index < len(lines):
        line = lines[index].strip()
        index += 1
        if not line or line.startswith("#"):
            continue
        if line.startswith("export "):
            line = line[len("export "):].lstrip()
        key, sep, rest = line.partition("=")
        key = key.strip()
        if not sep or not re.fullmatch(DOTENV_KEY, key):
            continue
        rest = rest.strip()
        if rest[:1] in ("'", '"'):
            quote = rest[0]
            body = rest[1:]
            while _closing_quote(body, quote) < 0 and index < len(lines):
                body += "\n" + lines[index]
                index += 1
            close = _closing_quote(body, quote)
            body = body[:close] if close >= 0 else body
            if quote == '"':
                body = _unescape(body)
                body = _expand_quietly(body, lookup)
            values[key] = body
        else:
            comment = rest.find(" #")
            body = (rest[:comment] if comment >= 0 else rest).strip()
            values[key] = _expand_quietly(body, lookup)
    return values


def _closing_quote(body: str, quote: str) -> int:
    i = 0
    while i < len(body):
        if body[i] == "\\" and quote == '"':
            i += 2
            continue
        if body[i] == quote:
            return i
        i += 1
    return -1


def _unescape(body: str) -> str:
    replacements = {"n": "\n", "t": "\t", "r": "\r", '"': '"', "\\": "\\", "$": "$$"}
    return re.sub(r"\\(.)", lambda m: replacements.get(m.group(1), m.group(0)), body)


def _expand_quietly(body: str, lookup: Lookup) -> str:
    try:
        return interpolate(body, lookup)[0]
    except InterpolationError:
        return body
