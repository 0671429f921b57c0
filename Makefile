# pyxen15 top-level targets.
#
#   make run     set up, build the guests, run the hello guest, then the
#                benchmark on CPython (.venv) and on PyPy (.venv-pypy)
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

run: setup guests
	.venv/bin/pyxen15 run guests/build/hello.elf
	.venv/bin/pyxen15 bench
	.venv-pypy/bin/pyxen15 bench

clean:
	$(MAKE) -C guests clean
