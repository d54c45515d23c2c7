"""## What it does
Reports a workload that is coupled to the host kernel or hardware and runs in a shared-kernel
container: `SYS_MODULE` (kernel modules), a mount of `/lib/modules` or `/usr/lib/modules`, the
`/dev/kvm` device, `BPF`/`PERFMON`/`SYS_ADMIN` together with `/sys/kernel/debug`,
`/sys/kernel/tracing` or `/sys/fs/bpf` (eBPF and tracing), or a GPU/accelerator
(`nvidia.com/gpu`, `amd.com/gpu`, `gpu.intel.com/*` limits, CDI GPU devices). High for an
untrusted or multi-tenant workload; otherwise info (node agents legitimately do this). Only VM
sandboxes (Kata, Firecracker) are exempt: gVisor's GPU support (nvproxy) forwards the driver's
ioctls to the host's kernel driver, and its other paths here (modules, KVM, eBPF) reach the host
kernel around the Sentry too.

## Why is this bad?
These workloads load code into, instrument, or drive hardware through the host kernel, so
namespaces cannot isolate them at all. Next to other tenants or running untrusted code they
belong on dedicated nodes or inside a VM with its own kernel.

## Example
```yaml
containers:
  - name: probe
    securityContext:
      capabilities:
        add: [BPF, PERFMON]
    volumeMounts:
      - {name: bpffs, mountPath: /sys/fs/bpf}
volumes:
  - name: bpffs
    hostPath: {path: /sys/fs/bpf}
```

## Use instead
Run kernel-coupled agents only as trusted node components on a dedicated node pool; give
untrusted GPU or KVM users a VM (Kata GPU runtime classes such as `kata-qemu-nvidia-gpu`).

## References
- Kubernetes multi-tenancy: "Node Isolation", "Sandboxing containers"
- Linux capabilities(7): CAP_SYS_MODULE, CAP_BPF, CAP_PERFMON
"""

from collections.abc import Iterator
from fnmatch import fnmatchcase

from isolint import Context, Finding, Format, Rule, Severity, Workload
from isolint.helpers import RuntimeKind, canonical_host_path, capability_name, runtime_isolation

RULE = Rule(
    code="RI007",
    name="kernel-coupled-workload",
    severity=Severity.INFO,
    summary="Workload coupled to the host kernel or hardware runs in a shared-kernel container",
    formats=(Format.KUBERNETES, Format.COMPOSE),
    references=("Kubernetes multi-tenancy: Node Isolation", "capabilities(7)"),
    options={"accelerator_resources": ["nvidia.com/gpu", "amd.com/gpu", "gpu.intel.com/*", "habana.ai/gaudi"]},
    escalate=False,
)
MODULE_PATHS = ("/lib/modules", "/usr/lib/modules")
TRACING_PATHS = ("/sys/kernel/debug", "/sys/kernel/tracing", "/sys/fs/bpf")
TRACING_CAPABILITIES = frozenset({"BPF", "PERFMON", "SYS_ADMIN"})


def _under(path: str, roots: tuple[str, ...]) -> bool:
    canonical = canonical_host_path(path)
    return any(canonical == root or canonical.startswith(root + "/") for root in roots)


def _signals(workload: Workload, accelerators: list[str]) -> Iterator[tuple[object, str]]:
    for container in workload.containers:
        caps = {capability_name(c.value): c for c in container.security.capabilities_add}
        if "SYS_MODULE" in caps:
            yield caps["SYS_MODULE"], "loads kernel modules (SYS_MODULE)"
        binds = [m for m in container.mounts if m.type.value == "bind" and m.source is not None]
        for mount in binds:
            if _under(mount.source.value, MODULE_PATHS):
                yield mount, f"mounts the host's kernel modules ({mount.source.value})"
            elif _under(mount.source.value, ("/dev/kvm",)):
                yield mount, "drives the host's KVM"
        tracing = [m for m in binds if _under(m.source.value, TRACING_PATHS)]
        granted = sorted(TRACING_CAPABILITIES & set(caps))
        if tracing and granted:
            source = tracing[0].source.value
            yield tracing[0], f"instruments the kernel (eBPF/tracing: {', '.join(granted)} with {source})"
        for device in container.devices:
            spec = device.spec.value.lower()
            if device.host is not None and _under(device.host.value, ("/dev/kvm",)):
                yield device, "drives the host's KVM"
            elif device.host is None and "gpu" in spec:
                yield device, f"passes through a GPU ({device.spec.value})"
        for kv in container.limits:
            if any(fnmatchcase(kv.key.value, pattern) for pattern in accelerators):
                yield kv.key, f"drives an accelerator through the host kernel ({kv.key.value})"


def check(workload: Workload, ctx: Context) -> Iterator[Finding]:
    runtime = runtime_isolation(workload, ctx)
    if runtime.kind is RuntimeKind.VM:
        return
    where, why = ("even under", "the sandbox passes this access through to the host kernel") \
        if runtime.kind.sandboxed else ("on the shared kernel of", "namespaces cannot isolate kernel-level access")
    trust = ctx.trust(workload)
    for node, what in _signals(workload, ctx.options["accelerator_resources"]):
        if trust.escalates:
            yield Finding(node, f"{trust.value} workload {what} {where} {runtime.label}: give it a dedicated "
                          f"node pool or a VM (e.g. a Kata GPU runtime class), since {why}", severity=Severity.HIGH)
        else:
            yield Finding(node, f"workload {what}: namespaces cannot isolate this, so run only trusted code "
                          "here and keep it on dedicated nodes")
