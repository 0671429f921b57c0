"""(placeholder family: filled in by its owner; empty tables decode nothing)."""

from typing import Dict

from . import Op

TABLES: Dict[str, str] = {}
FIELDS: Dict[str, Dict[str, str]] = {}
HANDLERS: Dict[str, Op] = {}
