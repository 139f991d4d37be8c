"""TensorFlow 1.x's public API for reading checkpoints without a graph: NewCheckpointReader and friends.

    reader = NewCheckpointReader("/tmp/run/model.ckpt-5")
    reader.get_variable_to_shape_map()   # {"dense/kernel": [784, 256], ...}
    reader.get_tensor("dense/kernel")    # numpy array

`load_checkpoint`, `list_variables` and `load_variable` also accept a directory, for which
they use the latest checkpoint named by its `checkpoint` file.
"""

import os

from minitf import dtypes, errors
from minitf.train import bundle, checkpoint_state

__all__ = ["CheckpointReader", "NewCheckpointReader", "load_checkpoint", "list_variables",
           "load_variable"]

# TF's names for the DataType enum numbers, for debug_string().
_DATATYPE_NAMES = {
    1: "DT_FLOAT", 2: "DT_DOUBLE", 3: "DT_INT32", 4: "DT_UINT8", 5: "DT_INT16", 6: "DT_INT8",
    7: "DT_STRING", 8: "DT_COMPLEX64", 9: "DT_INT64", 10: "DT_BOOL", 14: "DT_BFLOAT16",
    17: "DT_UINT16", 18: "DT_COMPLEX128", 19: "DT_HALF", 22: "DT_UINT32", 23: "DT_UINT64",
}


def _as_str(name):
    return name.decode("utf-8") if isinstance(name, bytes) else name


class CheckpointReader:
    """Reads the tensors of one V2 checkpoint, given its prefix (what `NewCheckpointReader`
    returns). A missing checkpoint raises NotFoundError, a damaged one DataLossError."""

    def __init__(self, prefix):
        prefix = os.fspath(prefix)
        if not os.path.exists(bundle.index_filename(prefix)):
            # TF's message for the same case, which users search for.
            raise errors.NotFoundError(
                None, None, "Unsuccessful TensorSliceReader constructor: Failed to find any "
                "matching files for %s" % prefix)
        self._bundle = bundle.BundleReader(prefix)

    def has_tensor(self, tensor_str):
        """Whether the checkpoint holds a tensor of this name."""
        return _as_str(tensor_str) in self._bundle

    def get_tensor(self, tensor_str):
        """The tensor's value as a new numpy array; a scalar comes back as a numpy scalar (or
        bytes for a string), as in TF. NotFoundError when absent."""
        value = self._bundle.get_tensor(_as_str(tensor_str))
        return value[()] if value.ndim == 0 else value

    def get_variable_to_shape_map(self):
        """{name: shape as a list of ints}."""
        return {name: list(shape) for name, shape in self._bundle.shape_map().items()}

    def get_variable_to_dtype_map(self):
        """{name: minitf DType}."""
        return {name: dtypes.as_dtype(dtype) for name, dtype in self._bundle.dtype_map().items()}

    def debug_string(self):
        """One line per tensor, `name (DT_FLOAT) [2,3]`, as bytes (TF's format)."""
        lines = []
        for name in self._bundle.keys():
            entry = self._bundle.entry(name)
            dtype = _DATATYPE_NAMES.get(entry.dtype, "DT_%d" % entry.dtype)
            shape = ",".join(str(d.size) for d in entry.shape.dim)
            lines.append("%s (%s) [%s]\n" % (name, dtype, shape))
        return "".join(lines).encode("utf-8")


def NewCheckpointReader(filepattern):  # noqa: N802 - TF's public name
    """A CheckpointReader for the checkpoint with this prefix."""
    return CheckpointReader(filepattern)


def _checkpoint_prefix(ckpt_dir_or_file):
    ckpt_dir_or_file = os.fspath(ckpt_dir_or_file)
    if os.path.isdir(ckpt_dir_or_file):
        return checkpoint_state.latest_checkpoint(ckpt_dir_or_file)
    return ckpt_dir_or_file


def load_checkpoint(ckpt_dir_or_file):
    """A CheckpointReader for a checkpoint prefix, or for a directory's latest checkpoint.

    Raises ValueError when a directory names no existing checkpoint."""
    prefix = _checkpoint_prefix(ckpt_dir_or_file)
    if prefix is None:
        raise ValueError("Couldn't find 'checkpoint' file or checkpoints in given directory %s"
                         % os.fspath(ckpt_dir_or_file))
    return NewCheckpointReader(prefix)


def list_variables(ckpt_dir_or_file):
    """[(name, shape list)] of every tensor in the checkpoint, sorted by name."""
    shapes = load_checkpoint(ckpt_dir_or_file).get_variable_to_shape_map()
    return [(name, shapes[name]) for name in sorted(shapes)]


def load_variable(ckpt_dir_or_file, name):
    """The value of one tensor of the checkpoint; a tensor name's ":0" suffix is ignored."""
    if name.endswith(":0"):
        name = name[:-2]
    return load_checkpoint(ckpt_dir_or_file).get_tensor(name)
