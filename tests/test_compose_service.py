"""Tests for the Compose parser: a service onto the model (``isolint.parsers.compose.service``): healthcheck,
resources, environment, command, ports, volumes, devices, hooks."""

from __future__ import annotations

from pathlib import Path

from isolint.model import Location, Value

from .compose_helpers import PATH, at, container, messages, parse, parse_file, service, write


# -- healthcheck, resources, env, command, extensions ------------------------------------------
def test_healthcheck_forms() -> None:
    model = parse("""
        services:
          a:
            healthcheck:
              test: ["CMD", "curl", "-f", "http://localhost"]
          b:
            healthcheck:
              disable: true
          c:
            healthcheck:
              test: ["NONE"]
          d:
            healthcheck:
              test: curl -f http://localhost || exit 1
        """)
    a = service(model, "a")
    assert a.healthcheck == Value("CMD curl -f http://localhost", Location(PATH, 4, 7))
    assert a.healthcheck_disabled is None
    assert service(model, "b").healthcheck_disabled == Value(True, Location(PATH, 7, 7))
    assert service(model, "c").healthcheck_disabled == Value(True, Location(PATH, 10, 7), text="NONE")
    d = service(model, "d")
    assert d.healthcheck is not None and d.healthcheck.value == "curl -f http://localhost || exit 1"


def test_limits_and_reservations() -> None:
    model = parse("""
        services:
          legacy:
            mem_limit: 512m
            cpus: 0.5
            pids_limit: 100
            mem_reservation: 128m
          deploy:
            mem_limit: 1g
            deploy:
              resources:
                limits: {cpus: "2", memory: 256M, pids: 50}
                reservations:
                  memory: 64M
        """)
    legacy = container(model, "legacy")
    assert [(kv.key.value, kv.key.text, kv.value.value, at(kv.value)) for kv in legacy.limits] == [
        ("cpu", "cpus", "0.5", (4, 5)), ("memory", "mem_limit", "512m", (3, 5)), ("pids", "pids_limit", "100", (5, 5))]
    assert [(kv.key.value, kv.value.value) for kv in legacy.requests] == [("memory", "128m")]
    deploy = container(model, "deploy")
    assert sorted((kv.key.value, kv.value.value) for kv in deploy.limits) == [
        ("cpu", "2"), ("memory", "256M"), ("pids", "50")]
    assert [(kv.key.value, kv.value.value, at(kv.key)) for kv in deploy.requests] == [("memory", "64M", (13, 11))]


def test_environment_forms() -> None:
    model = parse("""
        services:
          a:
            environment:
              - DEBUG=1
              - HOME
              - UNSET
              - EMPTY=
          b:
            environment:
              MODE: ${MODE:-prod}
              NUMBER: 5
              NOTHING:
        """, env={"HOME": "/home/me"})
    assert [(kv.key.value, kv.value.value, kv.value.certain, at(kv.key)) for kv in container(model, "a").env] == [
        ("DEBUG", "1", True, (4, 9)), ("HOME", "/home/me", True, (5, 9)), ("UNSET", "", False, (6, 9)),
        ("EMPTY", "", True, (7, 9))]
    assert [(kv.key.value, kv.value.value, kv.value.certain) for kv in container(model, "b").env] == [
        ("MODE", "prod", False), ("NUMBER", "5", True), ("NOTHING", "", False)]


def test_command_and_entrypoint() -> None:
    model = parse("""
        services:
          a:
            entrypoint: ["/bin/sh", "-c"]
            command: sh -c 'echo "hi there"'
        """)
    c = container(model, "a")
    assert [(v.value, at(v)) for v in c.command] == [("/bin/sh", (3, 18)), ("-c", (3, 29))]
    assert [v.value for v in c.args] == ["sh", "-c", 'echo "hi there"']
    assert all(at(v) == (4, 5) for v in c.args)


def test_extensions_flattened() -> None:
    model = parse("""
        x-isolint:
          trust: untrusted
        services:
          a:
            x-isolint:
              ignore: [CSL-PRV-001, CSL-NS-001]
              reason: lab box
            x-owner: team-a
        """)
    ext = [(kv.key.value, kv.value.value, at(kv.key)) for kv in service(model, "a").extensions]
    assert ext == [
        ("x-isolint.trust", "untrusted", (2, 3)),
        ("x-isolint.ignore", "CSL-PRV-001, CSL-NS-001", (6, 7)),
        ("x-isolint.reason", "lab box", (7, 7)),
        ("x-owner", "team-a", (8, 5)),
    ]


# -- ports -------------------------------------------------------------------------------------
def port_tuple(port):  # type: ignore[no-untyped-def]
    def v(value):  # type: ignore[no-untyped-def]
        return value.value if value is not None else None
    return (v(port.host_ip), v(port.host_port), v(port.host_port_end), v(port.container_port), v(port.protocol))


