"""Ctrl-C and variable writes: a KeyboardInterrupt (SIGINT: a terminal's Ctrl-C, a notebook's
"interrupt kernel") that arrives while a run is writing variables waits until the run ends, so a
training step is applied whole or not at all.

A plan that writes variables schedules its writes last and calls `begin_writes()` just before
the first one; `end_writes()` after the run raises the KeyboardInterrupt that arrived meanwhile.
The SIGINT handler this needs is installed in front of the one in place (which it calls when no
run is writing) the first time such a plan is built in the main thread; a handler that is not a
Python callable (SIG_IGN, SIG_DFL) is left alone. Only the main thread receives SIGINT, so only
its runs defer it. A second Ctrl-C while one is deferred is raised at once (a write phase that
does not end, say a loop op scheduled after a write, stays interruptible). Writes inside the
sub-graphs of control flow (a loop body) do not start a write phase: a loop must stay
interruptible, and its iterations are applied one by one anyway.
"""

import signal
import threading

_MAIN_THREAD = threading.main_thread().ident


class _Deferral:
    writing = False   # the main thread is inside a run's write phase
    pending = False   # a SIGINT arrived meanwhile
    previous = None   # the handler installed before ours


_deferral = _Deferral()


def _on_sigint(signum, frame):
    if _deferral.writing and not _deferral.pending:
        _deferral.pending = True
        return
    _deferral.previous(signum, frame)  # a second Ctrl-C does not wait


def install():
    """Puts the deferring SIGINT handler in front of the current one (main thread only)."""
    if threading.get_ident() != _MAIN_THREAD:
        return
    current = signal.getsignal(signal.SIGINT)
    if current is _on_sigint or not callable(current):
        return
    _deferral.previous = current
    signal.signal(signal.SIGINT, _on_sigint)


def begin_writes():
    if threading.get_ident() == _MAIN_THREAD:
        _deferral.writing = True


def end_writes():
    """Ends the write phase; raises the KeyboardInterrupt that was deferred, if any."""
    if _deferral.writing and threading.get_ident() == _MAIN_THREAD:
        _deferral.writing = False
        if _deferral.pending:
            _deferral.pending = False
            raise KeyboardInterrupt
