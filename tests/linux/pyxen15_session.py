"""Run the Linux session (session.py) on pyxen15 and write its console.

usage: python tests/linux/pyxen15_session.py SMP CONSOLE_OUT ZIMAGE DTB INITRD [APPEND]

Run by test_session_on_pyxen15.py under PyPy (the fast runtime; a boot is
some 300 million guest instructions).  Prints one JSON line: the run's
reason, the instructions retired and the host seconds.
"""

import json
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), os.pardir, os.pardir))

import session  # noqa: E402


def main() -> None:
    smp, out, zimage, dtb, initrd = sys.argv[1:6]
    append = sys.argv[6] if len(sys.argv) > 6 else session.APPEND
    workload = {"zImage": zimage, "dtb": dtb, "initrd": initrd}
    start = time.perf_counter()
    m, result, console = session.run_pyxen15(workload, int(smp), append)
    with open(out, "wb") as f:
        f.write(console)
    print(json.dumps({"reason": result.reason, "instructions": m.icount,
                      "seconds": round(time.perf_counter() - start, 1)}))


if __name__ == "__main__":
    main()
