"""A GDB remote stub (`pyxen15 run/boot --gdb PORT`).

gdb (gdb-multiarch) attaches with ``target remote :PORT`` and speaks the
Remote Serial Protocol (the GDB manual, appendix "Remote Protocol"):
packets ``$data#checksum`` acknowledged with ``+`` until QStartNoAckMode.
What it can do here:

* a target description (``qXfer:features:read:target.xml``) with the core
  registers r0-r15 and CPSR (feature org.gnu.gdb.arm.core) and the VFP
  registers D0-D31 and FPSCR (org.gnu.gdb.arm.vfp); ``g/G/p/P``;
* memory by virtual address through the selected core's current
  translation (``m/M``): the MMU walk is made without filling any cache,
  and an address that faults, or is a device, answers with an error;
* breakpoints ``Z0/Z1`` (code hooks), watchpoints ``Z2/Z3/Z4`` (memory
  hooks: write, read, access) reported as ``watch:``/``rwatch:``/``awatch:``
  stops before the access, as ARM watchpoints are;
* ``c``, ``s``, ``vCont``; each core is a thread (``qfThreadInfo``,
  ``Hg``, ``T`` stop packets with ``thread:``); Ctrl-C stops the run;
* ``monitor hsr`` (HSR decoded, HDFAR/HIFAR/HPFAR), ``monitor walk VA``
  (debug/walk.py), ``monitor traps`` (exception entries counted by kind and
  by HSR.EC); ``D`` detaches and lets the guest run on, ``k`` ends it.

It never changes what the guest does: it only adds hooks for the
breakpoints and watchpoints gdb sets (and an exception hook, which only
counts), and the run between stops is one ``Machine.run`` call, so a run
with no breakpoints retires the same instructions with the same output
as one without the stub.  Ctrl-C is seen by a host thread that raises the
cores' stop request; the model itself never reads host time.
"""

import logging
import select
import socket
import threading
from typing import Dict, List, Optional, Tuple

from ..cpu.core import StopRun
from ..cpu.syndrome import decode
from ..errors import PyxenError
from .walk import debugger_pa, read_virtual, walk_lines

log = logging.getLogger(__name__)

SIGTRAP, SIGINT = 5, 2

TARGET_XML = """<?xml version="1.0"?>
<!DOCTYPE target SYSTEM "gdb-target.dtd">
<target version="1.0">
  <architecture>arm</architecture>
  <feature name="org.gnu.gdb.arm.core">
%s    <reg name="cpsr" bitsize="32" regnum="16"/>
  </feature>
  <feature name="org.gnu.gdb.arm.vfp">
%s    <reg name="fpscr" bitsize="32" type="int" group="float" regnum="49"/>
  </feature>
</target>
""" % ("".join('    <reg name="%s" bitsize="32"%s regnum="%d"/>\n' % (
    name, {"sp": ' type="data_ptr"', "lr": ' type="code_ptr"', "pc": ' type="code_ptr"'}.get(name, ""), n)
    for n, name in enumerate(["r%d" % i for i in range(13)] + ["sp", "lr", "pc"])),
       "".join('    <reg name="d%d" bitsize="64" type="ieee_double" regnum="%d"/>\n' % (i, 17 + i)
               for i in range(32)))

# register number -> (size in bytes); 0-15 r0-pc, 16 CPSR, 17-48 D0-D31, 49 FPSCR
REG_SIZES = [4] * 17 + [8] * 32 + [4]

WATCH_KINDS = {2: "watch", 3: "rwatch", 4: "awatch"}


def checksum(data: bytes) -> int:
    return sum(data) & 0xFF


def hex_le(value: int, size: int) -> str:
    return value.to_bytes(size, "little").hex()


