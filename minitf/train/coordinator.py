"""tf.train.Coordinator: lets threads stop together, and report the first exception."""

import contextlib
import sys
import threading
import time

from minitf import errors


class Coordinator:
    """Threads check `should_stop()` and call `request_stop(error)`; the main thread calls
    `join(threads)`, which waits for them and re-raises the first error reported (other than
    OutOfRangeError, which ends input normally, or those in `clean_stop_exception_types`)."""

    def __init__(self, clean_stop_exception_types=None):
        self._clean = tuple(clean_stop_exception_types if clean_stop_exception_types is not None
                            else (errors.OutOfRangeError,))
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._exc_info = None
        self._threads = set()
        self._joined = False

    def _filter(self, ex):
        if isinstance(ex, tuple):
            ex = ex[1]
        return None if isinstance(ex, self._clean) else ex

    def request_stop(self, ex=None):
        """Asks every thread to stop; `ex` (an exception or sys.exc_info()) is kept to be
        re-raised by join() if this call is the one that stops them (TF drops an error
        reported after the stop). After join() it is raised at once: nothing would."""
        with self._lock:
            ex = self._filter(ex)
            if self._joined and ex is not None:
                raise ex[1] if isinstance(ex, tuple) else ex
            if not self._stop.is_set():
                if ex is not None and self._exc_info is None:
                    if isinstance(ex, tuple):
                        self._exc_info = ex
                    else:
                        self._exc_info = (type(ex), ex, ex.__traceback__)
                self._stop.set()

    def clear_stop(self):
        with self._lock:
            self._joined = False
            self._exc_info = None
            self._stop.clear()

    def should_stop(self):
        return self._stop.is_set()

    @contextlib.contextmanager
    def stop_on_exception(self):
        """A block whose exception requests a stop (and is kept for join)."""
        try:
            yield
        except Exception:
            self.request_stop(ex=sys.exc_info())

    def wait_for_stop(self, timeout=None):
        """Waits until a stop is requested; True if it was."""
        return self._stop.wait(timeout)

    def register_thread(self, thread):
        with self._lock:
            self._threads.add(thread)

    def join(self, threads=None, stop_grace_period_secs=120, ignore_live_threads=False):
        """Waits for `threads` (and the registered ones) to end once a stop is requested;
        re-raises the first exception passed to request_stop. Threads still running
        `stop_grace_period_secs` after the stop request raise RuntimeError (unless
        `ignore_live_threads`)."""
        with self._lock:
            threads = set(threads or ()) | self._threads
        while not self._stop.wait(0.1):
            if not any(t.is_alive() for t in threads):
                break
        deadline = time.monotonic() + stop_grace_period_secs
        for t in threads:
            t.join(max(0.0, deadline - time.monotonic()))
        alive = [t.name for t in threads if t.is_alive()]
        with self._lock:
            self._joined = True
            self._threads = set()
            exc_info = self._exc_info
        if exc_info is not None:
            raise exc_info[1].with_traceback(exc_info[2])
        if alive and not ignore_live_threads:
            raise RuntimeError("Coordinator stopped with threads still running: %s"
                               % " ".join(alive))

    @property
    def joined(self):
        return self._joined

    def raise_requested_exception(self):
        with self._lock:
            exc_info = self._exc_info
        if exc_info is not None:
            raise exc_info[1].with_traceback(exc_info[2])


class LooperThread(threading.Thread):
    """A daemon thread registered with `coord` that calls run_loop() (by default
    `target(*args, **kwargs)`) at once and then every `timer_interval_secs` seconds (back to
    back when None) until the coordinator stops; an exception it raises requests the stop and
    reaches coord.join(). Subclasses may define start_loop() and stop_loop() too."""

    def __init__(self, coord, timer_interval_secs, target=None, args=None, kwargs=None):
        if not isinstance(coord, Coordinator):
            raise ValueError("'coord' argument must be a Coordinator: %s" % coord)
        super().__init__(daemon=True)
        self._coord = coord
        self._timer_interval_secs = timer_interval_secs
        self._target = target
        if target:
            self._args, self._kwargs = args or (), kwargs or {}
        elif args or kwargs:
            raise ValueError("'args' and 'kwargs' argument require that you also pass 'target'")
        coord.register_thread(self)

    @staticmethod
    def loop(coord, timer_interval_secs, target, args=None, kwargs=None):
        """A started LooperThread calling `target(*args, **kwargs)`."""
        looper = LooperThread(coord, timer_interval_secs, target=target, args=args,
                              kwargs=kwargs)
        looper.start()
        return looper

    def run(self):
        with self._coord.stop_on_exception():
            self.start_loop()
            if self._timer_interval_secs is None:
                while not self._coord.should_stop():
                    self.run_loop()
            else:
                # calls keep to a fixed schedule from now: a slow call does not shift the next
                due = time.time()
                while not self._coord.wait_for_stop(due - time.time()):
                    due += self._timer_interval_secs
                    self.run_loop()
            self.stop_loop()

    def start_loop(self):
        """Called once in the thread before the first run_loop()."""

    def stop_loop(self):
        """Called once in the thread after the coordinator stopped the loop."""

    def run_loop(self):
        if self._target:
            self._target(*self._args, **self._kwargs)
