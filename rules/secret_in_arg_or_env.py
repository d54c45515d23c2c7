"""## What it does
Flags secrets passed through build arguments or environment variables. A name is a secret's
name when one of its `_`-separated words is a BuildKit `SecretsUsedInArgOrEnv` token (`apikey`,
`auth`, `credential(s)`, `key`, `password`, `pword`, `passwd`, `secret`, `token`) and none is an
allow token (`public`); option `extra_tokens` adds organisation-specific words.

* Dockerfile `ARG`/`ENV` in the stages that end up in the image: a literal value, no value, or
  a value from another variable (it still lands in the image or its history).
* Compose `build.args` (literal or interpolated: it persists in the image history);
  `environment` with a literal value (interpolated is the intended way and is not reported).
* Kubernetes `env[].value` with a literal value (`valueFrom.secretKeyRef` is not reported).
* Any of these values that looks like a credential whatever its name (a PEM private key, an AWS
  access key id `AKIA...`, a GitHub or GitLab token): high, since that is a live credential.
A secret-looking name is medium: leaking it widens what a compromised container reaches, but it
does not itself remove an isolation layer.

Literal values that cannot be secrets are skipped: booleans, numbers (except under a name that
ends in a password word: `DB_PASSWORD: 12345678` is a password YAML happens to read as a number),
file paths, URLs without credentials and placeholders (`AUTH_ENABLED=true`, `DB_PASSWORD_FILE=/run/secrets/db`,
`TOKEN=<your token>`, `API_KEY=GOOGLE_API_KEY_VAL`). Beyond BuildKit's regex, a name whose last
word describes a secret rather than holding it (option `descriptor_words`: `SECRET_NAME`,
`SSH_KEY_PATH`, `AUTH_TYPE`, `POSTGRES_HOST_AUTH_METHOD`, `BASIC_AUTH_USERNAME`, `AWS_ACCESS_KEY_ID`)
is not reported: on real Compose files these were all false positives. As in BuildKit,
`KEYBOARD_LAYOUT` and `DB_PASS` do not match (tokens are whole `_`-separated words).

## Why is this bad?
`ARG` and `ENV` values persist in image metadata and layer history, and environment variables
are readable by every process in the container and by anyone who can inspect it. A leaked
registry or cloud credential turns one compromised container into access far beyond its boundary.

## Example
```dockerfile
FROM node:22-slim
ARG NPM_TOKEN
ENV AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY
RUN echo "//registry.npmjs.org/:_authToken=${NPM_TOKEN}" > .npmrc && npm ci
```

## Use instead
```dockerfile
FROM node:22-slim
RUN --mount=type=secret,id=npm_token,env=NPM_TOKEN \
    echo "//registry.npmjs.org/:_authToken=${NPM_TOKEN}" > .npmrc && npm ci && rm .npmrc
```
At run time use Compose `secrets:` or Kubernetes Secrets mounted as files.

## References
- BuildKit build check SecretsUsedInArgOrEnv
- CIS Docker Benchmark 4.10 "Ensure secrets are not stored in Dockerfiles"
- CIS Kubernetes Benchmark 5.4.1 "Prefer using Secrets as files over Secrets as environment variables"
"""

import re
from collections.abc import Iterator

from isolint import Container, Context, Finding, Format, KeyValue, Rule, Severity, Value, Workload
from isolint.helpers import env_assignments, image_stages, instruction_node, instructions

RULE = Rule(
    code="SC006",
    name="secret-in-arg-or-env",
    severity=Severity.MEDIUM,
    summary="A secret is passed as a build argument or environment variable",
    references=("BuildKit SecretsUsedInArgOrEnv", "CIS Docker 4.10", "CIS Kubernetes 5.4.1"),
    options={"tokens": ["apikey", "auth", "credential", "credentials", "key", "password", "pword", "passwd",
                        "secret", "token"],
             "allow_tokens": ["public"], "extra_tokens": [],
             "descriptor_words": ["name", "username", "user", "method", "type", "path", "file", "dir", "url", "uri",
                                  "host", "port", "id", "language", "enabled", "mode", "provider", "ttl", "length",
                                  "expiry", "timeout", "header", "algorithm", "issuer", "location", "version"]},
)
CREDENTIAL_VALUE = (
    r"-----BEGIN ([A-Z]+ )*PRIVATE KEY-----|\bAKIA[0-9A-Z]{16}\b|\bgh[pousr]_[A-Za-z0-9]{36}\b"
    r"|\bgithub_pat_[A-Za-z0-9_]{40,}|\bglpat-[A-Za-z0-9_-]{20}\b")
