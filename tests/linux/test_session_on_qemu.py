"""The Linux session (session.py) on QEMU's vexpress-a15: the fetched
workload boots to the init marker there, the script's commands run, and
the checks pass on a kernel log and shell output no one here produced.
The same script drives pyxen15 through ScriptedConsole once Linux boots
on it (the MMU and VFP branches)."""

import os
import select
import subprocess
import time

import session


def run_qemu(workload, smp, append, timeout=300.0):
    argv = ["qemu-system-arm", "-M", "vexpress-a15,secure=off,virtualization=on", "-smp", str(smp),
            "-m", "512", "-kernel", workload["zImage"], "-dtb", workload["dtb"], "-initrd", workload["initrd"],
            "-append", append, "-nographic", "-monitor", "none", "-serial", "stdio"]
    env = dict(os.environ, QEMU_AUDIO_DRV="none")
    p = subprocess.Popen(argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=env)
    out = bytearray()
    pending = session.steps()
    scan = 0
    deadline = time.monotonic() + timeout
    try:
        while time.monotonic() < deadline:
            ready, _, _ = select.select([p.stdout], [], [], 1.0)
            if not ready:
                continue
            chunk = os.read(p.stdout.fileno(), 65536)
            if not chunk:
                break                                   # QEMU exited (poweroff)
            out += chunk
            while pending:
                at = out.find(pending[0][0], scan)
                if at < 0:
                    break
                scan = at + len(pending[0][0])
                p.stdin.write(pending.pop(0)[1])
                p.stdin.flush()
    finally:
        p.kill()
        p.wait()
    assert not pending, "session stopped waiting for %r:\n%s" % (pending[0][0], out[-3000:].decode("utf-8", "replace"))
    return bytes(out)


def test_the_session_passes_on_qemu_with_two_cores(workload):
    with open(os.path.join(os.path.dirname(workload["initrd"]), "busybox"), "rb") as f:
        busybox = f.read()
    start = int(time.time())
    console = run_qemu(workload, 2, session.APPEND + session.LOAD_MODULES)
    # QEMU's PL031 starts at the host's time, as pyxen15's does by default
    session.check(console, 2, busybox, (start - 5, int(time.time()) + 5), neon_modules=True)
