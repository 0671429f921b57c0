"""The pyxen15 command line.

Every failure a user can cause (a missing or malformed image, a bad address,
an unknown option) ends in one line on stderr and a non-zero exit status.
"""

import json
import os
import sys
import time
from typing import Optional

import click

from . import __version__
from .errors import PyxenError

EXIT_BUDGET = 124          # like timeout(1): the instruction budget ran out
EXIT_HALT = 125            # the guest waits for an event that can never come
EXIT_LOCKUP = 126          # exception vectors that cannot be fetched

EXIT_KILLED = 137          # gdb's kill command ended the run

RUN_REASON_EXIT = {"max_insns": EXIT_BUDGET, "max_cycles": EXIT_BUDGET, "halt": EXIT_HALT,
                   "lockup": EXIT_LOCKUP, "killed": EXIT_KILLED}
RUN_REASON_TEXT = {"max_insns": "instruction budget exhausted", "max_cycles": "cycle budget exhausted",
                   "halt": "the guest waits for an interrupt that cannot come",
                   "lockup": "the guest took an abort on fetching its exception vector",
                   "killed": "killed from gdb"}


def _int(text: str) -> int:
    try:
        return int(text, 0)
    except ValueError:
        raise click.BadParameter("%r is not a number" % text)


class Address(click.ParamType):
    name = "address"

    def convert(self, value, param, ctx):
        if isinstance(value, int):
            return value
        try:
            n = int(value, 0)
        except ValueError:
            self.fail("%r is not an address" % value, param, ctx)
        if not 0 <= n <= 0xFFFFFFFF:
            self.fail("0x%x is not a 32-bit address" % n, param, ctx)
        return n


ADDRESS = Address()


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="pyxen15")
def cli() -> None:
    """pyxen15: a Cortex-A15 with the Virtualization Extensions, and a Xen-style
    hypervisor, in Python."""


def _debugging_options(command):
    """The options `run` and `boot` share for looking inside a run (debug/)."""
    for option in reversed([
            click.option("--trace", "trace_file", type=click.Path(dir_okay=False),
                         help="write one JSON line per trap the Python hypervisor handles into this file "
                              "(pyxen15 trace-report reads it)"),
            click.option("--dump-blocks", type=click.Path(file_okay=False),
                         help="write every translated block's Python source (with disassembly) into this directory"),
            click.option("--gdb", "gdb_port", type=click.IntRange(0, 65535),
                         help="wait for gdb on this TCP port (target remote :PORT) before running; 0: any free port"),
            click.option("--debug", "debug", is_flag=True,
                         help="stop at the first instruction in the interactive debugger, a pdb with machine "
                              "commands (the guest's console then has no input)"),
            click.option("--symbols", type=click.Path(dir_okay=False),
                         help="symbols for --debug: an ELF, a vmlinux or a System.map (run: default the image, "
                              "when it is an ELF)")]):
        command = option(command)
    return command


@cli.command()
@click.argument("image", type=click.Path(dir_okay=False))
@click.option("--entry", type=ADDRESS, help="start address (default: the ELF entry, or --load-addr)")
@click.option("--load-addr", type=ADDRESS, default=0x80000000, show_default="0x80000000",
              help="where a raw binary is loaded")
@click.option("--max-insns", type=click.IntRange(min=1), help="stop after this many instructions")
@click.option("--ram-size", default="512M", show_default=True, help="RAM size (K/M/G suffixes)")
@click.option("--semihosting/--no-semihosting", default=True, show_default=True,
              help="ARM semihosting calls (SVC 0x123456 / 0xAB)")
@click.option("--hyp", "hyp_entry", is_flag=True, help="start in HYP mode instead of SVC")
@click.option("--smp", type=int, default=1, show_default=True,
              help="number of cores (1-4); every core starts at the entry, as on QEMU")
@click.option("--thumb", is_flag=True, help="start in Thumb state (a raw image; ELF entries say it themselves)")
@click.option("--regs-out", type=click.Path(dir_okay=False, writable=True),
              help="write the final registers to this JSON file")
@click.option("--stats", is_flag=True, help="print instructions, cycles and MIPS to stderr")
@click.option("--xen", "as_domain", is_flag=True,
              help="run the ELF as domain 1 of the Python hypervisor, one vCPU per core (guests/xen)")