NOT_A_SECRET = (
    r"(?i)^(true|false|yes|no|on|off|none|null|enabled?|disabled?|[-+]?[0-9][0-9._]*[a-z]{0,2}"
    r"|\.{0,2}/\S*|[a-z][a-z0-9+.-]*://[^@\s/]*(/\S*)?)$")
PASSWORD_WORDS = frozenset({"password", "passwd", "pword"})  # what may be all digits (a PIN), unlike a key or token
REFERENCE = r"\$(\{|\(|[A-Za-z_])"
PLACEHOLDER = r"^(<[^>]*>|\{\{.*\}\}|[A-Z][A-Z0-9]*([_-][A-Z0-9]+)+|(?i:x{3,}([_-]x{3,})*)|\*+)$"
FILE_PATH = r"(?i)^\S*/\S+\.(pem|key|crt|cert|json|txt|p12|pfx|jks|asc|gpg|pub)$"


def _secret_name(name: str, options: dict) -> bool:
    words = [word.lower() for word in name.split("_") if word]
    tokens = {*options["tokens"], *options["extra_tokens"]}
    if not set(words) & tokens or set(words) & set(options["allow_tokens"]):
        return False
    return words[-1] not in options["descriptor_words"]  # SECRET_NAME names a secret, it does not hold one


def _literal(value: str, name: str = "") -> bool:
    """A value written in the file that could be a secret (digits only: when ``name`` ends in a
    password word, ``DB_PASSWORD=12345678``)."""
    value = value.strip()
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
        value = value[1:-1].strip()  # Compose keeps the quotes of a list entry (- KEY='<KEY>')
    if value.isdigit() and name.rpartition("_")[2].lower() in PASSWORD_WORDS:
        return True
    return bool(value) and not any(re.search(pattern, value)
                                   for pattern in (REFERENCE, NOT_A_SECRET, PLACEHOLDER, FILE_PATH))


def _dockerfile(workload: Workload, options: dict, container: Container | None) -> Iterator[Finding]:
    for instruction in instructions(image_stages(workload), "ARG", "ENV"):
        node = instruction_node(workload, instruction)
        for name, value in env_assignments(instruction):
            if value is not None and re.search(CREDENTIAL_VALUE, value):
                yield Finding(node, f"{instruction.keyword} {name} holds a credential", container,
                              severity=Severity.HIGH)
            elif _secret_name(name, options):
                if value is not None and value.strip() and not re.search(REFERENCE, value):
                    if _literal(value, name):
                        yield Finding(node, f"{instruction.keyword} {name} sets a secret in the image", container)
                else:
                    yield Finding(node, f"{instruction.keyword} {name} passes a secret that persists in the "
                                  "image or its history: use RUN --mount=type=secret", container)


def _interpolated(value: Value[str]) -> bool:
    return (not value.certain or (value.text is not None and "$" in value.text)
            or re.search(REFERENCE, value.value) is not None)


def _pair(pair: KeyValue, what: str, options: dict, report_interpolated: bool,
          container: Container | None) -> Iterator[Finding]:
    name, value = pair.key.value, pair.value
    if re.search(CREDENTIAL_VALUE, value.value):
        yield Finding(pair.key, f"{what} {name} holds a credential", container, severity=Severity.HIGH)
    elif _secret_name(name, options):
        if _interpolated(value):
            if report_interpolated:
                yield Finding(pair.key, f"{what} {name} passes a secret that persists in the image history",
                              container)
        elif _literal(value.value, name):
            yield Finding(pair.key, f"{what} {name} has a literal secret value", container)


def check(workload: Workload, ctx: Context) -> Iterator[Finding]:
    options = dict(ctx.options)
    main = workload.main_container
    yield from _dockerfile(workload, options, main)
    if workload.format is Format.DOCKERFILE:
        return
    if workload.build is not None:
        for pair in workload.build.args:
            yield from _pair(pair, "build arg", options, True, main)
    for container in workload.containers:
        for pair in container.env:
            yield from _pair(pair, "environment variable", options, False, container)
