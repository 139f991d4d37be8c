"""`minitf run -np N python train.py`: starts N copies of a program under MPI, as `horovodrun`
does, through the MPI library's own launcher (mpiexec)."""

import os
import shutil
import subprocess
import sys


def add_arguments(parser):
    parser.add_argument("-np", "--num-proc", dest="np", type=int, required=True,
                        help="number of processes (ranks) to start")
    parser.add_argument("-H", "--hosts", help="hosts and slots, e.g. host1:4,host2:4")
    parser.add_argument("--hostfile", help="a file of hosts (one per line, 'host:slots')")
    parser.add_argument("program", nargs=1, help="the program, e.g. python")
    parser.add_argument("args", nargs="...", help="its arguments")


def find_mpiexec():
    """The mpiexec beside this Python (the `mpich` wheel installs one into the venv) or on the
    PATH (a system MPI)."""
    here = os.path.dirname(sys.executable)
    return shutil.which("mpiexec", path=here) or shutil.which("mpiexec")


def command_line(mpiexec, args):
    line = [mpiexec, "-n", str(args.np)]
    if args.hosts:
        line += ["-hosts", args.hosts]  # MPICH's and Open MPI's mpiexec both take -hosts/-host
    if args.hostfile:
        line += ["-f" if "hydra" in _flavour(mpiexec) else "--hostfile", args.hostfile]
    return line + args.program + args.args


def _flavour(mpiexec):
    try:
        return subprocess.run([mpiexec, "--version"], capture_output=True, text=True,
                              timeout=10).stdout.lower()
    except (OSError, subprocess.SubprocessError):
        return ""


def run(args):
    if args.np < 1:
        print("minitf run: -np must be at least 1, got %d" % args.np, file=sys.stderr)
        return 2
    mpiexec = find_mpiexec()
    if mpiexec is None:
        print("minitf run: no MPI launcher (mpiexec) found beside %s or on the PATH. Install "
              "one with: pip install -e '.[mpi]' (mpi4py and the mpich wheel), or your "
              "system's MPI (apt install mpich)." % sys.executable, file=sys.stderr)
        return 127
    line = command_line(mpiexec, args)
    status = subprocess.call(line)
    if status != 0:
        print("minitf run: %s exited with status %d. If it could not start %d processes, its "
              "message above says why: 'not enough slots' means the hosts offer fewer slots "
              "than -np (list more in -H/--hostfile, or for Open MPI add --oversubscribe); "
              "'unable to connect' means a host is unreachable over ssh."
              % (os.path.basename(mpiexec), status, args.np), file=sys.stderr)
    return status
