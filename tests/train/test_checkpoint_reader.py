"""Tests of TF1's checkpoint reading API and the `checkpoint` state file, on checkpoints TF wrote."""

import errno
import os
import shutil
from pathlib import Path

import numpy as np
import pytest

from minitf import dtypes, errors
from minitf.train import bundle, checkpoint_reader, checkpoint_state

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "tf_checkpoints"
DTYPES_DIR = FIXTURES / "dtypes_and_shapes"
DTYPES_PREFIX = str(DTYPES_DIR / "model.ckpt")

# What TensorFlow 2.21's reader returns for dtypes_and_shapes (recorded with tf.train).
TF_DEBUG_STRING = (b"big (DT_FLOAT) [300,200]\nempty (DT_FLOAT) [0,3]\nflags (DT_BOOL) [3]\n"
                   b"ints/i32 (DT_INT32) [3]\nints/i64 (DT_INT64) [2]\nscalar_f32 (DT_FLOAT) []\n"
                   b"scope/inner/cube_f32 (DT_FLOAT) [2,3,4]\nscope/mat_f64 (DT_DOUBLE) [2,3]\n")
TF_LIST_VARIABLES = [("big", [300, 200]), ("empty", [0, 3]), ("flags", [3]), ("ints/i32", [3]),
                     ("ints/i64", [2]), ("scalar_f32", []), ("scope/inner/cube_f32", [2, 3, 4]),
                     ("scope/mat_f64", [2, 3])]


# ------------------------------------------------------------------------------------------
# NewCheckpointReader and friends
# ------------------------------------------------------------------------------------------

def test_reader_maps_and_debug_string_match_tensorflow():
    reader = checkpoint_reader.NewCheckpointReader(DTYPES_PREFIX)
    assert reader.get_variable_to_shape_map() == dict(TF_LIST_VARIABLES)
    dtype_map = reader.get_variable_to_dtype_map()
    assert dtype_map["big"] is dtypes.float32
    assert dtype_map["scope/mat_f64"] is dtypes.float64
    assert dtype_map["flags"] is dtypes.bool
    assert dtype_map["ints/i64"] is dtypes.int64
    assert reader.debug_string() == TF_DEBUG_STRING


@pytest.mark.parametrize("name", ["dtypes_and_shapes", "adam_mlp", "many_vars"])
def test_reader_values_match_expected(name):
    reader = checkpoint_reader.load_checkpoint(FIXTURES / name)  # directory -> latest
    expected = np.load(FIXTURES / name / "expected.npz")
    assert sorted(reader.get_variable_to_shape_map()) == sorted(expected.files)
    for key in expected.files:
        value = np.asarray(reader.get_tensor(key))
        assert value.dtype == expected[key].dtype and value.shape == expected[key].shape
        assert value.tobytes() == expected[key].tobytes(), key


def test_get_tensor_returns_numpy_scalars_for_scalars_as_tf():
    reader = checkpoint_reader.NewCheckpointReader(DTYPES_PREFIX)
    scalar = reader.get_tensor("scalar_f32")
    assert type(scalar) is np.float32 and scalar == 2.5
    assert isinstance(reader.get_tensor("empty"), np.ndarray)
    assert reader.get_tensor(b"flags").tolist() == [True, False, True]  # bytes names, as TF


def test_has_tensor_and_missing_tensor():
    reader = checkpoint_reader.NewCheckpointReader(DTYPES_PREFIX)
    assert reader.has_tensor("big") and reader.has_tensor(b"scope/mat_f64")
    assert not reader.has_tensor("nope") and not reader.has_tensor("scope")
    with pytest.raises(errors.NotFoundError, match="Key nope not found in checkpoint"):
        reader.get_tensor("nope")


def test_missing_checkpoint_raises_tf_not_found(tmp_path):
    with pytest.raises(errors.NotFoundError, match="Failed to find any matching files for .*missing"):
        checkpoint_reader.NewCheckpointReader(str(tmp_path / "missing"))


def test_load_checkpoint_on_directory_without_checkpoint(tmp_path):
    with pytest.raises(ValueError, match="Couldn't find 'checkpoint' file"):
        checkpoint_reader.load_checkpoint(tmp_path)


def test_list_variables_and_load_variable():
    assert checkpoint_reader.list_variables(DTYPES_DIR) == TF_LIST_VARIABLES
    assert checkpoint_reader.list_variables(DTYPES_PREFIX) == TF_LIST_VARIABLES
    expected = np.load(DTYPES_DIR / "expected.npz")
    np.testing.assert_array_equal(checkpoint_reader.load_variable(DTYPES_DIR, "flags:0"),
                                  expected["flags"])
    assert checkpoint_reader.load_variable(DTYPES_PREFIX, "scope/mat_f64").tobytes() == \
        expected["scope/mat_f64"].tobytes()
    adam = checkpoint_reader.list_variables(FIXTURES / "adam_mlp")
    names = [name for name, _ in adam]
    assert names == sorted(names) and "dense/kernel/Adam_1" in names and "beta1_power" in names


