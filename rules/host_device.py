"""## What it does
Flags host devices given to a container. Compose `devices:` (short and long syntax) by device:
host memory and disks (`/dev/mem`, `/dev/kmem`, `/dev/port`, `/dev/sd*`, `/dev/nvme*`,
`/dev/vd*`, `/dev/xvd*`, `/dev/mapper/*`, `/dev/loop*` ...) and the whole of `/dev` are
critical; single-purpose devices (`/dev/kvm`, `/dev/fuse`, `/dev/net/tun`, GPUs under
`/dev/dri`, serial ports, USB, sound, video) medium; any other device high; a CDI name
(`vendor.com/gpu=0`) info. Compose `device_cgroup_rules`: critical for type `a` or any major
(`*`) with read or write access, high otherwise. A Kubernetes hostPath of type `CharDevice` /
`BlockDevice`, or a hostPath or Compose bind of `/dev` or a path below it: at most medium on an
unprivileged container (its device cgroup denies the device nodes it was not given), graded by
device as above on a privileged one, whose device cgroup allows every device (`/dev` or a disk is
then critical: the host's disks are writable).

## Why is this bad?
A device node is a direct line into a host driver: a disk device is the host's filesystem
below every permission check, `/dev/mem` is the host's memory. Wildcard device-cgroup rules let
container root `mknod` and open any device, bypassing the runtime's device allow-list.

## Example
```yaml
services:
  backup:
    devices:
      - /dev/sda:/dev/xvda:rwm
```

## Use instead
Pass only the one device the program needs, through a device plugin or CDI where possible;
never whole disks or wildcard cgroup rules.

## References
- CIS Docker Benchmark 5.18 "Ensure that host devices are not directly exposed to containers"
- Kubernetes Pod Security Standards, Baseline: "HostPath Volumes"
"""

import fnmatch
import re
from collections.abc import Iterator

from isolint import Context, Finding, Format, Location, Rule, Severity, Value, Workload
from isolint.helpers import host_mount_report, host_mounts, host_path_key, is_device_path, is_privileged

RULE = Rule(
    code="MNT006",
    name="host-device",
    severity=Severity.HIGH,
    summary="A host device (disk, memory, GPU ...) or wildcard device access is given to a container",
    formats=(Format.KUBERNETES, Format.COMPOSE),
    references=("CIS Docker 5.18", "PSS Baseline: HostPath Volumes"),
    supersedes=("MNT001",),
)
CRITICAL_DEVICES = ("/dev", "/dev/mem", "/dev/kmem", "/dev/port", "/dev/sd*", "/dev/hd*", "/dev/nvme*", "/dev/vd*",
                    "/dev/xvd*", "/dev/mapper", "/dev/mapper/*", "/dev/dm-*", "/dev/md*", "/dev/mmcblk*",
                    "/dev/loop*", "/dev/disk", "/dev/disk/*", "/dev/disk/*/*", "/dev/block", "/dev/block/*")
MEDIUM_DEVICES = ("/dev/kvm", "/dev/fuse", "/dev/net/tun", "/dev/dri", "/dev/dri/*", "/dev/snd", "/dev/snd/*",
                  "/dev/video*", "/dev/tty*", "/dev/bus/usb", "/dev/bus/usb/*", "/dev/bus/usb/*/*", "/dev/hidraw*",
                  "/dev/input", "/dev/input/*", "/dev/nvidia*", "/dev/gpiomem", "/dev/gpiochip*", "/dev/i2c-*",
                  "/dev/spidev*", "/dev/serial", "/dev/serial/*", "/dev/serial/*/*", "/dev/vchiq", "/dev/vcsm*",
                  "/dev/apex_*", "/dev/dvb", "/dev/dvb/*", "/dev/rtc*", "/dev/uinput", "/dev/ttyUSB*",
                  "/dev/ttyACM*", "/dev/ttyAMA*", "/dev/cec*", "/dev/media*", "/dev/hwrng")
HARMLESS_DEVICES = ("/dev/null", "/dev/zero", "/dev/full", "/dev/random", "/dev/urandom", "/dev/tty", "/dev/console",
                    "/dev/pts", "/dev/pts/*", "/dev/ptmx")
DEVICE_HOST_PATH_TYPES = ("CharDevice", "BlockDevice")
CGROUP_RULE = r"^\s*([abc])\s+(\*|\d+):(\*|\d+)\s+([rwm]+)\s*$"


def _device_severity(path: str) -> Severity | None:
    key = host_path_key(path)
    if any(fnmatch.fnmatchcase(key, p) for p in HARMLESS_DEVICES):
        return None
    if any(fnmatch.fnmatchcase(key, p) for p in CRITICAL_DEVICES):
        return Severity.CRITICAL
    if any(fnmatch.fnmatchcase(key, p) for p in MEDIUM_DEVICES):
        return Severity.MEDIUM
    return Severity.HIGH


def _cgroup_rule_severity(rule: Value[str]) -> Severity:
    match = re.match(CGROUP_RULE, rule.value)
    if match is None:
        return Severity.HIGH
    kind, major, _, access = match.groups()
    if kind == "a" or (major == "*" and set(access) & {"r", "w"}):
        return Severity.CRITICAL
    return Severity.HIGH


def _compose_devices(workload: Workload) -> Iterator[Finding]:
    for container in workload.containers:
        for device in container.devices:
            if device.host is None:
                yield Finding(device.spec, f"service gets the CDI device {device.spec.value}", container,
                              certain=device.spec.certain, severity=Severity.INFO)
                continue
            severity = _device_severity(device.host.value)
            if severity is not None:
                yield Finding(device.spec, f"service gets the host device {device.host.value}", container,
                              certain=device.spec.certain, severity=severity)
    for rule in workload.device_cgroup_rules:
        yield Finding(rule, f"device cgroup rule {rule.value!r} lets the container use host devices",
                      certain=rule.certain, severity=_cgroup_rule_severity(rule))


def check(workload: Workload, ctx: Context) -> Iterator[Finding]:
    if workload.format is Format.COMPOSE:
        yield from _compose_devices(workload)
    seen: set[tuple[str, Location, str]] = set()  # one finding per container and device path
    for container, mount in host_mounts(workload):
        if (container.display_name, mount.source.loc, mount.source.value) in seen:
            continue
        seen.add((container.display_name, mount.source.loc, mount.source.value))
        typed = mount.volume is not None and mount.volume.host_path_type is not None \
            and mount.volume.host_path_type.value in DEVICE_HOST_PATH_TYPES
        if not (typed or is_device_path(mount.source.value)):
            continue
        severity = _device_severity(mount.source.value) if is_device_path(mount.source.value) else Severity.HIGH
        if severity is None:
            continue
        node, related = host_mount_report(workload, mount)
        if is_privileged(container):
            yield Finding(node, f"privileged container {container.display_name!r} mounts the host device path "
                          f"{mount.source.value}: its device cgroup allows every device behind it", container,
                          related=related, certain=mount.source.certain, severity=severity)
            continue
        yield Finding(node, f"container {container.display_name!r} mounts the host device path "
                      f"{mount.source.value} (usable only where the device cgroup allows it)", container,
                      related=related, certain=mount.source.certain, severity=min(severity, Severity.MEDIUM))
