# pyxen15 top-level targets.
#
#   make run     set up, build the guests, run the hello guest, the benchmark
#                on CPython (.venv) and PyPy (.venv-pypy, with the FP and NEON ones), then
#                boot Debian's Linux as dom0 of the Python hypervisor to a
#                shell (PyPy; fetched once)
#   make test    set up, build the guests, run the test suite on CPython
#   make setup   Debian packages + .venv + .venv-pypy (idempotent, fast re-run)
#   make guests  build the bare-metal guests into guests/build/
#   make check-guests   run the guests under QEMU and check them
#   make clean   remove guest build products (the venvs stay)

PYTHON  := .venv/bin/python
PYPY    := .venv-pypy/bin/python
# Two workers: the machines here have two cores.
PYTEST_ARGS ?= -n 2

.PHONY: all setup guests check-guests test test-pypy run clean

all: test

setup:
	bash scripts/setup.sh

guests: setup
	$(MAKE) -C guests

check-guests: guests
	$(MAKE) -C guests check

test: setup guests
	$(PYTHON) -m pytest $(PYTEST_ARGS)

# The same suite under PyPy (slower to start, faster on long runs).
test-pypy: setup guests
	$(PYPY) -m pytest $(PYTEST_ARGS)

# Linux: Debian's kernel and a busybox initramfs (scripts/fetch-workload.sh
# fetches them once into .cache/workload), booted as dom0 of the Python
# hypervisor with two vCPUs, to a shell on hvc0 (the hypervisor's console;
# `make run HYP=none` boots natively, in HYP mode, to a shell on UART0).
# Ctrl-A X quits; `poweroff -f` in the shell ends it.
W       := .cache/workload
HYP     ?= python
BOOTARGS ?= rdinit=/init

run: setup guests
	.venv/bin/pyxen15 run guests/build/hello.elf
	.venv/bin/pyxen15 bench
	.venv-pypy/bin/pyxen15 bench --fp --neon
	bash scripts/fetch-workload.sh $(W) >/dev/null
	.venv-pypy/bin/pyxen15 boot $(W)/zImage --dtb $(W)/vexpress.dtb --initrd $(W)/initrd.gz \
	    --hyp $(HYP) --append "$(BOOTARGS)"

clean:
	$(MAKE) -C guests clean