def test_reader_reads_strings_and_writer_output(tmp_path):
    prefix = bundle.write_bundle(str(tmp_path / "ckpt"), {"s": np.array(b"hi", dtype=object),
                                                          "v": np.arange(3, dtype=np.uint16)})
    reader = checkpoint_reader.NewCheckpointReader(prefix)
    assert reader.get_tensor("s") == b"hi"
    assert reader.get_variable_to_dtype_map() == {"s": dtypes.string, "v": dtypes.uint16}
    assert reader.debug_string() == b"s (DT_STRING) []\nv (DT_UINT16) [3]\n"


# ------------------------------------------------------------------------------------------
# The checkpoint state file
# ------------------------------------------------------------------------------------------

def test_state_file_is_byte_identical_to_tensorflows(tmp_path):
    # TF's Saver (save_relative_paths=True) wrote the fixture's file for this very save.
    checkpoint_state.update_checkpoint_state(
        str(tmp_path), str(tmp_path / "model.ckpt-5"), [str(tmp_path / "model.ckpt-5")],
        save_relative_paths=True)
    assert (tmp_path / "checkpoint").read_bytes() == \
        (FIXTURES / "adam_mlp" / "checkpoint").read_bytes()


def test_state_round_trip_with_relative_paths(tmp_path):
    paths = [str(tmp_path / ("model.ckpt-%d" % step)) for step in (1, 2, 3)]
    checkpoint_state.update_checkpoint_state(str(tmp_path), paths[-1], paths,
                                             save_relative_paths=True)
    text = (tmp_path / "checkpoint").read_text()
    assert text == ('model_checkpoint_path: "model.ckpt-3"\n'
                    'all_model_checkpoint_paths: "model.ckpt-1"\n'
                    'all_model_checkpoint_paths: "model.ckpt-2"\n'
                    'all_model_checkpoint_paths: "model.ckpt-3"\n')
    state = checkpoint_state.get_checkpoint_state(str(tmp_path))
    assert state.model_checkpoint_path == paths[-1]  # joined with the directory again
    assert list(state.all_model_checkpoint_paths) == paths
    # A moved directory still works: the file holds no absolute path.
    moved = tmp_path.parent / (tmp_path.name + "_moved")
    shutil.copytree(tmp_path, moved)
    assert checkpoint_state.get_checkpoint_state(moved).model_checkpoint_path == \
        str(moved / "model.ckpt-3")


def test_state_absolute_paths_timestamps_and_appending(tmp_path):
    old, new = str(tmp_path / "a" / "m-1"), str(tmp_path / "a" / "m-2")
    checkpoint_state.update_checkpoint_state(
        str(tmp_path), new, [old], latest_filename="state",
        all_model_checkpoint_timestamps=[1.5, 2.25], last_preserved_timestamp=1.0)
    assert not (tmp_path / "checkpoint").exists()
    state = checkpoint_state.get_checkpoint_state(str(tmp_path), latest_filename="state")
    assert state.model_checkpoint_path == new
    assert list(state.all_model_checkpoint_paths) == [old, new]  # the latest was appended
    assert list(state.all_model_checkpoint_timestamps) == [1.5, 2.25]
    assert state.last_preserved_timestamp == 1.0
    assert ('model_checkpoint_path: "%s"' % new) in (tmp_path / "state").read_text()


def test_state_rejects_mismatched_timestamps_and_conflicting_path(tmp_path):
    with pytest.raises(ValueError, match="timestamps"):
        checkpoint_state.update_checkpoint_state(str(tmp_path), "m-2", ["m-1"],
                                                 all_model_checkpoint_timestamps=[1.0])
    with pytest.raises(RuntimeError, match="conflicts"):
        checkpoint_state.update_checkpoint_state(str(tmp_path), str(tmp_path / "checkpoint"))
    assert os.listdir(tmp_path) == []


def test_state_with_relative_save_dir_as_a_saver_passes_it(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    os.mkdir("run")
    checkpoint_state.update_checkpoint_state("run", os.path.join("run", "model.ckpt-7"))
    assert (tmp_path / "run" / "checkpoint").read_text() == (
        'model_checkpoint_path: "model.ckpt-7"\nall_model_checkpoint_paths: "model.ckpt-7"\n')
    assert checkpoint_state.get_checkpoint_state("run").model_checkpoint_path == \
        os.path.join("run", "model.ckpt-7")


def test_state_write_is_atomic(tmp_path, monkeypatch):
    checkpoint_state.update_checkpoint_state(str(tmp_path), str(tmp_path / "m-1"))
    before = (tmp_path / "checkpoint").read_bytes()

    def failing_fsync(fd):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "fsync", failing_fsync)
    with pytest.raises(errors.ResourceExhaustedError, match="checkpoint state"):
        checkpoint_state.update_checkpoint_state(str(tmp_path), str(tmp_path / "m-2"))
    assert os.listdir(tmp_path) == ["checkpoint"]  # no temporary file left behind
    assert (tmp_path / "checkpoint").read_bytes() == before


