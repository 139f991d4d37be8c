"""`minitf inspect-checkpoint PATH [--tensor NAME] [--all]`: TF's inspect_checkpoint tool.

PATH is a checkpoint prefix (`run/model.ckpt-100`) or a directory (its latest checkpoint).
The listing is TF's format, one `name (DT_FLOAT) [8,16]` line per tensor, then the total
number of values; `--tensor NAME` prints one tensor, `--all` every tensor.
"""

import argparse
import difflib
import sys

import numpy as np

from minitf import errors
from minitf.train import checkpoint_reader


def add_arguments(parser):
    """Adds the tool's arguments to an argparse parser (shared with `python -m minitf`)."""
    parser.add_argument("path", help="checkpoint prefix, or a directory holding a "
                                     "'checkpoint' file (its latest checkpoint is used)")
    what = parser.add_mutually_exclusive_group()
    what.add_argument("--tensor", metavar="NAME", help="print the value of this tensor")
    what.add_argument("--all", action="store_true", help="print the value of every tensor")


def _print_tensor(reader, name, out):
    value = np.asarray(reader.get_tensor(name))
    out.write("tensor: %s (%s) %s\n%s\n" % (name, reader.get_variable_to_dtype_map()[name].name,
                                            list(value.shape), value))


def run(args, out=None, err=None):
    """Runs the tool for parsed `args`; returns the exit status (0, or 1 on an error)."""
    out = out or sys.stdout
    err = err or sys.stderr
    try:
        reader = checkpoint_reader.load_checkpoint(args.path)
        shapes = reader.get_variable_to_shape_map()
        if args.tensor is not None:
            if not reader.has_tensor(args.tensor):
                close = difflib.get_close_matches(args.tensor, list(shapes), n=3)
                err.write("Tensor %s not found in checkpoint %s%s\n" % (
                    args.tensor, args.path,
                    "; did you mean %s?" % " or ".join(close) if close else ""))
                return 1
            _print_tensor(reader, args.tensor, out)
        elif args.all:
            for name in sorted(shapes):
                _print_tensor(reader, name, out)
        else:
            out.write(reader.debug_string().decode("utf-8") + "\n")
        total = sum(int(np.prod(shape, dtype=np.int64)) for shape in shapes.values())
        out.write("# Total number of params: %d\n" % total)
    except (errors.OpError, ValueError, OSError) as e:
        err.write("%s\n" % str(e).replace("\n", " "))  # one line, never a traceback
        return 1
    return 0


def main(argv=None):
    """Entry point: `main(["run/model.ckpt-100", "--tensor", "dense/kernel"])`."""
    parser = argparse.ArgumentParser(prog="minitf inspect-checkpoint", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    add_arguments(parser)
    return run(parser.parse_args(argv))