class Connection:
    """The packet layer over one TCP connection."""

    def __init__(self, sock: socket.socket):
        self.sock = sock
        self.buf = b""
        self.ack = True

    def _fill(self) -> None:
        data = self.sock.recv(65536)
        if not data:
            raise EOFError("gdb closed the connection")
        self.buf += data

    def take_interrupt(self) -> bool:
        """While the guest runs: was Ctrl-C (0x03) sent?"""
        if b"\x03" in self.buf:
            self.buf = self.buf.replace(b"\x03", b"", 1)
            return True
        return False

    def recv_packet(self) -> Optional[str]:
        """The next packet's payload; None for a Ctrl-C outside a run."""
        while True:
            while self.buf and self.buf[:1] in (b"+", b"-"):
                self.buf = self.buf[1:]
            if self.buf[:1] == b"\x03":
                self.buf = self.buf[1:]
                return None
            start = self.buf.find(b"$")
            if start >= 0:
                end = self.buf.find(b"#", start)
                if end >= 0 and len(self.buf) >= end + 3:
                    payload = self.buf[start + 1:end]
                    want = self.buf[end + 1:end + 3]
                    self.buf = self.buf[end + 3:]
                    ok = want.lower() == b"%02x" % checksum(payload)
                    if self.ack:
                        self.sock.sendall(b"+" if ok else b"-")
                    if ok:
                        return _unescape(payload).decode("latin-1")
                    continue
            self._fill()

    def send(self, payload: str) -> None:
        data = payload.encode("latin-1")
        self.sock.sendall(b"$" + data + b"#%02x" % checksum(data))
        if self.ack:
            # wait for the '+' (a '-' asks for the packet again)
            while True:
                while not self.buf:
                    self._fill()
                c = self.buf[:1]
                if c == b"+":
                    self.buf = self.buf[1:]
                    return
                if c == b"-":
                    self.buf = self.buf[1:]
                    self.sock.sendall(b"$" + data + b"#%02x" % checksum(data))
                    continue
                return          # a packet before the ack: take it as acknowledged


def _unescape(data: bytes) -> bytes:
    if b"}" not in data:
        return data
    out = bytearray()
    it = iter(data)
    for c in it:
        if c == 0x7D:
            out.append(next(it) ^ 0x20)
        else:
            out.append(c)
    return bytes(out)


