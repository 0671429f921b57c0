"""The generic timer (ARM ARM B8), one per core, driven by virtual time."""

from .generic import GenericTimer, TIMERS

__all__ = ["GenericTimer", "TIMERS"]
