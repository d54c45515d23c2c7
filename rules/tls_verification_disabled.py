"""## What it does
Flags build steps that switch off TLS or signature verification, in any stage: `curl -k` /
`--insecure`, `wget --no-check-certificate`, `pip --trusted-host`, `npm|yarn|pnpm config set
strict-ssl false`, `git -c http.sslVerify=false`, `apk add --allow-untrusted`, `apt-get
--allow-unauthenticated`, `[trusted=yes]` apt sources, `yum|dnf --nogpgcheck`, `rpm --nosignature` / `--noverify`,
`gpgcheck=0` / `sslverify=0`, and the variables `GIT_SSL_NO_VERIFY` (to any value: git only asks
whether it is set), `PYTHONHTTPSVERIFY=0`, `NODE_TLS_REJECT_UNAUTHORIZED=0`, `PIP_TRUSTED_HOST`,
`NPM_CONFIG_STRICT_SSL=false` set in `ENV`, as an `ARG` default (in the environment of every later
`RUN`) or on a command. npm's `config set`, `c set` and `set` spellings, with `key value` or
`key=value`, are all read. `RUN` scripts (shell, exec, heredoc), `ONBUILD` triggers and heredoc
file contents are read; words in comments are not, nor `echo`/`printf` text in a step that writes
no file (no redirection, no `tee`). A `[trusted=yes]` source for a local `file:` repository (built in the same
step, as the official `postgres` image does) is not reported: no network is involved.

## Why is this bad?
Without verification a network attacker, a compromised mirror or a hijacked DNS name can
substitute the packages and scripts that are then installed as root into the image, and the
image carries that code into every environment it is deployed to.

## Example
```dockerfile
FROM python:3.12-slim
RUN pip install --trusted-host pypi.example.com internal-package
RUN curl -k https://example.com/tool -o /usr/local/bin/tool
```

## Use instead
Keep verification on and make it succeed: install the internal CA into the image's trust store
(or mount it with `RUN --mount=type=secret`), import the repository's signing key, and pin
package hashes (`pip install --require-hashes`).

## References
- CIS Docker Benchmark 4.11 "Ensure only verified packages are installed"
"""

import re
from collections.abc import Iterator

from isolint import Context, Finding, Format, Instruction, Rule, Severity, Workload
from isolint.helpers import (
    Command,
    build_stages,
    commands,
    env_assignments,
    instruction_node,
    instructions,
    run_data,
    run_scripts,
    simple_command,
)

RULE = Rule(
    code="SC007",
    name="tls-verification-disabled",
    severity=Severity.MEDIUM,
    summary="A build step disables TLS certificate or package signature verification",
    formats=(Format.DOCKERFILE, Format.COMPOSE),
    references=("CIS Docker 4.11",),
)
# git switches verification off when GIT_SSL_NO_VERIFY is set at all, to 0 or empty too
# (http.c: ``if (getenv("GIT_SSL_NO_VERIFY"))``).
INSECURE_VARIABLES = (
    r"(?i)^(GIT_SSL_NO_VERIFY=.*|PYTHONHTTPSVERIFY=0|NODE_TLS_REJECT_UNAUTHORIZED=0"
    r"|PIP_TRUSTED_HOST=.+|NPM_CONFIG_STRICT_SSL=false|YARN_STRICT_SSL=false|CURL_INSECURE=(1|true))$")
