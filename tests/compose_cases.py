"""Compose projects for the differential test against Docker Compose (``tests/test_compose_differential.py``):
hand-written edge cases, and a generated corpus (seeded, so every run builds the same files).

A project is ``(name, files, env)``: ``files`` maps a path inside the project to its text (the first
is the file linted), ``env`` the variables both tools are given.
"""

from __future__ import annotations

import random
from textwrap import dedent

Project = tuple[str, dict[str, str], dict[str, str]]


def _p(name: str, *args: dict[str, str]) -> Project:
    """A project: ``_p(name, [env,] files)``, the texts dedented."""
    env, files = args if len(args) == 2 else ({}, args[0])
    return name, {path: dedent(text).lstrip("\n") for path, text in files.items()}, env


EDGE_CASES: list[Project] = [
    _p("anchors", {"compose.yaml": """
        x-hardened: &hardened
          read_only: true
          cap_drop: [ALL]
          security_opt: [no-new-privileges:true]
        x-risky: &risky
          privileged: true
          cap_add: [NET_ADMIN, SYS_ADMIN]
        services:
          a:
            <<: *hardened
            image: x
          b:
            <<: [*risky, *hardened]
            image: x
            read_only: false
          c:
            <<: *risky
            image: x
            privileged: false
          d:
            image: x
            volumes: &vols ["/srv:/srv:ro", "data:/data"]
          e:
            image: x
            volumes: *vols
        volumes:
          data:
        """}),
    _p("merge-key-order", {"compose.yaml": """
        x-a: &a {privileged: true, user: root}
        x-b: &b {privileged: false, user: "1000", read_only: true}
        services:
          first-wins:
            <<: [*a, *b]
            image: x
          second:
            <<: [*b, *a]
            image: x
        """}),
    _p("dotenv", {"compose.yaml": """
        services:
          a:
            image: x
            privileged: ${PRIV}
            cap_add: ["${CAPS}"]
            user: ${UID_GID}
            ports: ["${QUOTED}:${PORT}:80", "${PORT}:81"]
        """, ".env": """
        # comment
        PRIV=true
        export CAPS=NET_RAW
        UID_GID='1000:1000'
        PORT=8080 # trailing comment
        QUOTED="127.0.0.1"
        MULTI="a
        b"
        """}),
    _p("dotenv-shell-wins", {"PRIV": "false", "UID": "0"}, {"compose.yaml": """
        services:
          a: {image: x, privileged: "${PRIV}", user: "${UID}"}
        """, ".env": "PRIV=true\nUID=1000\n"}),
    _p("interpolation-forms", {"SET": "value", "EMPTY": "", "CAP": "SYS_PTRACE", "RO": "ro"}, {"compose.yaml": """
        services:
          a:
            image: x
            user: "${UNSET:-1000}:${UNSET-2000}"
            cap_add: ["${CAP}", "${UNSET:-NET_ADMIN}", "${EMPTY:-MKNOD}", "${EMPTY-CHOWN}"]
            security_opt: ["label=type:${SET}_t", "apparmor=${UNSET:-${NESTED:-docker-default}}"]
            volumes: ["/srv/$SET:/data:${RO}", "/opt/$${LITERAL}:/lit"]
            ports: ["${UNSET:-127.0.0.1}:${SET:+9000}:80"]
            privileged: ${SET:+true}
            read_only: ${UNSET:-true}
          b:
            image: x
            cap_add: ["${SET:?must be set}"]
        """}),
    _p("override", {"compose.yaml": """
        services:
          app:
            image: x
            cap_add: [NET_ADMIN]
            security_opt: [no-new-privileges:true]
            ports: ["8080:80", "127.0.0.1:9090:90"]
            volumes: ["./data:/data", "/etc:/host-etc:ro"]
            devices: ["/dev/sda:/dev/xvda"]
            read_only: true
          other:
            image: x
        """, "compose.override.yaml": """
        services:
          app:
            cap_add: [SYS_PTRACE]
            security_opt: [seccomp:unconfined]
            ports: ["0.0.0.0:9090:90", "8080:80"]
            volumes: [{type: bind, source: /var/run/docker.sock, target: /data}]
            devices: ["/dev/null:/dev/xvda"]
            read_only: false
          other:
            privileged: true
            network_mode: host
        """}),
    _p("reset-and-override", {"compose.yaml": """
        services:
          app:
            image: x
            cap_drop: [ALL]
            cap_add: [NET_BIND_SERVICE]
            security_opt: [no-new-privileges:true]
            user: "1000"
            volumes: ["/srv:/srv"]
          gone:
            image: x
            privileged: true
        """, "compose.override.yaml": """
        services:
          app:
            cap_drop: !reset []
            cap_add: !override [SYS_ADMIN]
            security_opt: !reset null
            user: !reset null
            volumes: !override ["/:/host"]
          gone: !reset
        """}),
    _p("extends", {"compose.yaml": """
        services:
          base:
            image: x
            privileged: true
            cap_add: [NET_ADMIN]
            volumes: ["/srv:/srv"]
            devices: ["/dev/sda:/dev/xvda"]
          child:
            extends: base
            privileged: false
            cap_add: [SYS_TIME]
            volumes: ["/other:/srv:ro"]
            devices: ["/dev/null:/dev/xvda"]
          grandchild:
            extends: {service: child}
            user: root
          from-file:
            extends: {file: sub/common.yaml, service: common}
            ports: ["80:80"]
        """, "sub/common.yaml": """
        services:
          common:
            image: y
            read_only: true
            volumes: ["./data:/data", "../up:/up", "/abs:/abs", {type: bind, source: ./long, target: /long}]
            network_mode: host
        """}),
    _p("extends-chain-across-files", {"compose.yaml": """
        services:
          app:
            extends: {file: sub/x.yaml, service: chained}
            image: x
        """, "sub/x.yaml": """
        services:
          chained:
            extends: {file: deeper/y.yaml, service: y}
            cap_add: [NET_RAW]
        """, "sub/deeper/y.yaml": """
        services:
          y:
            image: y
            volumes: [./d:/d, ../u:/u]
            security_opt: [apparmor:unconfined]
        """}),
    _p("volumes-short-and-long", {"compose.yaml": """
        services:
          a:
            image: x
            volumes:
              - /srv/a:/a
              - /srv/b:/b:ro
              - /srv/c:/c:rw,rshared
              - ./rel:/rel:z
              - named:/named:ro
              - /anonymous
              - ~/home:/home-dir
              - /trailing/:/target/
              - type: bind
                source: /srv/long
                target: /long
                read_only: true
                bind: {propagation: rslave}
              - type: volume
                source: named
                target: /named2
              - type: tmpfs
                target: /scratch
            tmpfs: /run
          b:
            image: x
            tmpfs: [/tmp, "/var/tmp:size=64m"]
            volumes: ["disguised:/host", "C:\\\\data:/windows"]
        volumes:
          named:
          disguised:
            driver_opts: {type: none, o: bind, device: /var/run}
        """}),
    _p("ports", {"compose.yaml": """
        services:
          a:
            image: x
            ports:
              - "3000"
              - 8080:80
              - "127.0.0.1:9000:9000"
              - "[::1]:7000:7000"
              - "::1:7001:7001"
              - "8000-8002:8000-8002"
              - "9100-9101:9100-9101/udp"
              - "0.0.0.0:53:53/udp"
              - target: 443
                published: "8443"
                host_ip: 10.0.0.5
                protocol: tcp
              - target: 6000
                published: 6000-6001
              - target: 22
        """}),
    _p("devices", {"compose.yaml": """
        services:
          a:
            image: x
            devices:
              - /dev/fuse
              - /dev/sda:/dev/xvda
              - /dev/ttyUSB0:/dev/zigbee:rw
              - vendor.com/gpu=all
              - {source: /dev/kvm, target: /dev/kvm, permissions: rwm}
              - {source: /dev/net/tun, target: /dev/net/tun}
        """}),
    _p("namespaces", {"compose.yaml": """
        services:
          host:
            image: x
            network_mode: host
            pid: host
            ipc: host
            userns_mode: host
          joined:
            image: x
            network_mode: service:host
            pid: service:host
            ipc: service:joined2
          joined2:
            image: x
            ipc: shareable
          chain:
            image: x
            network_mode: service:joined
          container:
            image: x
            network_mode: container:abc
          none:
            image: x
            network_mode: none
        """}),
    _p("security-options", {"compose.yaml": """
        services:
          a:
            image: x
            security_opt:
              - seccomp:unconfined
              - apparmor=unconfined
              - label:disable
              - no-new-privileges:true
              - label=type:container_t
              - systempaths=unconfined
          b:
            image: x
            security_opt: [no-new-privileges, "seccomp=builtin", "label=level:s0:c100,c200"]
            cap_add: [ALL, CAP_SYS_ADMIN, sys_module]
            cap_drop: [ALL]
        """}),
    _p("users", {"compose.yaml": """
        services:
          a: {image: x, user: "1000:1000"}
          b: {image: x, user: root}
          c: {image: x, user: "app:staff"}
          d: {image: x, user: 33:33}
          e: {image: x, user: "0755"}
          f: {image: x, user: "0"}
          g: {image: x, user: ""}
        """}),
    _p("booleans", {"compose.yaml": """
        services:
          a: {image: x, privileged: yes, read_only: "true"}
          b: {image: x, privileged: "TRUE", read_only: on}
          c: {image: x, privileged: off, read_only: "false"}
          d: {image: x, privileged: "no", read_only: False}
          e: {image: x, privileged: y, read_only: n}
          f: {image: x, privileged: Y, read_only: N}
          y: {image: x, labels: {k: y}, cap_add: [n]}
        """}),
    _p("file-secrets-and-configs", {"compose.yaml": """
        services:
          a:
            image: x
            secrets: [sock, {source: key, target: id_rsa}, {source: abs, target: /etc/abs}, env-only]
            configs: [shadow, {source: conf, target: /etc/app.conf}]
        secrets:
          sock: {file: /var/run/docker.sock}
          key: {file: ~/.ssh/id_rsa}
          abs: {file: ./abs.txt}
          env-only: {environment: TOKEN}
        configs:
          shadow: {file: /etc/shadow}
          conf: {file: ./app.conf}
        """}),
    _p("duplicates-in-one-file", {"compose.yaml": """
        services:
          a:
            image: x
            volumes: ["/one:/t", "/two:/t:ro", {type: bind, source: /three, target: /t, read_only: true}]
            ports: ["80:80", "80:80", "127.0.0.1:80:80"]
            devices: ["/dev/a:/dev/t", "/dev/b:/dev/t"]
            cap_add: [NET_ADMIN, NET_ADMIN]
        """}),
    _p("yaml11-names", {"compose.yaml": """
        services:
          off:
            image: x
            privileged: true
          yes:
            image: x
            network_mode: service:off
        """}),
    _p("profiles", {"compose.yaml": """
        services:
          always:
            image: x
          debug:
            image: x
            profiles: [debug]
            privileged: true
            pid: host
        """}),
    _p("defaults-in-mounts-and-ports", {"compose.yaml": """
        services:
          a:
            image: x
            ports: ["${HOST_PORT:-8080}:80", "${BIND:-127.0.0.1}:${P2:-9000}:9000"]
            volumes: ["${DATA:-./data}:/data", "${SOCK:-/var/run/docker.sock}:/var/run/docker.sock"]
            devices: ["${DEV:-/dev/fuse}"]
            user: ${RUN_AS:-root}
        """}),
    _p("implicit-pair-docker-compose-names", {"docker-compose.yml": """
        services:
          a: {image: x, cap_add: [NET_RAW]}
        """, "docker-compose.override.yml": """
        services:
          a: {cap_add: [NET_ADMIN], privileged: true}
        """}),
]


