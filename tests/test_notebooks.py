"""Every notebook in notebooks/ runs top to bottom with the current minitf (code cells executed
in order in one namespace, as Jupyter would, in a temporary folder)."""

import glob
import json
import os

import pytest

NOTEBOOKS = sorted(glob.glob(os.path.join(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__))), "notebooks", "*.ipynb")))


def code_cells(path):
    with open(path, encoding="utf-8") as f:
        nb = json.load(f)
    return ["".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "code"]


def test_there_are_notebooks():
    assert NOTEBOOKS


@pytest.mark.parametrize("path", NOTEBOOKS, ids=os.path.basename)
def test_notebook_runs(path, tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    namespace = {"__name__": "__main__"}
    for i, source in enumerate(code_cells(path)):
        try:
            exec(compile(source, "%s cell %d" % (os.path.basename(path), i), "exec"), namespace)
        except Exception as e:  # say which cell failed
            raise AssertionError("cell %d of %s failed: %r" % (i, path, e)) from e
    out = capsys.readouterr().out
    if os.path.basename(path) == "lecture_tensorflow.ipynb":
        lines = out.strip().splitlines()
        assert lines[-1] == "True"  # the restored weights equal the saved ones
        loss = float(next(l for l in lines if l.startswith("loss")).split()[1])
        assert loss < 1e-3  # the linear regression converged
        assert (tmp_path / "logs" / "1").is_dir()
