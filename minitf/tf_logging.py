"""tf.logging (TF 1.x's logging module) and tf.get_logger: TF1 programs start with
`tf.logging.set_verbosity(tf.logging.INFO)` so that training hooks (LoggingTensorHook,
StepCounterHook, the checkpoint saver) print their lines. They all go to the Python logger
"minitf", where minitf's own messages go; on first use it gets a handler printing
`INFO:minitf:message` to stderr, as TF's "tensorflow" logger prints `INFO:tensorflow:...`,
unless the program configured the root logger itself (then records only propagate to it, as
in TF, so nothing prints twice)."""

import logging as _logging
import sys as _sys
import threading as _threading

__all__ = ["DEBUG", "ERROR", "FATAL", "INFO", "WARN", "TaskLevelStatusMessage", "debug",
           "error", "fatal", "flush", "get_verbosity", "info", "log", "log_every_n",
           "log_first_n", "log_if", "set_verbosity", "vlog", "warn", "warning"]

DEBUG = _logging.DEBUG
INFO = _logging.INFO
WARN = _logging.WARN
ERROR = _logging.ERROR
FATAL = _logging.FATAL

_logger = None
_lock = _threading.Lock()
_counts = {}  # call site -> how many times log_every_n / log_first_n ran there


def get_logger():
    """tf.get_logger: the logger minitf writes to (Python's logging.Logger "minitf")."""
    global _logger
    if _logger is not None:
        return _logger
    with _lock:
        if _logger is None:
            logger = _logging.getLogger("minitf")
            if not _logging.getLogger().handlers:
                handler = _logging.StreamHandler(_sys.stderr)
                handler.setFormatter(_logging.Formatter(_logging.BASIC_FORMAT))
                logger.addHandler(handler)
            _logger = logger
    return _logger


def log(level, msg, *args, **kwargs):
    get_logger().log(level, msg, *args, **kwargs)


def debug(msg, *args, **kwargs):
    get_logger().debug(msg, *args, **kwargs)


def info(msg, *args, **kwargs):
    get_logger().info(msg, *args, **kwargs)


def warning(msg, *args, **kwargs):
    get_logger().warning(msg, *args, **kwargs)


warn = warning


def error(msg, *args, **kwargs):
    get_logger().error(msg, *args, **kwargs)


def fatal(msg, *args, **kwargs):
    """Logs at FATAL (CRITICAL); like TF's, it does not end the program."""
    get_logger().critical(msg, *args, **kwargs)


def vlog(level, msg, *args, **kwargs):
    """Logs at the numeric `level` (TF: vlog(1, ...) is below DEBUG and usually hidden)."""
    get_logger().log(level, msg, *args, **kwargs)


def TaskLevelStatusMessage(msg):  # noqa: N802 - TF's public name
    error(msg)


def flush():
    for handler in get_logger().handlers:
        handler.flush()


def _count_here():
    """How many times this function's caller's caller ran at its call site before."""
    frame = _sys._getframe(2)
    site = (frame.f_code.co_filename, frame.f_lineno)
    with _lock:
        count = _counts.get(site, 0)
        _counts[site] = count + 1
    return count


def log_every_n(level, msg, n, *args):
    """Logs on the first call from a call site and every n-th after it."""
    if _count_here() % max(int(n), 1) == 0:
        vlog(level, msg, *args)


def log_first_n(level, msg, n, *args):
    """Logs only on the first n calls from a call site."""
    if _count_here() < n:
        vlog(level, msg, *args)


def log_if(level, msg, condition, *args):
    if condition:
        vlog(level, msg, *args)


def get_verbosity():
    """The level below which records are dropped (WARN unless set_verbosity changed it)."""
    return get_logger().getEffectiveLevel()


def set_verbosity(v):
    """tf.logging.set_verbosity(tf.logging.INFO): show INFO and above (the hooks' lines)."""
    get_logger().setLevel(v)
