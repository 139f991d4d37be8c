"""Tests of `minitf inspect-checkpoint` on checkpoints TensorFlow wrote (output in TF's format)."""

from pathlib import Path

import numpy as np

from minitf.__main__ import main as minitf_main
from minitf.tools.inspect_checkpoint import main

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "tf_checkpoints"
ADAM_DIR = FIXTURES / "adam_mlp"
ADAM_PREFIX = str(ADAM_DIR / "model.ckpt-5")


def test_lists_names_dtypes_shapes_and_total_like_tf(capsys):
    assert main([str(FIXTURES / "dtypes_and_shapes" / "model.ckpt")]) == 0
    # What TF's inspect_checkpoint prints for this checkpoint.
    assert capsys.readouterr().out == (
        "big (DT_FLOAT) [300,200]\nempty (DT_FLOAT) [0,3]\nflags (DT_BOOL) [3]\n"
        "ints/i32 (DT_INT32) [3]\nints/i64 (DT_INT64) [2]\nscalar_f32 (DT_FLOAT) []\n"
        "scope/inner/cube_f32 (DT_FLOAT) [2,3,4]\nscope/mat_f64 (DT_DOUBLE) [2,3]\n"
        "\n# Total number of params: 60039\n")


def test_a_directory_means_its_latest_checkpoint(capsys):
    assert main([str(ADAM_DIR)]) == 0
    out = capsys.readouterr().out
    assert "dense/kernel/Adam_1 (DT_FLOAT) [8,16]\n" in out
    assert "global_step (DT_INT64) []\n" in out
    assert out.endswith("# Total number of params: 1455\n")


def test_prints_one_tensor(capsys):
    assert main([ADAM_PREFIX, "--tensor", "dense_2/bias"]) == 0
    out = capsys.readouterr().out
    expected = np.load(ADAM_DIR / "expected.npz")["dense_2/bias"]
    assert out.startswith("tensor: dense_2/bias (float32) [4]\n%s\n" % expected)
    assert out.endswith("# Total number of params: 1455\n")


def test_prints_every_tensor_with_all(capsys):
    assert main([ADAM_PREFIX, "--all"]) == 0
    out = capsys.readouterr().out
    expected = np.load(ADAM_DIR / "expected.npz")
    assert out.count("tensor: ") == len(expected.files)
    assert "tensor: global_step (int64) []\n%s\n" % expected["global_step"] in out


def test_unknown_tensor_suggests_names(capsys):
    assert main([ADAM_PREFIX, "--tensor", "dense_2/bia"]) == 1
    err = capsys.readouterr().err
    assert "Tensor dense_2/bia not found in checkpoint" in err
    assert "did you mean dense_2/bias" in err


def test_missing_and_damaged_checkpoints_fail_with_a_message(capsys, tmp_path):
    assert main([str(tmp_path / "nope")]) == 1
    assert "Failed to find any matching files for" in capsys.readouterr().err
    assert main([str(tmp_path)]) == 1  # a directory without a checkpoint file
    assert "Couldn't find 'checkpoint' file" in capsys.readouterr().err
    for suffix in (".index", ".data-00000-of-00001"):
        data = (ADAM_DIR / ("model.ckpt-5" + suffix)).read_bytes()
        (tmp_path / ("m" + suffix)).write_bytes(data[:-8] if suffix == ".index" else data)
    assert main([str(tmp_path / "m")]) == 1
    assert "corrupted checkpoint" in capsys.readouterr().err


def test_the_minitf_command_dispatches_to_it(capsys):
    assert minitf_main(["inspect-checkpoint", ADAM_PREFIX, "--tensor", "global_step"]) == 0
    assert capsys.readouterr().out.startswith("tensor: global_step (int64) []\n5\n")
