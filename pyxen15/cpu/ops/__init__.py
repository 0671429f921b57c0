"""Instruction families: encodings beside their semantics.

Each family module holds, for one group of the ARM ARM's instruction index,
the encoding tables of every instruction set it appears in and the
handlers those encodings decode to.  A module exports:

* ``TABLES``: ``{"A32": text, "A32U": text, "T32": text, "T16": text}``,
  decodetree-style tables (A32U is the unconditional space, cond == 0b1111);
* ``FIELDS``: ``{isa: {letter: field name}}`` for any letters it adds to the
  instruction set's common legend (decode.py);
* ``HANDLERS``: ``{pattern name: Op}``, filled with the :func:`op` decorator;
* optionally ``RUNTIME``: ``{name: function}``, helpers the emitted code calls
  (they join the blocks' namespace, so names must be unique across families).

A handler is ``emit(e, f)``: `e` is the block's Emitter (translate.py) and
`f` the pattern's raw fields.  It decodes them to canonical operands (the
ARM ARM's per-encoding "decode" step) and emits the operation's shared
execute step, so every encoding of an operation runs the same semantics.
"""

from typing import Callable, Dict


class Op:
    __slots__ = ("emit", "cycles")

    def __init__(self, emit: Callable, cycles: int):
        self.emit = emit
        self.cycles = cycles      # base cost in the A15 timing table's classes


def op(registry: Dict[str, Op], *names: str, cycles: int = 1):
    """Register `fn` as the handler of the named patterns, with a base cycle cost."""
    def register(fn: Callable) -> Callable:
        for name in names:
            if name in registry:
                raise ValueError("pattern %s registered twice" % name)
            registry[name] = Op(fn, cycles)
        return fn
    return register