@_debugging_options
def run(image, entry, load_addr, max_insns, ram_size, semihosting, hyp_entry, smp, thumb, regs_out,
        stats, as_domain, trace_file, dump_blocks, gdb_port, debug, symbols):
    """Run a bare-metal ELF or raw binary on the Versatile Express model.

    UART0 output goes to stdout.  The exit status is the guest's semihosting
    exit status, 124 if --max-insns ran out, 125 if the guest waits forever.
    """
    from .machine import Machine
    m = Machine(ram_size=_size(ram_size), semihosting=semihosting, smp=smp)
    m.reset(hyp=hyp_entry)
    m.hooks.add_console(_stdout)
    _dump_blocks(m, dump_blocks)
    hv = None
    if trace_file and not as_domain:
        raise PyxenError("--trace records the Python hypervisor's traps: it needs --xen (or boot --hyp python)")
    if as_domain:
        hv = _xen_guest(m, image, smp, hyp_entry or entry is not None)
    elif _is_elf(image):
        m.load_elf(image)
    else:
        m.load_raw(image, load_addr)
        for cpu in m.cpus:
            cpu.T = 1 if thumb else 0
    if entry is not None:
        if not _in_ram(m, entry):
            raise PyxenError("entry address 0x%08x is not in RAM" % entry)
        for cpu in m.cpus:
            cpu.pc = entry & ~1
            cpu.T = 1 if (entry & 1 or thumb) else cpu.T
    if debug and gdb_port is not None:
        raise PyxenError("--debug and --gdb are two debuggers: choose one")
    trace = _trace(hv, trace_file)
    start = time.perf_counter()
    try:
        if debug:
            from .debug.debugger import Debugger, Symbols
            syms = Symbols.load(symbols) if symbols else (Symbols.load(image) if _is_elf(image) else None)
            result = Debugger(m, syms, max_insns, hv=hv).main_loop()
        else:
            result = _run_machine(m, max_insns, gdb_port)
    finally:
        if trace is not None:
            trace.close()
    elapsed = time.perf_counter() - start
    sys.stdout.flush()
    if regs_out:
        _write_regs(m, regs_out)
    if stats:
        click.echo("pyxen15: %d instructions, %d cycles, %.2f s, %.2f MIPS" % (
            m.icount, m.cycles, elapsed, m.icount / elapsed / 1e6 if elapsed else 0.0), err=True)
    if result.reason == "exit":
        sys.exit(result.exit_code & 0xFF)
    if result.reason == "debug_quit":
        sys.exit(0)
    _exit_stopped(m, result)


@cli.command()
@click.option("--json", "as_json", is_flag=True, help="one JSON object (a line) per workload instead of text")
@click.option("--image", type=click.Path(dir_okay=False), help="the workload (default: guests/build/bench.elf)")
@click.option("--mmu", "variant", type=click.Choice(["off", "s1", "s12"]), default="off",
              help="MMU off, LPAE stage 1 (4 KiB pages), or stage 1 + stage 2 entered from HYP")
@click.option("--all", "every", is_flag=True,
              help="run all three --mmu variants, each in a fresh process of this runtime")
@click.option("--repeat", type=click.IntRange(1, 10), default=1,
              help="run the variants in turn N times and keep each one's fastest run")
@click.option("--fp", "with_fp", is_flag=True,
              help="also the floating-point workload (guests/build/fpbench.elf), one more line")
@click.option("--neon", "with_neon", is_flag=True,
              help="also the Advanced SIMD workload (guests/build/neonbench.elf), one more line")