INSECURE_OPTIONS = {
    "wget": ("--no-check-certificate",),
    "pip": ("--trusted-host",), "pip3": ("--trusted-host",), "uv": ("--trusted-host", "--allow-insecure-host"),
    "apk": ("--allow-untrusted",),
    "apt-get": ("--allow-unauthenticated", "--allow-insecure-repositories", "--force-yes"),
    "apt": ("--allow-unauthenticated", "--allow-insecure-repositories"),
    "yum": ("--nogpgcheck",), "dnf": ("--nogpgcheck",), "microdnf": ("--nogpgcheck",), "tdnf": ("--nogpgcheck",),
    "zypper": ("--no-gpg-checks",),
    # --noverify skips rpm's pre-install verification pass, where rpm >= 4.14.2 enforces
    # %_pkgverify_level (signature and digest checks)
    "rpm": ("--nosignature", "--nodigest", "--noverify"),
}
INSECURE_TEXT = (
    r"(?im)\[([^]]*[\s\[])?trusted=yes\b[^]]*\](?!\s*(file|copy|cdrom):)|(^|[\s/'\"=.]|\\n)(gpgcheck|sslverify|repo_gpgcheck)\s*=\s*(0|false|no)\b"
    r"|Verify-Peer\s*=?\s*\"?false|AllowUnauthenticated\s*=?\s*\"?true")
PACKAGE_MANAGERS = ("npm", "yarn", "pnpm")
# ``npm config set``, its aliases ``npm c set`` and ``npm set``; npm 7+ also takes ``key=value``.
CONFIG_SET = (r"(?i)^(-\S+\s+)*((config|c)\s+)?set\s+(-\S+\s+)*strict-ssl(=|\s+)false(\s+-\S+)*$"
              r"|(^|\s)--strict-ssl(=|\s+)false(\s|$)")
WRITERS = ("echo", "printf")
WRITES_FILE = r">|\btee\b"
GIT_SSL_OFF = r"(?i)\bhttp\.sslverify(=|\s+)(false|0)\b"


def _command_problem(command: Command, writes_file: bool) -> str | None:
    for word in command:
        if re.match(INSECURE_VARIABLES, word):
            return f"{word} turns verification off"
    words = simple_command(command)
    if not words:
        return None
    text = " ".join(words)
    if words[0] == "curl" and any(w in ("-k", "--insecure") or (re.fullmatch(r"-[a-zA-Z]+", w) and "k" in w)
                                  for w in words[1:]):
        return "curl -k/--insecure skips certificate verification"
    for option in INSECURE_OPTIONS.get(words[0], ()):
        if any(word == option or word.startswith(option + "=") for word in words[1:]):
            return f"{words[0]} {option} skips verification"
    if words[0] in PACKAGE_MANAGERS and re.search(CONFIG_SET, " ".join(words[1:])):
        return f"{words[0]} strict-ssl false skips certificate verification"
    if words[0] == "git" and re.search(GIT_SSL_OFF, text):
        return "git http.sslVerify=false skips certificate verification"
    if words[0] in WRITERS and not writes_file:
        return None  # text printed to the build log changes nothing
    if re.search(INSECURE_TEXT, text):
        return "the command switches off signature or certificate checks"
    return None


def _instruction_problem(instruction: Instruction) -> str | None:
    if instruction.keyword in ("ENV", "ARG"):
        # An ARG with a default is in the environment of every later RUN of its stage, like an
        # ENV; ``ARG NAME`` alone sets nothing (``ARG NAME VALUE`` declares two such ARGs).
        for name, value in env_assignments(instruction):
            if value is not None and re.match(INSECURE_VARIABLES, f"{name}={value}"):
                return f"{instruction.keyword} {name}={value} turns verification off for every later step"
        return None
    for script in run_scripts(instruction):
        writes_file = re.search(WRITES_FILE, script) is not None
        for command in commands(script):
            problem = _command_problem(command, writes_file)
            if problem is not None:
                return problem
    if any(re.search(INSECURE_TEXT, body) for body in run_data(instruction)):
        return "a repository definition written here switches off signature or certificate checks"
    return None


def check(workload: Workload, ctx: Context) -> Iterator[Finding]:
    container = workload.main_container
    for instruction in instructions(build_stages(workload), "RUN", "ENV", "ARG", "COPY", "ADD"):
        problem = _instruction_problem(instruction)
        if problem is not None:
            yield Finding(instruction_node(workload, instruction), problem, container)
