"""Regenerates the notebooks: each `NN_name.py` (py:percent, the file to edit) is converted with
jupytext and executed top to bottom in a fresh `python3` kernel, in a temporary folder (logs
and checkpoints do not land in the repository), and saved as `NN_name.ipynb` with its outputs.

    python notebooks/build.py            # all notebooks
    python notebooks/build.py 04         # the ones whose name starts with 04

tests/test_notebooks.py runs the same `execute` on every notebook and checks its outputs."""

import glob
import os
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
CELL_TIMEOUT = 120  # seconds; a cell that runs longer fails the notebook


def sources():
    return sorted(glob.glob(os.path.join(HERE, "[0-9][0-9]_*.py")))


def read(py_path):
    """The notebook of a py:percent script, with the python3 kernel and the pairing metadata."""
    import jupytext
    nb = jupytext.read(py_path)
    nb.metadata["kernelspec"] = {"display_name": "Python 3", "language": "python",
                                 "name": "python3"}
    nb.metadata.setdefault("jupytext", {})["formats"] = "ipynb,py:percent"
    return nb


def execute(nb, workdir):
    """Runs every cell of `nb` in a fresh python3 kernel whose current folder is `workdir`
    (minitf imported from this checkout). Returns the executed notebook."""
    from nbclient import NotebookClient
    env_path = os.environ.get("PYTHONPATH", "")
    if ROOT not in env_path.split(os.pathsep):
        os.environ["PYTHONPATH"] = ROOT + (os.pathsep + env_path if env_path else "")
    os.environ.setdefault("MPLBACKEND", "module://matplotlib_inline.backend_inline")
    # iopub_timeout: how long to wait for a finished cell's last outputs. nbclient's default
    # (4 s, then silently moving on) lost printed lines on a busy machine.
    client = NotebookClient(nb, timeout=CELL_TIMEOUT, kernel_name="python3",
                            record_timing=False, iopub_timeout=60, raise_on_iopub_timeout=True,
                            resources={"metadata": {"path": workdir}})
    client.execute()
    return nb


def build(py_path):
    import jupytext
    nb = read(py_path)
    t0 = time.perf_counter()
    with tempfile.TemporaryDirectory() as workdir:
        execute(nb, workdir)
    seconds = time.perf_counter() - t0
    nb.metadata.pop("widgets", None)
    jupytext.write(nb, py_path[:-3] + ".ipynb")
    print("%-40s %.1f s" % (os.path.basename(py_path)[:-3] + ".ipynb", seconds))


def main(prefixes):
    paths = [p for p in sources()
             if not prefixes or any(os.path.basename(p).startswith(x) for x in prefixes)]
    if not paths:
        sys.exit("no notebook matches %s" % prefixes)
    for path in paths:
        build(path)


if __name__ == "__main__":
    main(sys.argv[1:])
