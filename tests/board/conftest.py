"""Fixtures for the board's device tests: a virtual clock and interrupt lines."""

import pytest

from pyxen15.events import Events


class Clock:
    """The core side of events.Events, with time set by the test."""

    def __init__(self):
        self.cycles = 0
        self.next_deadline = 1 << 62
        self.attention = False
        self.on_deadline = None


class Time:
    """Virtual time for a device under test: ``advance(seconds)`` runs every
    deadline on the way, in order, as the engine does between blocks."""

    def __init__(self):
        self.clock = Clock()
        self.events = Events()
        self.events.attach(self.clock)

    def advance_to(self, cycle: int) -> None:
        while self.events.next_deadline() <= cycle:
            self.clock.cycles = max(self.clock.cycles, self.events.next_deadline())
            self.events.run_due()
        self.clock.cycles = cycle

    def advance(self, seconds: float) -> None:
        self.advance_to(self.clock.cycles + int(round(seconds * self.events.core_hz)))


class Line:
    """An interrupt line that records its level changes."""

    def __init__(self):
        self.level = False
        self.changes = []

    def __call__(self, level: bool) -> None:
        self.level = level
        self.changes.append(level)


@pytest.fixture
def vtime():
    return Time()


@pytest.fixture
def line():
    return Line()
