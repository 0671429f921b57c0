"""Exceptions shared across pyxen15.

``PyxenError`` is what a user sees: the CLI prints its message as one line and
exits non-zero, never with a traceback.  ``GuestExit`` is control flow, not an
error: a guest asked to stop (semihosting SYS_EXIT / SYS_EXIT_EXTENDED) and the
run loop turns it into ``RunResult(reason="exit", exit_code=code)``.
"""


class PyxenError(Exception):
    """A user-facing error; ``str(err)`` is one line that explains it."""


class GuestExit(Exception):
    """The guest asked to stop with exit status ``code`` (an int)."""

    def __init__(self, code: int) -> None:
        super().__init__(code)
        self.code = code

    def __str__(self) -> str:
        return "guest exited with status %d" % self.code
