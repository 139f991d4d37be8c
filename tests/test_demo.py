"""The README's main job, `minitf demo`: it trains the digits classifier to >= 0.95 test
accuracy and writes TensorBoard logs; its command line refuses nonsense."""

import os

import pytest

from minitf.__main__ import main
from minitf.demo import train_digits


def test_demo_reaches_095_and_writes_train_and_test_runs(tmp_path, capsys):
    accuracy = train_digits(epochs=25, logdir=str(tmp_path))
    assert accuracy >= 0.95
    (run,) = os.listdir(tmp_path)
    assert sorted(os.listdir(tmp_path / run)) == ["test", "train"]
    for part in ("train", "test"):
        assert any(f.startswith("events.out.tfevents") for f in os.listdir(tmp_path / run / part))
    out = capsys.readouterr().out
    assert out.count("epoch ") == 25
    assert "final test accuracy" in out and "tensorboard --logdir %s" % tmp_path in out


def test_demo_command_line_refuses_zero_epochs(capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(["demo", "--epochs", "0"])
    assert exit_info.value.code == 2
    assert "must be at least 1" in capsys.readouterr().err