def bench(as_json, image, variant, every, repeat, with_fp, with_neon):
    """Run the fixed CPU-bound workload and report guest MIPS."""
    from .bench import VARIANTS, run_bench, run_bench_process
    image = image or _default_bench()
    fp_image = _default_bench("fpbench.elf") if with_fp else None
    neon_image = _default_bench("neonbench.elf") if with_neon else None
    variants = VARIANTS if every else (variant,)
    best = {}
    for _ in range(repeat):
        for v in variants:
            # A run leaves the JIT and the heap warm for (or cluttered by) the
            # next one, so variants compared with each other get a process each.
            r = run_bench_process(image, v) if every or repeat > 1 else run_bench(image, v)
            if v not in best or r["cpu_seconds"] < best[v]["cpu_seconds"]:
                best[v] = r
    records = [best[v] for v in variants]
    fp = None
    if fp_image is not None:
        # Always a process of its own: run after the integer workload in
        # this one, it would start from that run's JIT state (traces of the
        # engine specialised to the other workload's blocks) instead of
        # from the state the integer workload started from.
        fp = run_bench_process(fp_image, "off")
    # The same for the Advanced SIMD workload (issue 10: at least a third of
    # the integer workload's MIPS on PyPy).
    neon = run_bench_process(neon_image, "off") if neon_image is not None else None
    if as_json:
        if every:
            base = records[0]["cpu_mips"]
            click.echo(json.dumps({"runs": records,
                                   "ratios": {r["variant"]: round(r["cpu_mips"] / base, 3) for r in records}}))
        else:
            click.echo(json.dumps(records[0]))
        if fp is not None:
            click.echo(json.dumps(fp))
        if neon is not None:
            click.echo(json.dumps(neon))
        return
    for r in records:
        label = "" if not every and r["variant"] == "off" else " [mmu %s]" % r["variant"]
        ratio = ""
        if every:
            ratio = "; CPU time %.2f s = %.2f MIPS" % (r["cpu_seconds"], r["cpu_mips"])
            if r is not records[0]:
                ratio += ", %.0f%% of off" % (100 * r["cpu_mips"] / records[0]["cpu_mips"])
        click.echo("bench%s: %d instructions in %.2f s = %.2f MIPS%s (%s)" % (
            label, r["instructions"], r["seconds"], r["mips"], ratio, r["runtime"]))
    if fp is not None:
        click.echo("fpbench: %d instructions in %.2f s = %.2f MIPS (%s)" % (
            fp["instructions"], fp["seconds"], fp["mips"], fp["runtime"]))
    if neon is not None:
        click.echo("neonbench: %d instructions in %.2f s = %.2f MIPS, %.2f of bench's by CPU time (%s)"
                   % (neon["instructions"], neon["seconds"], neon["mips"],
                      neon["cpu_mips"] / records[0]["cpu_mips"], neon["runtime"]))


@cli.command("trace-report")
@click.argument("trace_file", metavar="FILE", type=click.Path(dir_okay=False))
@click.option("--plot", "plot_file", metavar="OUT", type=click.Path(dir_okay=False),
              help="draw the timeline (traps by class over virtual time, per vCPU) into OUT.png or OUT.svg "
                   "(needs matplotlib)")
def trace_report(trace_file, plot_file):
    """Tables of a --trace file: traps by class, hypercalls by operation,
    per vCPU, with counts and cycles; and with --plot, its timeline."""
    from .debug.trace_report import report
    for line in report(trace_file, plot_file):
        click.echo(line)


# -- pyxen15 boot: Linux on the board (board_vexpress/linux_boot.py) ----------------

BOOT_REASON_TEXT = {"poweroff": None, "reboot": "the guest reset the board",
                    "quit": "quit (Ctrl-A X)", "debug_quit": "quit from the debugger"}


# As with Xen on the board, the kernel boots as dom0 unless told otherwise
# (`--hyp none`: natively, entered in HYP mode).
DEFAULT_HYP = "python"


@cli.command()
@click.argument("kernel", type=click.Path(dir_okay=False))
@click.option("--dtb", required=True, type=click.Path(dir_okay=False), help="the board's device tree blob")
@click.option("--initrd", type=click.Path(dir_okay=False), help="an initramfs (cpio, maybe compressed)")
@click.option("--append", "bootargs", help="the kernel command line (/chosen/bootargs)")
@click.option("--mem", default="512M", show_default=True, help="the board's RAM (K/M/G suffixes), at most 2G")
@click.option("--smp", type=int, help="number of cores, 1-4 (default: the CPUs the DTB lists)")
@click.option("--entry", "entry_mode", type=click.Choice(["hyp", "svc"]),
              help="the mode the kernel is entered in, natively (default hyp; dom0 is entered in SVC)")
@click.option("--hyp", "hyp", type=click.Choice(["python", "none"]), default=DEFAULT_HYP, show_default=True,
              help="python: the Python hypervisor boots the kernel as dom0; none: natively")
@click.option("--dom0-mem", help="dom0's RAM (default: --mem minus the hypervisor's 16M)")
@click.option("--dom0-vcpus", type=int, help="dom0's vCPUs, one per core (default: the cores)")
@click.option("--max-insns", type=click.IntRange(min=1), help="stop after this many instructions")
@click.option("--rtc-base", type=click.IntRange(min=0, max=0xFFFFFFFF),
              help="the PL031's time at boot, in seconds since 1970 (default: the host's time)")