# -- a generated corpus -----------------------------------------------------------------------------------

CHOICES = {
    "privileged": ["true", "false", "yes", "'true'", "on", "off"],
    "user": ['"0"', "root", '"1000"', '"1000:1000"', '"app:staff"', '"0:0"', "33:33"],
    "read_only": ["true", "false", "'true'", "no"],
    "cap_add": ["[NET_ADMIN]", "[SYS_ADMIN, NET_RAW]", "[ALL]", "[CAP_SYS_PTRACE]", '["net_bind_service"]'],
    "cap_drop": ["[ALL]", "[NET_RAW]", "[all]"],
    "security_opt": ["[no-new-privileges:true]", "['no-new-privileges=false']", "[seccomp:unconfined]",
                     "[apparmor=unconfined, 'label=type:svirt_t']", "[label:disable]", "[systempaths=unconfined]"],
    "network_mode": ["host", "none", "bridge", "service:{other}"],
    "pid": ["host", "service:{other}"],
    "ipc": ["host", "shareable", "private", "service:{other}"],
    "userns_mode": ["host"],
    "ports": ['["80"]', '["8080:80"]', '["127.0.0.1:8080:80/udp"]', '["9000-9002:9000-9002"]',
              "[{target: 80, published: '8081', host_ip: '::'}]", '["[::1]:5432:5432"]'],
    "volumes": ['["/var/run/docker.sock:/var/run/docker.sock"]', '["/:/host:ro"]', '["./data:/data:rw"]',
                '["cache:/cache"]', "[{type: bind, source: /etc, target: /host-etc, read_only: true}]",
                '["/dev:/dev", "/proc:/host/proc:ro,rslave"]', '["~/.ssh:/root/.ssh:ro"]'],
    "devices": ['["/dev/fuse"]', '["/dev/sda:/dev/xvda:r"]', '["/dev/kvm", "/dev/net/tun:/dev/net/tun"]',
                "[{source: /dev/mem, target: /dev/mem}]"],
    "tmpfs": ["/run", "[/tmp, /var/tmp]"],
}


