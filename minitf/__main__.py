"""The `minitf` command: `minitf demo` trains the course's digits classifier; `minitf
inspect-checkpoint` lists a checkpoint; `minitf run -np N python train.py` starts N ranks."""

import argparse
import sys


def _positive_int(text):
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError("must be at least 1, got %d" % value)
    return value


def main(argv=None):
    parser = argparse.ArgumentParser(prog="minitf", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)

    demo = commands.add_parser("demo", help="train a 2-hidden-layer MLP on the bundled 8x8 "
                                            "digits and write TensorBoard logs")
    demo.add_argument("--epochs", type=_positive_int, default=40)
    demo.add_argument("--batch-size", type=_positive_int, default=32)
    demo.add_argument("--learning-rate", type=float, default=1e-3)
    demo.add_argument("--hidden", type=_positive_int, default=128)
    demo.add_argument("--seed", type=int, default=0)
    demo.add_argument("--logdir", default="logs", help="TensorBoard runs go to LOGDIR/<run>")

    from minitf.tools import inspect_checkpoint
    inspect = commands.add_parser("inspect-checkpoint", help="list a checkpoint's tensors "
                                                             "(dtypes, shapes) or print values")
    inspect_checkpoint.add_arguments(inspect)

    from minitf.horovod import launch
    mpirun = commands.add_parser("run", help="start a program N times under MPI for "
                                             "minitf.horovod (like horovodrun)")
    launch.add_arguments(mpirun)

    args = parser.parse_args(argv)
    if args.command == "demo":
        from minitf import errors
        from minitf.demo import train_digits
        try:
            train_digits(epochs=args.epochs, batch_size=args.batch_size,
                         learning_rate=args.learning_rate, hidden=args.hidden, seed=args.seed,
                         logdir=args.logdir)
        except (errors.OpError, OSError, ValueError) as e:  # one clear line, not a traceback
            print("minitf demo: %s" % str(e).replace("\n", " "), file=sys.stderr)
            return 1
        return 0
    if args.command == "inspect-checkpoint":
        return inspect_checkpoint.run(args)
    if args.command == "run":
        return launch.run(args)
    return 2


def run():
    """The console script: main(), quiet when its output is piped into `head`."""
    try:
        return main()
    except BrokenPipeError:
        sys.stderr.close()  # the reader went away: nothing left to say
        return 0


if __name__ == "__main__":
    sys.exit(run())