def test_get_checkpoint_state_absent_unparsable_and_empty(tmp_path):
    assert checkpoint_state.get_checkpoint_state(str(tmp_path)) is None
    (tmp_path / "checkpoint").write_text("this is { not a proto")
    assert checkpoint_state.get_checkpoint_state(str(tmp_path)) is None
    (tmp_path / "checkpoint").write_text('all_model_checkpoint_paths: "m-1"\n')
    with pytest.raises(ValueError, match="Invalid checkpoint state"):
        checkpoint_state.get_checkpoint_state(str(tmp_path))


def test_latest_checkpoint(tmp_path):
    assert checkpoint_state.latest_checkpoint(str(tmp_path)) is None  # no state file
    prefix = str(tmp_path / "model.ckpt-3")
    checkpoint_state.update_checkpoint_state(str(tmp_path), prefix, save_relative_paths=True)
    assert checkpoint_state.latest_checkpoint(str(tmp_path)) is None  # files it names missing
    assert not checkpoint_state.checkpoint_exists(prefix)
    bundle.write_bundle(prefix, {"w": np.ones(2)})
    assert checkpoint_state.checkpoint_exists(prefix)
    assert checkpoint_state.latest_checkpoint(str(tmp_path)) == prefix
    assert checkpoint_state.latest_checkpoint(str(tmp_path), latest_filename="other") is None
    assert checkpoint_state.latest_checkpoint(DTYPES_DIR) == DTYPES_PREFIX


def test_remove_checkpoint(tmp_path):
    keep = bundle.write_bundle(str(tmp_path / "m-10"), {"w": np.ones(2)})
    gone = bundle.write_bundle(str(tmp_path / "m-1"), {"w": np.ones(2)})
    Path(gone + ".meta").write_bytes(b"graph")
    checkpoint_state.remove_checkpoint(gone)
    assert not checkpoint_state.checkpoint_exists(gone)
    assert sorted(os.listdir(tmp_path)) == ["m-10.data-00000-of-00001", "m-10.index"]
    checkpoint_state.remove_checkpoint(gone)  # already gone: no error
    assert checkpoint_state.checkpoint_exists(keep)


def test_remove_checkpoint_with_tfs_signature_and_the_v1_format(tmp_path):
    import minitf as tf
    v2 = bundle.write_bundle(str(tmp_path / "a"), {"w": np.ones(2)})
    Path(v2 + ".meta").write_bytes(b"graph")
    tf.train.remove_checkpoint(v2, tf.train.SaverDef.V2, meta_graph_suffix="meta")
    assert os.listdir(tmp_path) == []
    v1 = tmp_path / "old.ckpt-00000-of-00002"  # a V1 prefix is a pattern over its shards
    for name in ("old.ckpt-00000-of-00002", "old.ckpt-00001-of-00002", "old.ckpt.meta"):
        (tmp_path / name).write_bytes(b"x")
    tf.train.remove_checkpoint(str(tmp_path / "old.ckpt-?????-of-00002"), tf.train.SaverDef.V1)
    assert os.listdir(tmp_path) == ["old.ckpt.meta"]  # (the .meta of the pattern's name)
    assert not v1.exists()


def test_checkpoint_mtimes_follow_the_index_files(tmp_path):
    import minitf as tf
    first = bundle.write_bundle(str(tmp_path / "m-1"), {"w": np.ones(2)})
    second = bundle.write_bundle(str(tmp_path / "m-2"), {"w": np.ones(2)})
    os.utime(first + ".index", ns=(10**18, 10**18))
    os.utime(second + ".index", ns=(2 * 10**18, 2 * 10**18))
    (tmp_path / "v1.ckpt").write_bytes(b"x")
    os.utime(tmp_path / "v1.ckpt", ns=(3 * 10**18, 3 * 10**18))
    assert tf.train.get_checkpoint_mtimes(
        [first, str(tmp_path / "missing"), second, str(tmp_path / "v1.ckpt")]) == [1e9, 2e9, 3e9]


def test_checkpoints_iterator_yields_each_new_latest_checkpoint(tmp_path):
    import minitf as tf
    directory = str(tmp_path)
    assert list(tf.train.checkpoints_iterator(directory, timeout=0.01)) == []  # none yet
    first = bundle.write_bundle(str(tmp_path / "m-1"), {"w": np.ones(2)})
    checkpoint_state.update_checkpoint_state(directory, first)
    calls = []

    def timeout_fn():  # a second checkpoint after the first time-out, then stop
        calls.append(1)
        if len(calls) == 1:
            second = bundle.write_bundle(str(tmp_path / "m-2"), {"w": np.ones(2)})
            checkpoint_state.update_checkpoint_state(directory, second)
            return False
        return True
    seen = list(tf.train.checkpoints_iterator(directory, timeout=0.01, timeout_fn=timeout_fn))
    assert seen == [first, str(tmp_path / "m-2")] and len(calls) == 2
