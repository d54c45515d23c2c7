"""The one adapter between isolint and a Helm renderer: ``render(archive, ...)`` -> template path -> text.

Renderers, in this order: the ``helm`` binary named by the ``[helm] binary`` setting or found on
``PATH``; else Helm's Go SDK in-process through the PyPI package ``helm-python-sdk`` (import
``helm_python``; ``pip install 'isolint[helm]'``). Both get the chart as a ``.tgz`` archive that
isolint built from files it read itself (:mod:`isolint.render.charts`), so a renderer never opens a
file of the repository: no link out of it, no ``.helmignore`` surprise. Neither contacts a cluster
or the network: ``helm template`` without ``--validate`` or ``--dependency-update``, plug-ins off
(``HELM_PLUGINS`` an empty folder), no post-renderer; the SDK renders offline (``lookup`` returns
nothing). Rendering a chart costs about 0.3 s with the SDK.

``kube_version`` and ``api_versions`` (``.Capabilities``) work with both: ``--kube-version`` and
``--api-versions`` for the binary; for the SDK, helm-python-sdk 0.2.2's ``Chart.render`` has no
parameter for them but its library's render options take ``kube_version`` and ``api_versions``
(Helm's own), so the adapter passes them there (:func:`_render_sdk`); a later release whose
``render`` takes them is called with them.
"""

from __future__ import annotations

import contextlib
import inspect
import json
import os
import re
import shutil
import subprocess
import tempfile
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from ..sources import excerpt

INSTALL_HINT = ("no Helm renderer: install one (`pip install 'isolint[helm]'`, or put `helm` on PATH), "
                "or exclude the chart on purpose (`--exclude {chart}`, or `exclude = [\"{chart}\"]` in the "
                "configuration)")
SOURCE = re.compile(r"^# Source: (.+?)\s*$", re.M)
TIMEOUT = 120  # seconds for one chart


class RenderError(Exception):
    """A chart that cannot be rendered; ``message`` is the renderer's own."""

    def __init__(self, message: str) -> None:
        message = re.sub(r"[ \t]*\n\s*", " ", message.strip())  # Helm v4 indents the causes on lines of their own
        super().__init__(message)
        self.message = message


def binary(configured: str | None = None) -> str | None:
    return configured or shutil.which("helm")


def sdk_available() -> bool:
    try:
        import helm_python  # noqa: F401
    except (ImportError, OSError):
        return False
    return True


def available(configured: str | None = None) -> bool:
    return binary(configured) is not None or sdk_available()


@dataclass(frozen=True, slots=True)
class Request:
    """How to render a chart: ``values`` (the configured values files, merged) then ``set_values``
    (``--set`` expressions, parsed by Helm: ``--set`` for the binary, ``parse_set_string`` for the
    SDK) over the chart's own; ``kube_version`` and ``api_versions`` fill ``.Capabilities``."""

    values: Mapping[str, Any]
    release: str
    namespace: str
    kube_version: str | None = None
    api_versions: Sequence[str] = ()
    set_values: Sequence[str] = ()


def render(archive: bytes, request: Request, configured_binary: str | None = None, chart: str = "<chart>"
           ) -> dict[str, str]:
    """The chart in ``archive`` rendered: template path (``<chart>/templates/x.yaml``) -> text.
    ``chart``: the chart's path in the repository, for the message saying how to exclude it."""
    helm = binary(configured_binary)
    if helm is not None:
        return _render_binary(helm, archive, request)
    if not sdk_available():
        raise RenderError(INSTALL_HINT.format(chart=chart))
    return _render_sdk(archive, request)


def merge(into: dict[str, Any], other: Mapping[str, Any]) -> None:
    """``other`` merged into ``into`` as Helm merges values files: maps key by key, anything else replaced."""
    for key, value in other.items():
        if isinstance(value, dict) and isinstance(into.get(key), dict):
            merge(into[key], value)
        else:
            into[key] = value