@_debugging_options
def boot(kernel, dtb, initrd, bootargs, mem, smp, entry_mode, hyp, dom0_mem, dom0_vcpus, max_insns,
         rtc_base, trace_file, dump_blocks, gdb_port, debug, symbols):
    """Boot a Linux kernel (zImage, Image or ELF vmlinux) on the board,
    natively or as dom0 of the Python hypervisor.

    The console is UART0 natively, dom0's hvc0 (the hypervisor's console)
    under the hypervisor: its output goes to stdout, stdin to its input
    (raw when a terminal; Ctrl-A X quits).  The guest's poweroff ends
    pyxen15 with status 0; 124 if --max-insns ran out.  Under the
    hypervisor the closing lines count its traps and hypercalls.
    """
    from .board_vexpress.console import HostConsole
    if debug and gdb_port is not None:
        raise PyxenError("--debug and --gdb are two debuggers: choose one")
    m, hv, feed = setup_boot(kernel, dtb, initrd, bootargs, _size(mem), smp, entry_mode, hyp,
                             _size(dom0_mem) if dom0_mem is not None else None, dom0_vcpus, rtc_base)
    m.hooks.add_console(_stdout)
    _dump_blocks(m, dump_blocks)
    if trace_file and hv is None:
        raise PyxenError("--trace records the Python hypervisor's traps: it needs --hyp python")
    trace = _trace(hv, trace_file)
    start = time.perf_counter()
    try:
        if debug:
            # the terminal is the debugger's: the guest's console has no input
            from .debug.debugger import Debugger, Symbols
            result = Debugger(m, Symbols.load(symbols) if symbols else None, max_insns, hv=hv).main_loop()
        else:
            with HostConsole(m, sys.stdin.fileno() if _has_stdin() else -1, flush=sys.stdout.flush, feed=feed):
                result = _run_machine(m, max_insns, gdb_port)
    finally:
        elapsed = time.perf_counter() - start
        if trace is not None:
            trace.close()
        sys.stdout.flush()
        _boot_stats(m, elapsed)
        if hv is not None:
            for line in hyp_stats_table(hv.stats):
                click.echo(line, err=True)
    if result.reason in BOOT_REASON_TEXT:
        if BOOT_REASON_TEXT[result.reason]:
            click.echo("pyxen15: %s" % BOOT_REASON_TEXT[result.reason], err=True)
        sys.exit(0)
    _exit_stopped(m, result)


def _exit_stopped(m, result) -> None:
    """Exit for a run the guest did not end: a stop reason (budget, breakpoint,
    ...) is one line and its status; anything else is status 0."""
    if result.reason in RUN_REASON_EXIT:
        click.echo("pyxen15: stopped: %s, after %d instructions, pc=0x%08x" % (
            RUN_REASON_TEXT[result.reason], m.icount, m.cpu.pc), err=True)
        sys.exit(RUN_REASON_EXIT[result.reason])
    sys.exit(0)


def _run_machine(m, max_insns: Optional[int], gdb_port: Optional[int]):
    """Run to the end, or under gdb's control with --gdb (debug/gdbstub.py)."""
    if gdb_port is None:
        return m.run(max_insns=max_insns)
    from .debug.gdbstub import GdbStub
    stub = GdbStub(m, gdb_port)
    click.echo("pyxen15: waiting for gdb on port %d (target remote :%d)" % (stub.port, stub.port), err=True)
    return stub.serve(max_insns)


