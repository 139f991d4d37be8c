"""TF's warning for the TF1 names it marked deprecated (tf.to_float, tf.initialize_all_variables
...): logged once per function on the "minitf" logger, in TF's words, naming the caller."""

import functools
import logging
import sys

_logger = logging.getLogger("minitf")


def deprecated(date, instructions):
    """Decorates a public function: its first call logs TF's warning ("... is deprecated and
    will be removed after `date`" or "in a future version" when date is None); later calls
    log nothing (TF's warn_once). The wrapper's `_warned` list is non-empty once it warned."""
    removal = "after %s" % date if date else "in a future version"

    def decorate(fn):
        warned = []

        @functools.wraps(fn)
        def wrapper(*args, **kwargs):
            if not warned:
                warned.append(True)
                caller = sys._getframe(1)
                _logger.warning("From %s:%d: %s (from %s) is deprecated and will be removed %s."
                                "\nInstructions for updating:\n%s", caller.f_code.co_filename,
                                caller.f_lineno, fn.__qualname__, fn.__module__, removal,
                                instructions)
            return fn(*args, **kwargs)
        wrapper._warned = warned
        return wrapper
    return decorate