def _render_sdk(archive: bytes, request: Request) -> dict[str, str]:
    import helm_python

    values = dict(request.values)
    for expression in request.set_values:
        try:
            merge(values, helm_python.parse_set_string(expression))
        except helm_python.HelmError as exc:
            raise RenderError(f"set {excerpt(expression)}: {exc}") from None
    capabilities = {"kube_version": request.kube_version, "api_versions": list(request.api_versions)}
    capabilities = {key: value for key, value in capabilities.items() if value}
    try:
        with _quiet_stderr(), helm_python.Chart.load_archive(archive) as chart:
            parameters = inspect.signature(chart.render).parameters
            if all(key in parameters for key in capabilities):
                return chart.render(values, name=request.release, namespace=request.namespace, **capabilities)
            from helm_python import _native  # the library's own render call, with the options render() lacks

            options = {"name": request.release, "namespace": request.namespace, **capabilities}
            return json.loads(_native.call_string("helm_render", chart._raw(), json.dumps(values),
                                                  json.dumps(options)))
    except helm_python.HelmError as exc:
        raise RenderError(str(exc)) from None


@contextlib.contextmanager
def _quiet_stderr() -> Iterator[None]:
    """Go's own logger writes chart-loading warnings (``Dependencies are handled in Chart.yaml since
    apiVersion "v2"``) straight to file descriptor 2: not for a linter's output."""
    saved = os.dup(2)
    try:
        with open(os.devnull, "wb") as null:
            os.dup2(null.fileno(), 2)
        yield
    finally:
        os.dup2(saved, 2)
        os.close(saved)


def _render_binary(helm: str, archive: bytes, request: Request) -> dict[str, str]:
    with tempfile.TemporaryDirectory(prefix="isolint-helm-") as tmp:
        chart, values_file, plugins = (os.path.join(tmp, n) for n in ("chart.tgz", "values.json", "plugins"))
        os.mkdir(plugins)
        with open(chart, "wb") as out:
            out.write(archive)
        with open(values_file, "w", encoding="utf-8") as out:
            json.dump(dict(request.values), out)
        command = [helm, "template", "--namespace", request.namespace, "--values", values_file]
        for expression in request.set_values:
            command += ["--set", expression]
        if request.kube_version:
            command += ["--kube-version", request.kube_version]
        for version in request.api_versions:
            command += ["--api-versions", version]
        command += ["--", request.release, chart]  # a release name spelled like a flag stays a name
        env = {"PATH": os.environ.get("PATH", ""), "HOME": tmp, "HELM_PLUGINS": plugins,
               "HELM_CACHE_HOME": tmp, "HELM_CONFIG_HOME": tmp, "HELM_DATA_HOME": tmp, "HELM_NO_PLUGINS": "1"}
        try:
            done = subprocess.run(command, capture_output=True, text=True, timeout=TIMEOUT, env=env, cwd=tmp,
                                  stdin=subprocess.DEVNULL, check=False)
        except (OSError, subprocess.TimeoutExpired) as exc:
            raise RenderError(f"{helm}: {exc}") from None
    if done.returncode != 0:
        message = done.stderr.strip().replace(tmp, "<chart>") or f"helm exited with {done.returncode}"
        raise RenderError(message.removeprefix("Error: "))
    return split_sources(done.stdout)


def split_sources(stream: str) -> dict[str, str]:
    """``helm template`` output split by its ``# Source: <chart>/templates/x.yaml`` comments (several
    documents of one template joined again)."""
    out: dict[str, list[str]] = {}
    for source, _, chunk in documents(stream):
        if source is not None:
            out.setdefault(source, []).append(chunk.strip("\n"))
    return {path: "\n---\n".join(chunks) + "\n" for path, chunks in out.items()}


def documents(stream: str) -> list[tuple[str | None, int, str]]:
    """The documents of a rendered stream: ``(# Source: path or None, first line, text)``."""
    out = []
    line = 1
    for chunk in re.split(r"(?<=\n)(?=---[ \t]*\n)|^(?=---[ \t]*\n)", stream):
        if chunk:
            match = SOURCE.search(chunk)
            out.append((match.group(1) if match else None, line, chunk))
            line += chunk.count("\n")
    return out