def _xen_guest(m, image: str, vcpus: int = 1, placed: bool = False):
    """The Python hypervisor on `m` with `image` as domain 1 (not the
    hardware domain): its RAM the first 16 MiB of the board's at IPA ==
    PA, UART0 passed through, vCPU 0 started at the ELF's entry in SVC
    (as tests/hyp's fixture builds the guests/xen guests)."""
    if placed or not _is_elf(image):
        raise PyxenError("--xen runs an ELF as a domain: it takes no --hyp, --entry or raw image")
    from .board_vexpress.memmap import RAM_BASE
    from .hyp import Hypervisor
    from .loader import load_elf
    hv = Hypervisor(m)
    hv.attach()
    d = hv.create_domain(1, [(RAM_BASE, RAM_BASE, min(16 << 20, m.ram.size // 2))], vcpus)
    d.p2m.map(UART0_BASE, UART0_BASE, 0x1000, device=True, executable=False)
    entry, thumb = load_elf(image, m.mem)
    hv.start_vcpu(d.vcpus[0], entry, thumb=thumb)
    return hv


UART0_BASE = 0x1C090000


def _trace(hv, path: Optional[str]):
    """--trace: the hypervisor's traps into `path` (debug/trace.py), or None."""
    if not path:
        return None
    from .debug.trace import TrapTrace
    return TrapTrace(hv, path).install()


def _dump_blocks(m, directory: Optional[str]) -> None:
    if directory:
        from .debug.blocks import BlockDumper
        dumper = BlockDumper(directory)
        for cpu in m.cpus:
            cpu.dump_blocks = dumper


def setup_boot(kernel: str, dtb: str, initrd: Optional[str], bootargs: Optional[str], ram_size: int,
               smp: Optional[int] = None, entry_mode: Optional[str] = None, hyp: str = "none",
               dom0_mem: Optional[int] = None, dom0_vcpus: Optional[int] = None,
               rtc_base: Optional[int] = None):
    """The machine `pyxen15 boot` runs, loaded: natively (hyp "none") or
    with the Python hypervisor and dom0 built (hyp "python").  Returns
    (machine, hypervisor or None, the console's input: a feed callable, or
    None for UART0).  Every bad input is a PyxenError, raised before the
    machine is built."""
    from .board_vexpress import linux_boot
    if hyp == "python":
        from .hyp import domain_build
        if entry_mode is not None:
            raise PyxenError("--entry is for the native boot: dom0 is entered in SVC (--hyp python)")
        cores = _boot_cores(smp, linux_boot.dtb_cpus(linux_boot.read_dtb(dtb)), linux_boot.MAX_CPUS)
        spec = domain_build.dom0_spec(ram_size, dom0_mem, dom0_vcpus if dom0_vcpus is not None else cores, cores)
        plan = domain_build.plan_dom0(kernel, dtb, spec, initrd, bootargs)
        from .hyp import Hypervisor
        m = _boot_machine(ram_size, rtc_base, cores)
        hv = Hypervisor(m)
        hv.attach()
        domain_build.build_dom0(hv, plan, spec)
        return m, hv, hv.console.feed
    if dom0_mem is not None or dom0_vcpus is not None:
        raise PyxenError("--dom0-mem and --dom0-vcpus need --hyp python")
    plan = linux_boot.plan_boot(kernel, dtb, ram_size, initrd, bootargs)
    cores = _boot_cores(smp, plan.cpus, linux_boot.MAX_CPUS)
    m = _boot_machine(ram_size, rtc_base, cores)
    linux_boot.load(m, plan, hyp=(entry_mode or "hyp") == "hyp")
    return m, None, None


def _boot_cores(smp: Optional[int], dtb_cpus: int, limit: int) -> int:
    if smp is None:
        if dtb_cpus > limit:
            raise PyxenError("the DTB lists %d CPUs; pyxen15 models at most %d (pass --smp)" % (dtb_cpus, limit))
        return dtb_cpus
    if not 1 <= smp <= limit:
        raise PyxenError("--smp %d: pyxen15 models 1 to %d cores" % (smp, limit))
    return smp


def _boot_machine(ram_size: int, rtc_base: Optional[int], cores: int):
    from .machine import Machine
    return Machine(ram_size=ram_size, semihosting=False, rtc_base=rtc_base, smp=cores)


def _has_stdin() -> bool:
    try:
        sys.stdin.fileno()
        return True
    except (AttributeError, ValueError, OSError):
        return False


def _boot_stats(m, elapsed: float) -> None:
    """The one closing line: guest instructions, host seconds, MIPS."""
    click.echo("pyxen15: %d instructions, %.2f s, %.2f MIPS" % (
        m.icount, elapsed, m.icount / elapsed / 1e6 if elapsed else 0.0), err=True)


def stat_rows(stats):
    """(name, count, cycles) of each counter in the hypervisor's stats."""
    rows = stats.rows() if hasattr(stats, "rows") else [(k, v[0], v[1]) for k, v in dict(stats).items()]
    return sorted(rows)


def hyp_stats_table(stats) -> list:
    """The closing table of a boot under the hypervisor: traps by class and
    hypercalls by operation, with counts and the cycles charged.  The
    hypervisor names a hypercall "hc:<family>.<op>" and a trap by its class."""
    groups = {"traps": [], "hypercalls": []}
    for name, count, cycles in stat_rows(stats):
        if name.startswith("hc:"):
            groups["hypercalls"].append((name[3:], count, cycles))
        else:
            groups["traps"].append((name, count, cycles))
    lines = []
    for kind, rows in groups.items():
        if not rows:
            continue
        width = max(len(r[0]) for r in rows + [("total", 0, 0)])
        lines.append("pyxen15: %-*s %12s %14s" % (width + 2, kind, "count", "cycles"))
        for what, count, cycles in rows:
            lines.append("pyxen15:   %-*s %12d %14d" % (width, what, count, cycles))
        lines.append("pyxen15:   %-*s %12d %14d" % (width, "total", sum(r[1] for r in rows),
                                                     sum(r[2] for r in rows)))
    return lines


def _default_bench(name: str = "bench.elf") -> str:
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    path = os.path.join(root, "guests", "build", name)
    if not os.path.exists(path):
        raise PyxenError("%s not found: build the guests first (make guests)" % path)
    return path


def _stdout(data: bytes) -> None:
    sys.stdout.buffer.write(data)
    if b"\n" in data:
        sys.stdout.flush()


def _is_elf(path: str) -> bool:
    try:
        with open(path, "rb") as f:
            return f.read(4) == b"\x7fELF"
    except OSError as err:
        raise PyxenError("cannot read %s: %s" % (path, err.strerror))


def _in_ram(m, addr: int) -> bool:
    return m.ram.base <= addr < m.ram.base + m.ram.size


def _size(text: str) -> int:
    units = {"K": 1 << 10, "M": 1 << 20, "G": 1 << 30}
    t = text.strip().upper().rstrip("B")
    try:
        if t and t[-1] in units:
            return int(t[:-1], 0) * units[t[-1]]
        return int(t, 0)
    except ValueError:
        raise PyxenError("bad size %r (use e.g. 512M)" % text)


def _write_regs(m, path: str) -> None:
    cpu = m.cpu
    regs = {"r%d" % i: cpu.r[i] for i in range(15)}
    regs.update(pc=cpu.pc, cpsr=cpu.get_cpsr(), mode=cpu.mode, icount=m.icount, cycles=m.cycles)
    try:
        with open(path, "w") as f:
            json.dump(regs, f, indent=1, sort_keys=True)
    except OSError as err:
        raise PyxenError("cannot write %s: %s" % (path, err.strerror))


# PyPy's JIT parameters for an emulator's workload: many small generated
# functions (translated blocks) that a guest runs in turn.  Tracing them
# sooner pays for itself: measured on the A32 bench, 15 -> 22 MIPS; on the
# Thumb-2 bench it is neutral.  PYXEN15_PYPY_JIT overrides (pypy --jit syntax).
PYPY_JIT_PARAMS = "threshold=200,function_threshold=300,trace_eagerness=100"


def _tune_pypy_jit() -> None:
    try:
        import pypyjit
    except ImportError:
        return                              # CPython
    params = os.environ.get("PYXEN15_PYPY_JIT", PYPY_JIT_PARAMS)
    try:
        pypyjit.set_param(params)
    except Exception:
        raise PyxenError("PYXEN15_PYPY_JIT: bad JIT parameters %r" % params)


def main(argv: Optional[list] = None) -> None:
    """Entry point: click in non-standalone mode, so every error is one line."""
    try:
        _tune_pypy_jit()
        rv = cli.main(args=argv, prog_name="pyxen15", standalone_mode=False)
    except click.exceptions.Exit as e:
        sys.exit(e.exit_code)
    except click.ClickException as e:
        click.echo("pyxen15: error: %s" % e.format_message().replace("\n", " "), err=True)
        sys.exit(e.exit_code if e.exit_code else 2)
    except click.Abort:
        click.echo("pyxen15: aborted", err=True)
        sys.exit(130)
    except PyxenError as e:
        click.echo("pyxen15: error: %s" % e, err=True)
        sys.exit(1)
    sys.exit(rv if isinstance(rv, int) else 0)


if __name__ == "__main__":
    main()