def generated_corpus(count: int = 60, seed: int = 15) -> list[Project]:
    """``count`` projects of one to three services, each setting a random subset of the fields the
    rules judge in a random spelling; every third project also has an override file that changes
    some of them, every fifth an ``extends``."""
    rng = random.Random(seed)
    projects = []
    for index in range(count):
        names = [f"s{index}x{i}" for i in range(rng.randint(1, 3))]
        files = {"compose.yaml": _generated_file(rng, names, base=True)}
        if index % 5 == 0 and len(names) > 1:
            files["compose.yaml"] = files["compose.yaml"].replace(
                "services:\n", f"services:\n  ext{index}:\n    extends: {names[0]}\n" + _fields(rng, names, 4, ""), 1)
        if index % 3 == 0:
            files["compose.override.yaml"] = _generated_file(rng, names[:1], base=False)
        projects.append((f"generated-{index:02d}", files, {}))
    return projects


def _generated_file(rng: random.Random, names: list[str], base: bool) -> str:
    lines = ["services:"]
    for name in names:
        lines.append(f"  {name}:")
        if base:
            lines.append("    image: busybox")
        lines.append(_fields(rng, names, 6 if base else 3, name).rstrip("\n"))
    text = "\n".join(line for line in lines if line) + "\n"
    return text + ("volumes:\n  cache:\n" if base else "")


def _fields(rng: random.Random, names: list[str], most: int, own: str) -> str:
    """Some fields of a service ``own``; a ``service:`` join names another service (none: the host)."""
    keys = rng.sample(sorted(CHOICES), rng.randint(1, most))
    out = []
    for key in sorted(keys):
        value = rng.choice(CHOICES[key])
        if "{other}" in value:
            others = [n for n in names if n != own]
            value = value.format(other=others[0]) if others else "host"
        out.append(f"    {key}: {value}\n")
    return "".join(out)