def test_short_port_syntax() -> None:
    model = parse("""
        services:
          a:
            ports:
              - "80"
              - "8080:80"
              - "127.0.0.1:8080:80"
              - "[::1]:8081:81"
              - "8000-8010:8000-8010"
              - "8080:80/udp"
              - 9000
              - "127.0.0.1::5000"
              - 22:22
            expose: ["3000"]
        """)
    assert model.errors == []
    ports = container(model, "a").ports
    assert [port_tuple(p) for p in ports] == [
        (None, None, None, 80, None),
        (None, 8080, None, 80, None),
        ("127.0.0.1", 8080, None, 80, None),
        ("::1", 8081, None, 81, None),
        (None, 8000, 8010, 8000, None),
        (None, 8080, None, 80, "udp"),
        (None, None, None, 9000, None),
        ("127.0.0.1", None, None, 5000, None),
        (None, 22, None, 22, None),
    ]
    assert at(ports[1]) == (5, 9) and at(ports[1].host_port) == (5, 9)


def test_long_port_syntax() -> None:
    model = parse("""
        services:
          a:
            ports:
              - target: 80
                published: "8080"
                host_ip: 0.0.0.0
                protocol: tcp
                mode: host
              - target: 443
              - {target: 53, published: 5300-5310, protocol: udp}
        """)
    assert model.errors == []
    ports = container(model, "a").ports
    assert [port_tuple(p) for p in ports] == [
        ("0.0.0.0", 8080, None, 80, "tcp"), (None, None, None, 443, None), (None, 5300, 5310, 53, "udp")]
    assert at(ports[0]) == (4, 9)
    assert at(ports[0].container_port) == (4, 9)
    assert at(ports[0].host_port) == (5, 9)


def test_bad_ports_are_errors() -> None:
    model = parse("""
        services:
          a:
            ports: ["80:99999", "x:80", {published: 80}, "8080:80"]
        """)
    assert [p.host_port.value for p in container(model, "a").ports] == [8080]  # type: ignore[union-attr]
    assert [m[:2] for m in messages(model)] == [(3, 13), (3, 25), (3, 33)]
    assert "port out of range '99999'" in model.errors[0].message


# -- volumes -----------------------------------------------------------------------------------
def mount_tuple(mount):  # type: ignore[no-untyped-def]
    def v(value):  # type: ignore[no-untyped-def]
        return value.value if value is not None else None
    return (v(mount.type), v(mount.source), v(mount.target), v(mount.read_only), v(mount.propagation))


def test_short_volume_syntax() -> None:
    model = parse(r"""
        services:
          a:
            volumes:
              - /var/run/docker.sock:/var/run/docker.sock:ro
              - ./data:/data:rw,rshared
              - ~/cache:/cache
              - data:/var/lib/data:nocopy
              - /anonymous
              - C:\Users\me:/host
              - C:/Users/me:C:/in
              - \\.\pipe\docker_engine:\\.\pipe\docker_engine
              - ${SRC:-/srv}:/srv:z
            tmpfs:
              - /run:size=64k
        volumes:
          data:
        """)
    assert model.errors == []
    mounts = container(model, "a").mounts
    assert [mount_tuple(m) for m in mounts] == [
        ("bind", "/var/run/docker.sock", "/var/run/docker.sock", True, None),
        ("bind", "./data", "/data", False, "rshared"),
        ("bind", "~/cache", "/cache", None, None),
        ("volume", "data", "/var/lib/data", None, None),
        ("volume", None, "/anonymous", None, None),
        ("bind", "C:\\Users\\me", "/host", None, None),
        ("bind", "C:/Users/me", "C:/in", None, None),
        ("bind", "\\\\.\\pipe\\docker_engine", "\\\\.\\pipe\\docker_engine", None, None),
        ("bind", "/srv", "/srv", None, None),
        ("tmpfs", None, "/run", None, None),
    ]
    assert at(mounts[0]) == (4, 9) and at(mounts[0].source) == (4, 9)
    assert mounts[3].volume is not None and mounts[3].volume.name.value == "data"
    assert mounts[8].source is not None and mounts[8].source.certain is False
    assert mounts[8].source.text == "${SRC:-/srv}:/srv:z"
    assert at(mounts[9]) == (14, 9)


def test_single_string_tmpfs() -> None:
    model = parse("services:\n  a:\n    tmpfs: /tmp\n")
    assert model.errors == []
    assert [mount_tuple(m) for m in container(model, "a").mounts] == [("tmpfs", None, "/tmp", None, None)]


