"""Tools for looking inside a run: translated blocks on disk (blocks.py),
the GDB remote stub (gdbstub.py)."""
