"""Run the Linux session (session.py) on pyxen15 and write its console.

usage: python tests/linux/pyxen15_session.py [--dom0] [--max-insns N] SMP CONSOLE_OUT ZIMAGE DTB INITRD [APPEND]

Run by test_session_on_pyxen15.py (natively) and test_dom0_on_pyxen15.py
(``--dom0``: Linux as dom0 of the Python hypervisor, SMP vCPUs) under PyPy
(the fast runtime; a boot is some 300 million guest instructions).
Prints one JSON line: the run's reason, the instructions retired, the
virtual seconds it ran (the latest core's), the host seconds and, for
dom0, the hypervisor's counters (name -> [count, cycles]).
"""

import json
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), os.pardir, os.pardir))

import session  # noqa: E402


def main() -> None:
    args = sys.argv[1:]
    dom0 = "--dom0" in args
    if dom0:
        args.remove("--dom0")
    budget = {}
    if "--max-insns" in args:
        at = args.index("--max-insns")
        budget["max_insns"] = int(args[at + 1])
        del args[at:at + 2]
    smp, out, zimage, dtb, initrd = args[:5]
    append = args[5] if len(args) > 5 else (session.DOM0_APPEND if dom0 else session.APPEND)
    workload = {"zImage": zimage, "dtb": dtb, "initrd": initrd}
    start = time.perf_counter()
    record = {}
    if dom0:
        m, result, console, hv = session.run_dom0(workload, int(smp), append, **budget)
        from pyxen15.cli import stat_rows
        record["stats"] = {name: [count, cycles] for name, count, cycles in stat_rows(hv.stats)}
    else:
        m, result, console = session.run_pyxen15(workload, int(smp), append, **budget)
    with open(out, "wb") as f:
        f.write(console)
    record.update(reason=result.reason, exit_code=result.exit_code, instructions=m.icount,
                  virtual_seconds=max(c.cycles for c in m.cpus) / m.events.core_hz,
                  seconds=round(time.perf_counter() - start, 1))
    print(json.dumps(record))


if __name__ == "__main__":
    main()