def test_long_volume_syntax() -> None:
    model = parse("""
        services:
          a:
            volumes:
              - type: bind
                source: /etc
                target: /host-etc
                read_only: "yes"
                bind:
                  propagation: rslave
              - type: volume
                source: data
                target: /data
              - type: tmpfs
                target: /scratch
              - type: npipe
                source: \\\\.\\pipe\\docker_engine
                target: \\\\.\\pipe\\docker_engine
              - source: /nowhere
        volumes:
          data: {}
        """)
    mounts = container(model, "a").mounts
    assert [mount_tuple(m) for m in mounts] == [
        ("bind", "/etc", "/host-etc", True, "rslave"),
        ("volume", "data", "/data", None, None),
        ("tmpfs", None, "/scratch", None, None),
        ("npipe", "\\\\.\\pipe\\docker_engine", "\\\\.\\pipe\\docker_engine", None, None),
    ]
    assert at(mounts[0]) == (4, 9) and at(mounts[0].source) == (5, 9) and at(mounts[0].propagation) == (9, 11)
    assert messages(model) == [(18, 9, "invalid Compose file: services.a.volumes[4]: a volume needs a type "
                                       "(bind, volume, tmpfs, npipe, image or cluster)")]


def test_disguised_bind_volume() -> None:
    model = parse("""
        services:
          a:
            volumes:
              - sock:/var/run/docker.sock
              - type: volume
                source: sock
                target: /again
              - plain:/plain
        volumes:
          sock:
            driver: local
            driver_opts:
              type: none
              o: bind
              device: /var/run
          plain:
            driver_opts: {type: nfs, o: "addr=1.2.3.4", device: ":/export"}
        """)
    assert model.errors == []
    mounts = container(model, "a").mounts
    assert [mount_tuple(m) for m in mounts] == [
        ("bind", "/var/run", "/var/run/docker.sock", None, None),
        ("bind", "/var/run", "/again", None, None),
        ("volume", "plain", "/plain", None, None),
    ]
    assert at(mounts[0].source) == (15, 7)  # the device key
    assert at(mounts[0].type) == (4, 9)
    volume = mounts[0].volume
    assert volume is not None and volume.name.value == "sock" and at(volume) == (10, 3)
    assert volume.type is not None and volume.type.value == "volume"
    assert volume.host_path == Value("/var/run", Location(PATH, 15, 7))
    assert mounts[2].volume is not None and mounts[2].volume.host_path is None


# -- devices -----------------------------------------------------------------------------------
def test_devices() -> None:
    model = parse("""
        services:
          a:
            devices:
              - /dev/fuse
              - /dev/sda:/dev/xvda:rwm
              - nvidia.com/gpu=all
              - source: /dev/kvm
                target: /dev/kvm
                permissions: rw
        """)
    assert model.errors == []
    devices = container(model, "a").devices

    def v(value):  # type: ignore[no-untyped-def]
        return value.value if value is not None else None
    assert [(d.spec.value, v(d.host), v(d.target), v(d.permissions)) for d in devices] == [
        ("/dev/fuse", "/dev/fuse", "/dev/fuse", None),
        ("/dev/sda:/dev/xvda:rwm", "/dev/sda", "/dev/xvda", "rwm"),
        ("nvidia.com/gpu=all", None, None, None),
        ("/dev/kvm", "/dev/kvm", "/dev/kvm", "rw"),
    ]
    assert at(devices[1]) == (5, 9) and at(devices[3].host) == (7, 9)  # type: ignore[arg-type]


def test_long_device_without_target_is_what_compose_refuses() -> None:
    model = parse("services:\n  a:\n    image: x\n    devices: [{source: /dev/mem}]\n")
    assert messages(model) == [(4, 15, "invalid Compose file: services.a.devices[0]: a device needs a target")]
    assert [d.host.value for d in container(model, "a").devices if d.host] == ["/dev/mem"]  # still judged


# -- lifecycle hooks -----------------------------------------------------------------------------
def test_lifecycle_hooks() -> None:
    model = parse("""
        services:
          a:
            image: x
            post_start:
              - command: ./init.sh --fast
                privileged: "yes"
                user: "0:0"
              - {command: [chown, -R, app, /data], user: app}
            pre_stop:
              - command: ./drain.sh
                privileged: ${HOOK_PRIVILEGED:-false}
            pre_start:
              - command: ./migrate.sh
                user: "0"
        """)
    assert model.errors == []
    hooks = container(model, "a").hooks
    assert [(h.kind, at(h)) for h in hooks] == [
        ("pre_start", (13, 9)), ("post_start", (5, 9)), ("post_start", (8, 9)), ("pre_stop", (10, 9))]
    pre_start, first, second, pre_stop = hooks
    assert pre_start.user is not None and pre_start.user.value == 0
    assert first.privileged is not None and first.privileged.value is True and at(first.privileged) == (6, 9)
    assert first.user is not None and first.user.value == 0 and first.user.text == "0:0"
    assert [w.value for w in first.command] == ["./init.sh", "--fast"]
    assert second.privileged is None and second.user is not None and second.user.value == "app"
    assert [w.value for w in second.command] == ["chown", "-R", "app", "/data"]
    assert pre_stop.privileged is not None and pre_stop.privileged.value is False
    assert pre_stop.privileged.certain is False


