"""## What it does
Flags code downloaded and run in one step: `curl ... | sh`, `wget -qO- ... | sudo bash -s --`,
`curl ... | python3 -`, `sh -c "$(curl ...)"`, `bash <(wget -O- ...)`, `eval "$(curl ...)"` and
PowerShell `iwr ... | iex` / `iex (...DownloadString(...))`. It reads `RUN` scripts of every stage
(shell form, exec form, heredoc scripts, `sh -c` scripts inside them) and the command of Compose
services and Kubernetes containers. An interpreter that does not run its input (`python -c
'json.load(sys.stdin)'`) and comments or quoted text (`echo "curl x | sh"`) are not reported.

## Why is this bad?
Unverified code from the network runs as root at build time (or inside the running container)
with whatever credentials are around. A compromised endpoint, CDN or a network attacker becomes
code execution in every image built from this file.

## Example
```dockerfile
FROM debian:12-slim
RUN curl -fsSL https://example.com/install.sh | sh
```

## Use instead
```dockerfile
FROM debian:12-slim
ARG INSTALL_SHA256=6f1c0c2b5f0e8a0f0a7e1d3c5b9a8f7e6d5c4b3a2918f7e6d5c4b3a2918f7e6d
RUN curl -fsSLo /tmp/install.sh https://example.com/install.sh \
 && echo "${INSTALL_SHA256}  /tmp/install.sh" | sha256sum -c - \
 && sh /tmp/install.sh && rm /tmp/install.sh
```
Better still: install a signed package from the distribution, or `ADD --checksum=...`.

## References
- CIS Docker Benchmark 4.11 "Ensure only verified packages are installed"
"""

import re
from collections.abc import Iterator

from isolint import Container, Context, Finding, Rule, Severity, Workload
from isolint.helpers import (
    Command,
    build_stages,
    instruction_node,
    instructions,
    pipelines,
    run_scripts,
    shell_script_argument,
    simple_command,
)

RULE = Rule(
    code="SC005",
    name="remote-script-piped-to-shell",
    severity=Severity.HIGH,
    summary="A downloaded script is piped straight into a shell or interpreter",
    references=("CIS Docker 4.11",),
)
DOWNLOADERS = frozenset({"curl", "wget", "fetch", "aria2c", "http", "https"})
INTERPRETER = r"^((ba|da|z|k|mk)?sh|ash|python[0-9.]*|pypy[0-9.]*|perl|ruby|node|nodejs|php[0-9.]*)$"
INLINE_CODE_OPTIONS = frozenset({"-c", "-e", "-E", "-m", "-r", "-p", "--eval", "--print"})
SUBSTITUTED_DOWNLOAD = r"(\$\(|`|<\()\s*(\S*/)?(curl|wget|fetch)\b"
POWERSHELL = (
    r"(?i)\b(iwr|Invoke-WebRequest|irm|Invoke-RestMethod|curl|wget)\b[^|\n]*\|\s*(iex|Invoke-Expression)\b"
    r"|\b(iex|Invoke-Expression)\b[^\n]*\.Download(String|Data)\s*\(")


def _runs_stdin(words: Command) -> bool:
    """``words`` is an interpreter that executes what arrives on its standard input."""
    if not re.match(INTERPRETER, words[0]):
        return False
    options = [word for word in words[1:] if word.startswith("-")]
    if any(option in INLINE_CODE_OPTIONS for option in options):
        return False
    positional = [word for word in words[1:] if not word.startswith("-")]
    return not positional or "-" in words[1:] or "-s" in options or positional[0] == "/dev/stdin"


def _command_problem(words: Command) -> str | None:
    if (re.match(INTERPRETER, words[0]) or words[0] in ("eval", "source", ".")) \
            and any(re.search(SUBSTITUTED_DOWNLOAD, word) for word in words[1:]):
        return f"{words[0]} runs a script downloaded in a command substitution"
    return None


def script_problem(script: str) -> str | None:
    """Why ``script`` runs downloaded code unverified, or None."""
    if re.search(POWERSHELL, script):
        return "PowerShell pipes a download into Invoke-Expression"
    for pipeline in pipelines(script):
        downloader = None
        for command in pipeline:
            words = simple_command(command)
            if not words:
                continue
            if downloader is not None and _runs_stdin(words):
                return f"{downloader} output is piped into {words[0]}"
            problem = _command_problem(words)
            if problem is not None:
                return problem
            if words[0] in DOWNLOADERS:
                downloader = words[0]
    return None


def _container_problem(container: Container) -> str | None:
    words = tuple(value.value for value in (*container.command, *container.args))
    if not words:
        return None
    script = shell_script_argument(words)
    if script is not None:
        return script_problem(script)
    words = simple_command(words)
    return _command_problem(words) if words else None


def check(workload: Workload, ctx: Context) -> Iterator[Finding]:
    main = workload.main_container
    for instruction in instructions(build_stages(workload), "RUN"):
        problem = next(filter(None, map(script_problem, run_scripts(instruction))), None)
        if problem is not None:
            yield Finding(instruction_node(workload, instruction), problem, main)
    for container in workload.containers:
        problem = _container_problem(container)
        if problem is not None:
            node = (container.command or container.args)[0]
            yield Finding(node, f"container {container.display_name!r}: {problem}", container)