class GdbStub:
    """Serve one gdb connection for `machine` (see the module docstring)."""

    def __init__(self, machine, port: int, host: str = "127.0.0.1"):
        self.m = machine
        try:
            self.listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            self.listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            self.listener.bind((host, port))
            self.listener.listen(1)
        except OSError as err:
            raise PyxenError("--gdb %d: cannot listen: %s" % (port, err.strerror))
        self.port = self.listener.getsockname()[1]
        self.conn: Optional[Connection] = None
        self.g_core = 0                     # Hg: the core registers and memory are read from
        self.breakpoints: Dict[int, int] = {}           # address -> hook handle
        self.watchpoints: Dict[Tuple[int, int, int], int] = {}   # (kind, addr, len) -> handle
        self.traps: Dict[int, Dict[str, int]] = {c.cpu_index: {} for c in machine.cpus}
        self.trap_hook = machine.hooks.add_exception(self._count_trap)
        self.stop_core = 0
        self.stop_extra = ""                # e.g. "watch:80001000;"
        self.resume: Dict[int, Tuple[int, int]] = {}    # core -> (pc, icount) at the last resume
        self.result = None
        self.budget: Optional[int] = None

    # -- the session -------------------------------------------------------------

    def serve(self, max_insns: Optional[int] = None):
        """Wait for gdb, then obey it until the guest ends, gdb detaches (the
        guest then runs to its end) or kills it.  Returns the RunResult."""
        self.budget = max_insns
        sock, _ = self.listener.accept()
        self.listener.close()
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.conn = Connection(sock)
        try:
            while self.result is None:
                try:
                    packet = self.conn.recv_packet()
                except EOFError:
                    return self._detach()
                if packet is None:
                    self.conn.send(self._stop_reply(SIGINT))
                    continue
                reply = self.reply(packet)
                if reply is not None:
                    self.conn.send(reply)
        finally:
            sock.close()
        return self.result

    @property
    def core(self):
        return self.m.cpus[self.g_core]

    def reply(self, packet: str) -> Optional[str]:
        """The answer to a packet; a malformed one gets an error, never a traceback."""
        try:
            return self.handle(packet)
        except (ValueError, IndexError, KeyError):
            log.warning("gdb stub: malformed packet %r", packet[:80])
            return "E01"

    def handle(self, p: str) -> Optional[str]:  # noqa: C901 (one line per packet kind)
        if p.startswith("qSupported"):
            return "PacketSize=4000;qXfer:features:read+;QStartNoAckMode+;vContSupported+"
        if p == "QStartNoAckMode":
            self.conn.send("OK")
            self.conn.ack = False
            return None
        if p.startswith("qXfer:features:read:target.xml:"):
            off, length = (int(x, 16) for x in p.rsplit(":", 1)[1].split(","))
            chunk = TARGET_XML[off:off + length]
            return ("l" if off + length >= len(TARGET_XML) else "m") + chunk
        if p == "?":
            return self._stop_reply(SIGTRAP)
        if p == "qAttached":
            return "1"
        if p == "qC":
            return "QC%x" % (self.stop_core + 1)
        if p == "qfThreadInfo":
            return "m" + ",".join("%x" % (c.cpu_index + 1) for c in self.m.cpus)
        if p == "qsThreadInfo":
            return "l"
        if p.startswith("qThreadExtraInfo,"):
            c = self._thread(p.split(",", 1)[1])
            return ("cpu%d %s" % (c.cpu_index, _mode_name(c.mode))).encode().hex() if c else "E01"
        if p[0] == "H":
            if p[1] == "g":
                c = self._thread(p[2:])
                if c is not None:
                    self.g_core = c.cpu_index
            return "OK"
        if p[0] == "T":
            return "OK" if self._thread(p[1:]) is not None else "E01"
        if p == "g":
            return "".join(self._reg_hex(n) for n in range(len(REG_SIZES)))
        if p[0] == "G":
            return self._write_all(p[1:])
        if p[0] == "p":
            n = int(p[1:], 16)
            return self._reg_hex(n) if n < len(REG_SIZES) else "E01"
        if p[0] == "P":
            n, value = p[1:].split("=")
            return self._set_reg(int(n, 16), bytes.fromhex(value))
        if p[0] == "m":
            addr, length = (int(x, 16) for x in p[1:].split(","))
            data = self.read_virtual(self.core, addr, length)
            return data.hex() if data is not None else "E14"
        if p[0] == "M":
            head, data = p[1:].split(":")
            addr, _length = (int(x, 16) for x in head.split(","))
            return "OK" if self.write_virtual(self.core, addr, bytes.fromhex(data)) else "E14"
        if p[0] in "Zz" and p[1] in "01234":
            return self._point(p[0] == "Z", int(p[1]), *(int(x, 16) for x in p[3:].split(";")[0].split(",")[:2]))
        if p[0] == "c" or p[0] == "C":
            return self._continue(None)
        if p[0] == "s" or p[0] == "S":
            return self._step(self.m.cpus[self.g_core])
        if p == "vCont?":
            return "vCont;c;C;s;S"
        if p.startswith("vCont;"):
            return self._vcont(p[6:])
        if p.startswith("qRcmd,"):
            return self._monitor(bytes.fromhex(p[6:]).decode("latin-1", "replace"))
        if p[0] == "D":
            self.conn.send("OK")
            self._detach()
            return None
        if p[0] == "k" or p.startswith("vKill"):
            self.result = self._finish("killed")
            return None
        if p.startswith("qSymbol"):
            return "OK"
        return ""                           # not supported: gdb falls back

    # -- threads and registers ---------------------------------------------------

    def _thread(self, text: str):
        text = text.split(".")[-1].lstrip("p")
        if text in ("", "0", "-1"):
            return self.m.cpus[self.g_core]
        n = int(text, 16) - 1
        return self.m.cpus[n] if 0 <= n < len(self.m.cpus) else None

    def _reg(self, n: int) -> int:
        c = self.core
        if n < 16:
            return c.r[n] & 0xFFFFFFFF
        if n == 16:
            return c.get_cpsr()
        if n < 49:
            return c.vfp_d(n - 17)
        return c.fpscr

    def _reg_hex(self, n: int) -> str:
        return hex_le(self._reg(n), REG_SIZES[n])

    def _set_reg(self, n: int, raw: bytes) -> str:
        if n >= len(REG_SIZES) or len(raw) != REG_SIZES[n]:
            return "E01"
        c = self.core
        value = int.from_bytes(raw, "little")
        if n < 15:
            c.r[n] = value
        elif n == 15:
            c.pc = value & ~1
        elif n == 16:
            c.set_cpsr(value)
        elif n < 49:
            c.set_vfp_d(n - 17, value)
        else:
            c.set_fpscr(value)
        return "OK"

    def _write_all(self, text: str) -> str:
        raw = bytes.fromhex(text)
        off = 0
        for n, size in enumerate(REG_SIZES):
            if off + size > len(raw):
                break
            if self._set_reg(n, raw[off:off + size]) != "OK":
                return "E01"
            off += size
        return "OK"

    # -- memory ----------------------------------------------------------------------

    def read_virtual(self, core, va: int, length: int) -> Optional[bytes]:
        return read_virtual(self.m, core, va, length)

    def write_virtual(self, core, va: int, data: bytes) -> bool:
        pieces = []
        while data:
            n = min(len(data), 0x1000 - (va & 0xFFF))
            pa = debugger_pa(self.m, core, va, True)
            if pa is None:
                return False
            pieces.append((pa, data[:n]))
            va, data = (va + n) & 0xFFFFFFFF, data[n:]
        for pa, chunk in pieces:
            self.m.mem.write(pa, chunk)       # drops translated code it overwrites
        return True

    # -- breakpoints and watchpoints --------------------------------------------------

    def _point(self, insert: bool, kind: int, addr: int, length: int) -> str:
        if kind in (0, 1):
            if insert and addr not in self.breakpoints:
                self.breakpoints[addr] = self.m.hooks.add_code(self._breakpoint_hit, addr)
            elif not insert and addr in self.breakpoints:
                self.m.hooks.remove(self.breakpoints.pop(addr))
            return "OK"
        key = (kind, addr, length)
        if insert and key not in self.watchpoints:
            self.watchpoints[key] = self.m.hooks.add_mem(
                lambda core, access, a, size, value, kind=kind, addr=addr: self._watch_hit(core, kind, addr),
                addr, addr + max(length, 1), read=kind in (3, 4), write=kind in (2, 4))
        elif not insert and key in self.watchpoints:
            self.m.hooks.remove(self.watchpoints.pop(key))
        return "OK"

    def _breakpoint_hit(self, core, address: int) -> None:
        if self.resume.get(core.cpu_index) == (address, core.icount):
            return
        self.stop_core, self.stop_extra = core.cpu_index, ""
        raise StopRun("breakpoint")

    def _watch_hit(self, core, kind: int, addr: int) -> None:
        # (the core stops before the access; gdb steps over it with its
        # watchpoints removed, as on ARM hardware)
        self.stop_core = core.cpu_index
        self.stop_extra = "%s:%x;" % (WATCH_KINDS[kind], addr)
        raise StopRun("watchpoint")

    # -- running -----------------------------------------------------------------------

    def _mark_resume(self) -> None:
        self.resume = {c.cpu_index: (c.pc, c.icount) for c in self.m.cpus}

    def _left(self) -> Optional[int]:
        if self.budget is None:
            return None
        return max(self.budget - self.m.icount, 0)

    def _continue(self, _addr) -> Optional[str]:
        self._mark_resume()
        left = self._left()
        if left == 0:
            self.result = self._finish("max_insns")
            return self._exit_reply()
        stop = threading.Event()
        watcher = threading.Thread(target=self._watch_interrupt, args=(stop,), daemon=True)
        watcher.start()
        try:
            result = self.m.run(max_insns=left)
        finally:
            stop.set()
            watcher.join()
        return self._after_run(result)

    def _watch_interrupt(self, stop: threading.Event) -> None:
        """A host thread, while the guest runs: Ctrl-C from gdb stops every
        core at its next block boundary."""
        sock = self.conn.sock
        while not stop.is_set():
            r, _, _ = select.select([sock], [], [], 0.05)
            if r and not stop.is_set():
                try:
                    data = sock.recv(4096)
                except OSError:
                    return
                if not data:
                    return
                self.conn.buf += data
                if self.conn.take_interrupt():
                    for c in self.m.cpus:
                        c.stop_request = StopRun("interrupt")
                        c.attention = True

    def _step(self, core) -> Optional[str]:
        self._mark_resume()
        if self._left() == 0:
            self.result = self._finish("max_insns")
            return self._exit_reply()
        self.m.events.current = core
        try:
            reason = core.run(max_insns=1)
        finally:
            self.m.events.current = self.m.cpus[0]
        if reason == "max_insns":
            self.stop_core, self.stop_extra = core.cpu_index, ""
            return self._stop_reply(SIGTRAP)
        from ..machine import RunResult
        code = core.stop_reason.exit_code if reason == "exit" else None
        return self._after_run(RunResult(reason, code), core)

    def _vcont(self, actions: str) -> Optional[str]:
        for action in actions.split(";"):
            verb, _, thread = action.partition(":")
            if verb[:1] in ("s", "S"):
                core = self._thread(thread) if thread else self.core
                return self._step(core)
        return self._continue(None)

    def _after_run(self, result, core=None) -> Optional[str]:
        reason = result.reason
        if reason in ("breakpoint", "watchpoint"):
            return self._stop_reply(SIGTRAP)
        if reason == "interrupt":
            return self._stop_reply(SIGINT)
        self.result = result
        return self._exit_reply()

    def _exit_reply(self) -> str:
        code = self.result.exit_code if self.result.reason == "exit" else 0
        return "W%02x" % ((code or 0) & 0xFF)

    def _stop_reply(self, signal: int) -> str:
        self.g_core = self.stop_core
        return "T%02x%sthread:%x;" % (signal, self.stop_extra, self.stop_core + 1)

    def _finish(self, reason: str):
        from ..machine import RunResult
        return RunResult(reason)

    def _remove_all(self) -> None:
        for h in list(self.breakpoints.values()) + list(self.watchpoints.values()):
            self.m.hooks.remove(h)
        self.breakpoints.clear()
        self.watchpoints.clear()
        self.m.hooks.remove(self.trap_hook)

    def _detach(self):
        """gdb has gone: remove what it set and let the guest run on."""
        self._remove_all()
        self.result = self.m.run(max_insns=self._left())
        return self.result

    # -- monitor commands ------------------------------------------------------------------

    def _count_trap(self, core, event) -> None:
        counts = self.traps[core.cpu_index]
        key = event.kind if event.syndrome is None else "%s EC=0x%02x %s" % (
            event.kind, event.syndrome.ec, type(event.syndrome).__name__)
        counts[key] = counts.get(key, 0) + 1

    def _monitor(self, command: str) -> str:
        words = command.split()
        if not words:
            return "OK"
        try:
            lines = self.monitor(words)
        except ValueError as err:
            lines = ["error: %s" % err]
        self.conn.send("O" + ("\n".join(lines) + "\n").encode().hex())
        return "OK"

    def monitor(self, words: List[str]) -> List[str]:
        core = self.core
        if words[0] == "hsr":
            s = core.sys
            return ["cpu%d HSR 0x%08x %r" % (core.cpu_index, s.hsr, decode(s.hsr)),
                    "HDFAR 0x%08x HIFAR 0x%08x HPFAR 0x%08x (IPA page 0x%x)" % (
                        s.hdfar, s.hifar, s.hpfar, (s.hpfar >> 4) << 12)]
        if words[0] == "walk":
            if len(words) < 2:
                raise ValueError("walk VA [read|write|fetch]")
            va = int(words[1], 0)
            access = words[2] if len(words) > 2 else "read"
            return walk_lines(core, va, write=access == "write", fetch=access == "fetch")
        if words[0] == "traps":
            out = []
            for cpu, counts in self.traps.items():
                out.append("cpu%d: %d exception entries" % (cpu, sum(counts.values())))
                out.extend("  %6d  %s" % (n, k) for k, n in sorted(counts.items(), key=lambda kv: -kv[1]))
            return out
        return ["monitor commands: hsr, walk VA [read|write|fetch], traps"]


def _mode_name(mode: int) -> str:
    return {0x10: "USR", 0x11: "FIQ", 0x12: "IRQ", 0x13: "SVC", 0x17: "ABT", 0x1A: "HYP",
            0x1B: "UND", 0x1F: "SYS"}.get(mode, "mode 0x%x" % mode)
