"""Signals as the tests need them, whatever way the suite was started.

A shell starts a background job (`make test &`, a script's `cmd &`) with SIGINT ignored, and
Python then keeps it ignored, as do the processes it starts. A test that presses Ctrl-C must
set the disposition it needs first, or its press lands nowhere and the command runs on.
"""

import contextlib
import signal
from collections.abc import Iterator


@contextlib.contextmanager
def ctrl_c_as_in_a_terminal() -> Iterator[None]:
    """In this process, Ctrl-C raises KeyboardInterrupt (Python's own handler), as it does
    in a terminal; the disposition before is restored after."""
    before = signal.getsignal(signal.SIGINT)
    signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, before)


def ctrl_c_reaches_the_child() -> None:
    """For `subprocess.Popen(preexec_fn=...)`: the child starts with SIGINT at its default, so
    Python installs its handler there, as in a command typed in a terminal."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)