def test_lifecycle_hook_that_is_not_a_mapping_is_an_error() -> None:
    model = parse("""
        services:
          a:
            image: x
            post_start: [./init.sh]
            pre_stop: {command: x}
        """)
    assert container(model, "a").hooks == ()
    assert [(line, text.split(": ", 2)[1]) for line, _, text in messages(model)] == [
        (4, "services.a.post_start[0]"), (5, "services.a.pre_stop")]


def test_devices_are_unique_by_container_path_across_extends_and_override(tmp_path: Path) -> None:
    write(tmp_path, "compose.override.yaml", """
        services:
          app:
            devices: ["/dev/null:/dev/xvda", {source: /dev/zero, target: /dev/tty0}]
        """)
    path = write(tmp_path, "compose.yaml", """
        services:
          app:
            image: x
            devices: ["/dev/sda:/dev/xvda", "/dev/fuse", {source: /dev/kvm, target: /dev/kvm},
                      "/dev/tty0:/dev/tty0:r"]
          ext:
            extends: app
            devices: ["/dev/null:/dev/xvda", "/dev/fuse:/dev/fuse:r", "/dev/mem:/dev/kvm"]
        """)
    model = parse_file(path)
    def devices(name: str) -> list[tuple[str | None, str | None, str | None]]:
        return [(d.host.value if d.host else None, d.target.value if d.target else None,
                 d.permissions.value if d.permissions else None) for d in container(model, name).devices]
    # as docker compose config prints them (v2.40.3): the later entry takes the earlier one's place
    assert devices("app") == [("/dev/null", "/dev/xvda", None), ("/dev/fuse", "/dev/fuse", None),
                              ("/dev/kvm", "/dev/kvm", None), ("/dev/zero", "/dev/tty0", None)]
    assert devices("ext") == [("/dev/null", "/dev/xvda", None), ("/dev/fuse", "/dev/fuse", "r"),
                              ("/dev/mem", "/dev/kvm", None), ("/dev/tty0", "/dev/tty0", "r")]


def test_secrets_and_configs_from_host_files_are_read_only_binds() -> None:
    model = parse("""
        services:
          a:
            image: x
            secrets: [s, {source: t, target: custom}, {source: u, target: /abs/u}, env-secret, missing]
            configs: [c, {source: d, target: /etc/d.conf}]
        secrets:
          s: {file: /var/run/docker.sock}
          t: {file: ./t.txt}
          u: {file: /etc/shadow}
          env-secret: {environment: TOKEN}
        configs:
          c: {file: ~/.ssh/id_rsa}
          d: {file: ./d.conf}
        """)
    mounts = [(m.type.value, m.source.value if m.source else None, m.target.value if m.target else None,
               m.read_only.value if m.read_only else None) for m in container(model, "a").mounts]
    assert mounts == [("bind", "/var/run/docker.sock", "/run/secrets/s", True),
                      ("bind", "./t.txt", "/run/secrets/custom", True),
                      ("bind", "/etc/shadow", "/abs/u", True),
                      ("bind", "~/.ssh/id_rsa", "/c", True),
                      ("bind", "./d.conf", "/etc/d.conf", True)]
    mount = container(model, "a").mounts[0]
    assert at(mount) == (4, 15) and at(mount.source) == (7, 7)  # reported at the service, the file related


def test_unset_variables_keep_binds_and_ports_with_low_confidence() -> None:
    model = parse("""
        services:
          a:
            image: x
            volumes: ["${SOCK}:/var/run/docker.sock:ro", {type: bind, source: "${SRC}", target: /t}, "${A}:${B}:ro"]
            ports: ["${PORT}", "${HOST}:80", {target: "${T}", host_ip: 127.0.0.1}]
        """)
    c = container(model, "a")
    assert model.errors == []
    assert [(m.type.value, m.source.value, m.source.certain, m.target.value) for m in c.mounts] == [
        ("bind", "${SOCK}", False, "/var/run/docker.sock"), ("bind", "${SRC}", False, "/t")]
    assert c.mounts[0].read_only is not None and c.mounts[0].read_only.value is True
    unknown, half, local = c.ports
    assert unknown.container_port is None and unknown.host_ip is not None
    assert (unknown.host_ip.value, unknown.host_ip.certain, unknown.host_ip.text) == ("", False, "${PORT}")
    assert half.container_port is not None and half.container_port.value == 80 and not half.container_port.certain
    assert local.host_ip is not None and local.host_ip.value == "127.0.0.1" and local.container_port is None
