"""tf.app: `tf.app.run()` and `tf.app.flags`, the entry point of TF1 scripts."""

import sys

from minitf import flags

__all__ = ["run", "flags"]


def run(main=None, argv=None):
    """Parses the flags in `argv` (default sys.argv; unknown flags are tolerated and passed
    on, as TF1's tf.app.run does), calls `main(remaining argv)` (default: the `main` of the
    __main__ module) and exits with its return value, as absl's app.run does."""
    main = main or sys.modules["__main__"].main
    args = flags.FLAGS(sys.argv if argv is None else argv, known_only=True)
    sys.exit(main(args))
