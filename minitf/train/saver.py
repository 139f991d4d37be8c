"""tf.train.Saver: saves and restores variables as TensorFlow V2 checkpoints, with TF's graph ops.

A Saver adds these ops to the graph when it is built (the names TF1 gives them, so a
SaverDef works unchanged after `import_meta_graph`):

    save/filename/input, save/filename, save/Const   the prefix (a string fed at save time)
    save/SaveV2 (+ tensor_names, shape_and_slices)   writes every variable
    save/control_dependency                          the prefix, after SaveV2 ran
    save/RestoreV2 (+ tensor_names, ...)             reads every variable
    save/Assign, save/Assign_1, ...                  one per variable
    save/restore_all                                 groups the assigns

Checkpoint keys are the variables' op names (`dense/kernel`, `dense/kernel/Adam`), so
checkpoints move between minitf and TensorFlow in both directions.

Safety: `save` writes the data and index files to synced temporary files and renames both
into place only when both are complete (bundle.write_bundle), then the `.meta` file the same
way, and the `checkpoint` state file last. A save that fails (a full disk) leaves the previous
checkpoint intact, and a save killed at any point leaves the state naming a complete
checkpoint, except when it rewrites the very prefix the state names and is killed between the
two renames (as in TF): save with a `global_step` to avoid that.
`restore` checks the checkpoint's index against what the graph restores before assigning
anything and reports every missing key and shape/dtype mismatch in one error; the reading
op validates every tensor's checksum before the first assign runs, so a failed restore
changes no variable.
"""

import difflib
import logging
import os
import time

import numpy as np
from google.protobuf import text_format

from minitf import backend, dtypes, errors
from minitf.backend import HOST_DEVICE
from minitf.client.session import Session
from minitf.framework import meta_graph
from minitf.framework.graph import GraphKeys, control_dependencies, get_default_graph, name_scope
from minitf.framework.registry import OpDef, TFSignature, register
from minitf.framework.shapes import format_dims
from minitf.framework.tensor import Tensor, TensorSpec
from minitf.framework.tensor_util import constant_value
from minitf.ops import variables as variables_module
from minitf.ops.array_ops import identity, placeholder_with_default
from minitf.ops.constant_op import constant
from minitf.ops.control_ops import group
from minitf.ops.state_ops import Assign
from minitf.protos import saver_pb2
from minitf.train import bundle, checkpoint_state
from minitf.ops import string_ops  # noqa: F401 - StringJoin etc., in TF's sharded Saver's graphs

__all__ = ["Saver", "export_meta_graph", "import_meta_graph"]

_logger = logging.getLogger("minitf")


# --------------------------------------------------------------------------------------------
# The save and restore ops
# --------------------------------------------------------------------------------------------

def _as_str(value):
    """A Python str from a string tensor element (bytes or str)."""
    value = value.item() if isinstance(value, np.ndarray) else value
    return value.decode("utf-8") if isinstance(value, bytes) else str(value)


def _check_string_input(tensor, what, rank):
    if tensor.dtype is not dtypes.string:
        raise TypeError("%s must be a string tensor, got %s" % (what, tensor.dtype.name))
    if tensor.shape.ndims not in (None, rank):
        raise ValueError("%s must have rank %d, got shape %s" % (what, rank, tensor.shape))


@register
class SaveV2(OpDef):
    """Writes `tensors` as the V2 checkpoint `prefix` under `tensor_names` (TF's SaveV2).

    Inputs: prefix (string scalar), tensor_names and shape_and_slices (string vectors, one
    entry per tensor: "" for a whole tensor, or a slice spec "5 3 0,3:0,3" for one part of a
    partitioned one, several parts sharing a name), then the tensors.
    Like TF's bundle writer it creates the prefix's directory, but not missing parents."""
    tf_signature = TFSignature(type_attrs=())

    dtypes: tuple
    stateful = True
    differentiable = False

    def infer(self, prefix, tensor_names, shape_and_slices, *tensors):
        _check_string_input(prefix, "SaveV2's prefix", 0)
        _check_string_input(tensor_names, "SaveV2's tensor_names", 1)
        _check_string_input(shape_and_slices, "SaveV2's shape_and_slices", 1)
        if len(tensors) != len(self.dtypes):
            raise ValueError("SaveV2 expects %d tensors (its dtypes attr), got %d"
                             % (len(self.dtypes), len(tensors)))
        for i, (t, dtype) in enumerate(zip(tensors, self.dtypes)):
            if t.dtype is not dtype:
                raise TypeError("Tensor %d to save (%s) has dtype %s, but the dtypes attr says %s"
                                % (i, t.name, t.dtype.name, dtype.name))
        return []

    def bind(self, ctx, op):
        def save(prefix, tensor_names, shape_and_slices, *values):
            prefix = _as_str(prefix)
            names = [_as_str(n) for n in tensor_names.reshape(-1)]
            if len(names) != len(values) or shape_and_slices.size != len(values):
                raise errors.InvalidArgumentError(
                    None, op, "SaveV2 got %d tensors but %d names and %d shape_and_slices"
                    % (len(values), len(names), shape_and_slices.size))
            tensors = {}
            for name, spec, value in zip(names, shape_and_slices.reshape(-1), values):
                value, spec = backend.to_numpy(value), _as_str(spec)
                if not spec:
                    tensors[name] = value
                    continue
                full_shape, extents = parse_slice_spec(spec, op)
                sliced = tensors.setdefault(name, bundle.Slices(full_shape, []))
                if not isinstance(sliced, bundle.Slices) or sliced.full_shape != full_shape:
                    raise errors.InvalidArgumentError(
                        None, op, "SaveV2: tensor %s is saved both whole and in slices, or in "
                        "slices of different full shapes" % name)
                sliced.slices.append((extents, value))
            directory = os.path.dirname(prefix)
            try:
                if directory and not os.path.isdir(directory):
                    os.mkdir(directory)  # one level only, as TF's BundleWriter
                bundle.write_bundle(prefix, tensors)
            except FileExistsError:
                raise errors.FailedPreconditionError(
                    None, op, "%s exists and is not a directory" % directory) from None
            except OSError as e:
                raise errors._from_os_error(e, op, e.filename or prefix) from None
        return save


def parse_slice_spec(spec, op=None):
    """(full shape, [(start, length) per dim]) of a shape_and_slices entry such as
    "5 3 0,3:0,3" ("-" for a whole dimension: length -1)."""
    try:
        *dims, extents = spec.split(" ")
        full_shape = tuple(int(d) for d in dims)
        parts = [(0, -1) if e == "-" else tuple(int(x) for x in e.split(","))
                 for e in extents.split(":")]
        if len(parts) != len(full_shape) or any(len(p) != 2 for p in parts):
            raise ValueError
    except ValueError:
        raise errors.InvalidArgumentError(None, op, "Invalid shape_and_slices spec %r" % spec) \
            from None
    return full_shape, parts


def checkpoint_op(graph, opdef, filename, keys, tensors, name=None, specs=None):
    """A SaveV2 or RestoreV2 op (named `name`, default its type) reading or writing `keys` of
    the checkpoint `filename` (a string tensor), on the host, with TF's input names; `specs`
    are the slice specs (default: whole tensors)."""
    with name_scope(name or opdef.type_name) as scope:
        names = constant(keys, dtypes.string, name="tensor_names")
        slices = constant(list(specs) if specs else [""] * len(keys), dtypes.string,
                          name="shape_and_slices")
        # File I/O and string inputs live on the host; the plan moves values across.
        return graph.create_op(opdef, [filename, names, slices] + list(tensors), name=scope,
                               device=HOST_DEVICE)


@register
class RestoreV2(OpDef):
    """Reads `tensor_names` from the V2 checkpoint `prefix`, one output per name (TF's
    RestoreV2). Raises NotFoundError for a missing checkpoint or key, DataLossError for a
    damaged file, InvalidArgumentError when a stored dtype differs from `dtypes`. Every
    tensor is read and checked before the op returns, so nothing fed by it runs on failure."""
    tf_signature = TFSignature(type_attrs=())

    dtypes: tuple
    stateful = True
    differentiable = False

    def infer(self, prefix, tensor_names, shape_and_slices):
        _check_string_input(prefix, "RestoreV2's prefix", 0)
        _check_string_input(tensor_names, "RestoreV2's tensor_names", 1)
        _check_string_input(shape_and_slices, "RestoreV2's shape_and_slices", 1)
        for t in (tensor_names, shape_and_slices):
            n = t.shape[0].value if t.shape.ndims == 1 else None
            if n is not None and n != len(self.dtypes):
                raise ValueError("RestoreV2 has %d dtypes but %s has %d entries"
                                 % (len(self.dtypes), t.name, n))
        return [TensorSpec(None, dtype) for dtype in self.dtypes]

    def bind(self, ctx, op):
        xp = ctx.xp_for(op)

        def restore(prefix, tensor_names, shape_and_slices):
            prefix = _as_str(prefix)
            names = [_as_str(n) for n in tensor_names.reshape(-1)]
            if len(names) != len(self.dtypes):
                raise errors.InvalidArgumentError(
                    None, op, "RestoreV2 got %d tensor names for %d dtypes"
                    % (len(names), len(self.dtypes)))
            reader = open_checkpoint(prefix, op)
            stored = reader.dtype_map()
            for name in names:
                if name not in stored:
                    raise errors.NotFoundError(None, op, "Key %s not found in checkpoint" % name)
            for name, dtype in zip(names, self.dtypes):
                if dtypes.as_dtype(stored[name]) is not dtype:
                    raise errors.InvalidArgumentError(
                        None, op, "tensor_name = %s; expected dtype %s does not equal original "
                        "dtype %s" % (name, dtype.name, dtypes.as_dtype(stored[name]).name))
            # Every tensor is read (and its checksum checked) before any is returned.
            values = [_read_slice(reader, name, _as_str(spec), op)
                      for name, spec in zip(names, shape_and_slices.reshape(-1))]
            values = [v if dtype is dtypes.string else xp.asarray(v)
                      for v, dtype in zip(values, self.dtypes)]
            return values[0] if len(values) == 1 else tuple(values)
        return restore


def _read_slice(reader, name, spec, op):
    """The tensor `name`, or the part of it a slice spec names (the stored tensor may be
    whole or in slices: TF reads either)."""
    value = reader.get_tensor(name)
    if not spec:
        return value
    full_shape, extents = parse_slice_spec(spec, op)
    if tuple(value.shape) != full_shape:
        raise errors.InvalidArgumentError(
            None, op, "tensor_name = %s; shape in shape_and_slice spec %s does not match the "
            "shape stored in checkpoint: %s" % (name, list(full_shape), list(value.shape)))
    return value[tuple(slice(s, None if n < 0 else s + n) for s, n in extents)].copy()


@register
class ShardedFilename(OpDef):
    """The name of shard `shard` of `num_shards` of the checkpoint `basename`:
    basename-00000-of-00001 (TF's ShardedFilename, in TF's sharded Saver's graphs)."""
    tf_signature = TFSignature(type_attrs=())

    differentiable = False
    host_only = True

    def infer(self, basename, shard, num_shards):
        _check_string_input(basename, "ShardedFilename's basename", 0)
        for t, what in ((shard, "shard"), (num_shards, "num_shards")):
            if t.dtype is not dtypes.int32 or t.shape.ndims not in (None, 0):
                raise TypeError("ShardedFilename's %s must be an int32 scalar, got %s %s"
                                % (what, t.dtype.name, t.shape))
        return TensorSpec((), dtypes.string)

    def compute(self, xp, basename, shard, num_shards):
        name = "%s-%05d-of-%05d" % (_as_str(basename), int(shard), int(num_shards))
        return xp.array(name.encode("utf-8"), dtype=object)


@register
class MergeV2Checkpoints(OpDef):
    """Merges the V2 checkpoints `checkpoint_prefixes` (the shards a sharded SaveV2 wrote)
    into one checkpoint `destination_prefix`, then deletes them, and their directories when
    `delete_old_dirs` leaves them empty (TF's MergeV2Checkpoints). The merged checkpoint is
    written atomically before anything is deleted."""
    tf_signature = TFSignature(type_attrs=())

    delete_old_dirs: bool = True
    allow_missing_files: bool = False
    stateful = True
    differentiable = False

    def infer(self, checkpoint_prefixes, destination_prefix):
        _check_string_input(checkpoint_prefixes, "MergeV2Checkpoints' checkpoint_prefixes", 1)
        _check_string_input(destination_prefix, "MergeV2Checkpoints' destination_prefix", 0)
        return []

    def bind(self, ctx, op):
        def merge(checkpoint_prefixes, destination_prefix):
            destination = _as_str(destination_prefix)
            sources = [_as_str(p) for p in checkpoint_prefixes.reshape(-1)]
            tensors = {}
            for prefix in sources:
                if self.allow_missing_files and not os.path.exists(
                        bundle.index_filename(prefix)):
                    continue
                reader = open_checkpoint(prefix, op)
                for key in reader.dtype_map():
                    tensors[key] = reader.get_tensor(key)
            try:
                bundle.write_bundle(destination, tensors)
            except OSError as e:
                raise errors._from_os_error(e, op, e.filename or destination) from None
            for prefix in sources:
                if prefix == destination:
                    continue
                checkpoint_state.remove_checkpoint(prefix)
                if self.delete_old_dirs:
                    try:
                        os.rmdir(os.path.dirname(prefix))
                    except OSError:  # not empty, or already gone: left as it is, as TF
                        pass
        return merge


def open_checkpoint(prefix, op=None):
    """A BundleReader for `prefix`; a path that exists but is no V2 checkpoint (a directory,
    a V1 file) raises DataLossError as TF's reader does, with a hint."""
    if not os.path.exists(bundle.index_filename(prefix)) and os.path.exists(prefix):
        raise errors.DataLossError(
            None, op, "Unable to open table file %s: it is %s, not the prefix of a V2 checkpoint "
            "(no %s). Pass the prefix, e.g. tf.train.latest_checkpoint(directory)."
            % (prefix, "a directory" if os.path.isdir(prefix) else "a file",
               os.path.basename(bundle.index_filename(prefix))))
    return bundle.BundleReader(prefix)


# --------------------------------------------------------------------------------------------
# Saver
# --------------------------------------------------------------------------------------------

def _is_variable_tensor(t):
    return isinstance(t, Tensor) and t.op.opdef.is_variable


def _is_saveable(obj):
    """Whether `obj` is a saveable object (GraphKeys.SAVEABLE_OBJECTS: a mutable lookup
    table's): `specs`, its (checkpoint key, tensor) pairs, and `restore(tensors)`, the op
    that puts the restored tensors back."""
    return hasattr(obj, "specs") and hasattr(obj, "restore")


def _names_to_variables(var_list):
    """{checkpoint key: Variable or variable Tensor, or a list of a partitioned variable's
    parts} from a Saver's var_list (TF's rules: a list keys each variable by its op name and
    each part by its full variable's name; a dict gives the keys)."""
    from minitf.ops.partitioned_variables import PartitionedVariable
    if isinstance(var_list, dict):
        items = list(var_list.items())
    else:
        items = []
        for var in var_list:
            info = getattr(var, "_save_slice_info", None)
            if isinstance(var, PartitionedVariable):
                items.append((var.name, var))
            elif isinstance(var, variables_module.Variable) and info is not None:
                items.append((info.full_name, [var]))
            elif not isinstance(var, variables_module.Variable) and not _is_variable_tensor(var):
                raise TypeError("Variable to save is not a Variable: %r" % (var,))
            else:
                items.append((var.op.name, var))
    result = {}
    for name, var in items:
        if not isinstance(name, str):
            raise TypeError("Checkpoint keys must be strings, got %r for %r" % (name, var))
        if isinstance(var, PartitionedVariable):
            var = list(var)
        parts = var if isinstance(var, (list, tuple)) else None
        for v in parts or [var]:
            if not isinstance(v, variables_module.Variable) and not _is_variable_tensor(v):
                raise TypeError("The value for key %r is %r; a Saver saves tf.Variables (or "
                                "the output of a variable op)" % (name, v))
        if parts is not None and isinstance(result.get(name), list):
            result[name].extend(parts)  # another part of the same partitioned variable
            continue
        if name in result:
            if isinstance(result[name], list) or parts is not None:
                raise ValueError("Mixing slices and non-slices with the same name: %s" % name)
            raise ValueError("At least two variables have the same name: %s" % name)
        result[name] = list(parts) if parts is not None else var
    return result


class Saver:
    """Saves and restores variables (TF1's tf.train.Saver, V2 checkpoint format).

        saver = tf.train.Saver(max_to_keep=5)
        saver.save(sess, "run/model.ckpt", global_step=step)   # run/model.ckpt-100
        saver.restore(sess, tf.train.latest_checkpoint("run"))

    minitf writes one shard whatever `sharded` says (it has one device); `reshape=True`,
    custom builders and the V1 format are not supported.
    """

    def __init__(self, var_list=None, reshape=False, sharded=False, max_to_keep=5,
                 keep_checkpoint_every_n_hours=10000.0, name=None, restore_sequentially=False,
                 saver_def=None, builder=None, defer_build=False, allow_empty=False,
                 write_version=saver_pb2.SaverDef.V2, pad_step_number=False,
                 save_relative_paths=False, filename=None):
        if var_list is not None and not isinstance(var_list, (dict, list, tuple, set)):
            raise TypeError("Variables to save should be passed in a dict or a list. Got %r"
                            % (var_list,))
        if defer_build and var_list:
            raise ValueError("If `var_list` is provided then build cannot be deferred. Either "
                             "set defer_build=False or var_list=None.")
        if reshape:
            raise NotImplementedError("minitf's Saver does not support reshape=True")
        if builder is not None:
            raise NotImplementedError("minitf's Saver does not support custom builders")
        if write_version != saver_pb2.SaverDef.V2:
            raise ValueError("minitf writes only the V2 checkpoint format (write_version=%r)"
                             % (write_version,))
        self._var_list = var_list
        self._max_to_keep = max_to_keep
        self._keep_checkpoint_every_n_hours = keep_checkpoint_every_n_hours
        self._name = name
        self._allow_empty = allow_empty
        self._pad_step_number = pad_step_number
        self._save_relative_paths = save_relative_paths
        self._filename = filename
        self._is_empty = False
        self._last_checkpoints = []  # [(prefix, time saved)], oldest first
        self._checkpoints_to_be_deleted = []
        self._next_checkpoint_time = None
        self.saver_def = saver_def
        if saver_def is not None:
            _check_saver_def(saver_def)
            if name:  # `name` doubles as the import scope of an imported SaverDef, as in TF
                for field in ("filename_tensor_name", "save_tensor_name", "restore_op_name"):
                    setattr(saver_def, field, _prepend_scope(getattr(saver_def, field), name))
            self._is_built = True
            self._start_keep_period()
        else:
            self._is_built = False
            if not defer_build:
                self.build()

    def _start_keep_period(self):
        self._next_checkpoint_time = (
            time.time() + self.saver_def.keep_checkpoint_every_n_hours * 3600)

    # -- building ------------------------------------------------------------------------------
    def build(self):
        """Adds the save and restore ops to the default graph (done by the constructor unless
        `defer_build=True`)."""
        if self._is_built:
            return
        self._is_built = True
        var_list = self._var_list
        if var_list is None:
            var_list = (variables_module.global_variables()
                        + get_default_graph().get_collection(GraphKeys.SAVEABLE_OBJECTS))
        if not var_list:
            if self._allow_empty:
                self._is_empty = True
                return
            raise ValueError("No variables to save")
        saveables = [v for v in var_list if _is_saveable(v)] if isinstance(
            var_list, (list, tuple, set)) else []
        names_to_vars = _names_to_variables([v for v in var_list if not _is_saveable(v)]
                                            if saveables else var_list)
        for saveable in saveables:  # a lookup table's contents: a tensor per spec
            for key, tensor in saveable.specs:
                if key in names_to_vars:
                    raise ValueError("At least two variables have the same name: %s" % key)
                names_to_vars[key] = tensor
        keys, specs, refs = [], [], []
        for key in sorted(names_to_vars):
            value = names_to_vars[key]
            for var in value if isinstance(value, list) else [value]:
                info = getattr(var, "_save_slice_info", None)
                keys.append(key)
                specs.append(info.spec if isinstance(value, list) else "")
                refs.append(_ref(var))
        graph = refs[0].graph
        with graph.as_default(), name_scope(self._name, "save"):
            with name_scope("filename") as filename_scope:
                default = constant(self._filename or "model", name="input")
                filename = placeholder_with_default(default, [], name=filename_scope)
            # TF keeps the name "Const" for the prefix tensor; SaverDefs refer to it.
            filename = placeholder_with_default(filename, [], name="Const")
            save_op = checkpoint_op(graph, SaveV2(tuple(r.dtype for r in refs)), filename,
                                    keys, refs, specs=specs)
            with control_dependencies([save_op]):
                save_tensor = identity(filename, name="control_dependency")
            restore_op = checkpoint_op(graph, RestoreV2(tuple(r.dtype for r in refs)),
                                       filename, keys, [], specs=specs)
            assigns = []
            restored = dict(zip(keys, restore_op.outputs))
            for saveable in saveables:
                assigns.append(saveable.restore([restored[k] for k, _ in saveable.specs]))
            saved_by_spec = {id(t) for s in saveables for _, t in s.specs}
            for ref, value in zip(refs, restore_op.outputs):
                if id(ref) in saved_by_spec:
                    continue
                validate = ref.shape.is_fully_defined()
                assigns.append(graph.create_op(Assign(validate_shape=validate), [ref, value],
                                               name="Assign"))
            restore_all = group(*assigns, name="restore_all")
        self.saver_def = saver_pb2.SaverDef(
            filename_tensor_name=filename.name, save_tensor_name=save_tensor.name,
            restore_op_name=restore_all.name, max_to_keep=self._max_to_keep or 0,
            sharded=False, keep_checkpoint_every_n_hours=self._keep_checkpoint_every_n_hours,
            version=saver_pb2.SaverDef.V2)
        self._start_keep_period()

    def as_saver_def(self):
        """The SaverDef that describes this saver's ops (what a MetaGraph stores)."""
        return self.saver_def

    def to_proto(self, export_scope=None):
        """The SaverDef with `export_scope` stripped from its names (None when it is not under
        that scope)."""
        if export_scope is None:
            return self.saver_def
        names = [self.saver_def.filename_tensor_name, self.saver_def.save_tensor_name,
                 self.saver_def.restore_op_name]
        if not all(n.startswith(export_scope + "/") for n in names):
            return None
        proto = saver_pb2.SaverDef()
        proto.CopyFrom(self.saver_def)
        proto.filename_tensor_name, proto.save_tensor_name, proto.restore_op_name = [
            n[len(export_scope) + 1:] for n in names]
        return proto

    @staticmethod
    def from_proto(saver_def, import_scope=None):
        """A Saver for an existing SaverDef (its ops already in the graph)."""
        return Saver(saver_def=saver_def, name=import_scope)

    # -- the checkpoints this saver keeps ------------------------------------------------------
    @property
    def last_checkpoints(self):
        """The prefixes of the checkpoints not yet deleted, oldest first."""
        return [p for p, _ in self._last_checkpoints]

    def set_last_checkpoints_with_time(self, last_checkpoints_with_time):
        """Sets the kept checkpoints: a list of (prefix, seconds since the epoch)."""
        if not isinstance(last_checkpoints_with_time, list):
            raise TypeError("last_checkpoints_with_time must be a list, got %r"
                            % type(last_checkpoints_with_time).__name__)
        self._last_checkpoints = list(last_checkpoints_with_time)

    def recover_last_checkpoints(self, checkpoint_paths):
        """Takes over checkpoints an earlier run left (e.g. CheckpointState's
        all_model_checkpoint_paths), so max_to_keep rotation deletes them in turn. Paths that
        no longer exist are skipped."""
        kept = []
        for path in checkpoint_paths:
            try:
                kept.append((path, os.path.getmtime(bundle.index_filename(path))))
            except OSError:
                continue
        self.set_last_checkpoints_with_time(kept)

    def _record_last_checkpoint(self, prefix):
        if not self.saver_def.max_to_keep:
            return
        self._last_checkpoints = [(p, t) for p, t in self._last_checkpoints if p != prefix]
        self._last_checkpoints.append((prefix, time.time()))
        if len(self._last_checkpoints) > self.saver_def.max_to_keep:
            self._checkpoints_to_be_deleted.append(self._last_checkpoints.pop(0))

    def _delete_old_checkpoints(self, meta_graph_suffix):
        while self._checkpoints_to_be_deleted:
            prefix, saved_at = self._checkpoints_to_be_deleted.pop(0)
            if saved_at > self._next_checkpoint_time:
                # keep_checkpoint_every_n_hours: keep one checkpoint per period for good.
                self._next_checkpoint_time += self.saver_def.keep_checkpoint_every_n_hours * 3600
                continue
            try:
                checkpoint_state.remove_checkpoint(prefix, meta_graph_suffix=meta_graph_suffix)
            except OSError as e:  # a checkpoint someone else removed or locked: not fatal
                _logger.warning("Ignoring: %s", e)

    # -- save ----------------------------------------------------------------------------------
    def save(self, sess, save_path, global_step=None, latest_filename=None,
             meta_graph_suffix="meta", write_meta_graph=True, write_state=True,
             strip_default_attrs=False, save_debug_info=False):
        """Saves the variables to the checkpoint `save_path` (`save_path-<global_step>` when a
        step is given) and returns that prefix; also writes `<prefix>.meta` and updates the
        directory's `checkpoint` file unless told not to. None for an empty saver."""
        if not self._is_built:
            raise RuntimeError("`build()` should be called before save if defer_build==True")
        if latest_filename is None:
            latest_filename = "checkpoint"
        if os.path.split(latest_filename)[0]:
            raise ValueError("'latest_filename' must not contain path components")
        save_path = os.fspath(save_path)
        if global_step is not None:
            if not isinstance(global_step, (int, np.integer)):
                global_step = int(sess.run(global_step))
            checkpoint_file = ("%s-%08d" if self._pad_step_number else "%s-%d") % (
                save_path, global_step)
        else:
            checkpoint_file = save_path
            if os.path.basename(save_path) == latest_filename:
                raise ValueError("'latest_filename' collides with 'save_path': '%s' and '%s'"
                                 % (latest_filename, save_path))
        if not isinstance(sess, Session):
            raise TypeError("'sess' must be a Session; %s" % (sess,))
        save_dir = os.path.dirname(save_path)
        if self._is_empty:
            model_checkpoint_path = None
        else:
            try:
                model_checkpoint_path = _as_str(sess.run(
                    self.saver_def.save_tensor_name,
                    {self.saver_def.filename_tensor_name: checkpoint_file}))
            except (errors.FailedPreconditionError, errors.NotFoundError) as exc:
                if not os.path.isdir(save_dir or "."):
                    raise ValueError("Parent directory of %s doesn't exist, can't save."
                                     % save_path) from None
                raise exc
        if write_meta_graph:
            with sess.graph.as_default():
                self.export_meta_graph(checkpoint_file + "." + meta_graph_suffix,
                                       strip_default_attrs=strip_default_attrs)
        if model_checkpoint_path is not None and write_state:
            # Last, so the state file only ever names a checkpoint whose files are complete.
            self._record_last_checkpoint(model_checkpoint_path)
            checkpoint_state.update_checkpoint_state(
                save_dir, model_checkpoint_path, self.last_checkpoints, latest_filename,
                save_relative_paths=self._save_relative_paths)
            self._delete_old_checkpoints(meta_graph_suffix)
        return model_checkpoint_path

    def export_meta_graph(self, filename=None, collection_list=None, as_text=False,
                          export_scope=None, clear_devices=False,
                          clear_extraneous_savers=False, strip_default_attrs=False,
                          save_debug_info=False):
        """Writes the default graph with this saver's SaverDef as a MetaGraphDef to
        `filename` (when given) and returns it."""
        return export_meta_graph(filename=filename, saver_def=self.saver_def,
                                 collection_list=collection_list, as_text=as_text,
                                 export_scope=export_scope, clear_devices=clear_devices,
                                 clear_extraneous_savers=clear_extraneous_savers,
                                 strip_default_attrs=strip_default_attrs)

    # -- restore -------------------------------------------------------------------------------
    def restore(self, sess, save_path):
        """Restores the variables from the checkpoint `save_path` (a prefix, e.g. what
        tf.train.latest_checkpoint returns).

        Every key is checked before anything is assigned: keys missing from the checkpoint
        raise one NotFoundError (shape or dtype mismatches alone, InvalidArgumentError) listing
        all problems, with near-miss names suggested; the variables are left unchanged."""
        if self._is_empty:
            return
        if save_path is None:
            raise ValueError("Can't load save_path when it is None.")
        save_path = os.fspath(save_path)
        if not checkpoint_state.checkpoint_exists(save_path):
            raise ValueError("The passed save_path is not a valid checkpoint: " + save_path)
        _logger.info("Restoring parameters from %s", save_path)
        targets = _restore_targets(sess.graph, self.saver_def.restore_op_name)
        if targets is not None:
            reader = open_checkpoint(save_path)
            _check_checkpoint_matches(reader, save_path, targets)
            if _restore_in_place(sess, reader, targets):
                return
        sess.run(self.saver_def.restore_op_name,
                 {self.saver_def.filename_tensor_name: save_path})


def _get_saver_or_default():
    """The Saver in the default graph's SAVERS collection, or a new one over every variable
    (allow_empty) added to it: the saver a Scaffold and the checkpoint hooks share, as TF's."""
    savers = get_default_graph().get_collection(GraphKeys.SAVERS)
    if savers:
        if len(savers) > 1:
            raise RuntimeError("More than one item in collection {}. Please indicate which one to "
                               "use by passing it to the constructor.".format(GraphKeys.SAVERS))
        return savers[0]
    saver = Saver(sharded=True, allow_empty=True)
    get_default_graph().add_to_collection(GraphKeys.SAVERS, saver)
    return saver


def _check_saver_def(saver_def):
    if not isinstance(saver_def, saver_pb2.SaverDef):
        raise ValueError("saver_def must be a saver_pb2.SaverDef: %r" % (saver_def,))
    for field in ("save_tensor_name", "restore_op_name"):
        if not getattr(saver_def, field):
            raise ValueError("saver_def must specify the %s: %s" % (field, saver_def))


def _ref(var):
    """The tensor SaveV2 reads and Assign writes: the variable op's own output."""
    return var._ref() if isinstance(var, variables_module.Variable) else var


def _prepend_scope(name, scope):
    if not scope:
        return name
    scope = scope.rstrip("/")
    if name.startswith("^"):
        return "^%s/%s" % (scope, name[1:])
    return "%s/%s" % (scope, name)


def _restore_in_place(sess, reader, targets):
    """What running the restore op does, with bounded memory: every tensor is checked first
    (sizes and CRCs, a chunk at a time, nothing kept), so a damaged checkpoint changes no
    variable; then each is read straight into its variable's array (or into a new array that
    becomes the variable's, when it has none of that shape and dtype yet), so memory grows by
    no tensor's size. Returns False (nothing done) when a target is not a plain variable."""
    if any(var is None for _, _, _, var in targets):
        return False
    for key, _, _, _ in targets:
        reader.check_tensor(key)
    with sess._lock:
        if sess._closed:
            raise RuntimeError("Attempted to use a closed Session.")
        state = sess._state
        for key, dtype, _, var in targets:
            xp = state.xp_for(var)
            current = state.variables.get(var)
            stored = reader.entry(key)
            shape = tuple(d.size for d in stored.shape.dim)
            if (xp is np and type(current) is np.ndarray and current.shape == shape
                    and current.dtype == dtype.as_numpy_dtype and current.flags.c_contiguous
                    and current.flags.writeable):
                reader.read_into(key, current)
                continue
            value = reader.get_tensor(key)
            state.variables[var] = value if xp is np else xp.asarray(value)
    return True


def _restore_targets(graph, restore_op_name):
    """[(checkpoint key, dtype, static shape or None, the VariableV2 op assigned or None)] that
    the restore op assigns, read off the TF-shaped restore graph (restore_all <- Assign <-
    RestoreV2); None when the graph has another shape (then the restore op's own errors are
    all there is)."""
    try:
        restore_op = graph.as_graph_element(restore_op_name, allow_tensor=False)
    except (KeyError, ValueError):
        return None
    targets = []
    for assign in restore_op.control_inputs:
        if not isinstance(assign.opdef, Assign) or len(assign.inputs) != 2:
            return None
        ref, value = assign.inputs
        while value.op.opdef.is_identity:
            value = value.op.inputs[0]
        if not isinstance(value.op.opdef, RestoreV2):
            return None
        names = constant_value(value.op.inputs[1])
        specs = constant_value(value.op.inputs[2])
        if names is None or specs is None or any(_as_str(x) for x in specs.reshape(-1)):
            return None  # slices of partitioned variables: the restore op reads them
        key = _as_str(names.reshape(-1)[value.value_index])
        shape = ref.shape if assign.get_attr("validate_shape") else None
        plain = (ref.op.opdef.is_variable and not assign.control_inputs
                 and restore_op.type == "NoOp" and not restore_op.inputs)
        var = ref.op if plain else None
        targets.append((key, ref.dtype, shape, var))
    return targets


def _check_checkpoint_matches(reader, save_path, targets):
    """Raises one error listing every key of `targets` that the checkpoint lacks or holds
    with another dtype or shape (keys the checkpoint has beyond them are fine, as in TF)."""
    dtype_map, shape_map = reader.dtype_map(), reader.shape_map()
    wanted = {key for key, _, _, _ in targets}
    unexpected = sorted(k for k in dtype_map if k not in wanted)
    missing, mismatched = [], []
    for key, dtype, shape, _ in targets:
        if key not in dtype_map:
            close = difflib.get_close_matches(key, unexpected, n=1, cutoff=0.6)
            missing.append("%r%s" % (key, " (did you mean %r?)" % close[0] if close else ""))
            continue
        stored_dtype = dtypes.as_dtype(dtype_map[key])
        stored_shape = shape_map[key]
        if stored_dtype is not dtype or (shape is not None
                                         and not shape.is_compatible_with(stored_shape)):
            mismatched.append("%r: the graph has %s %s, the checkpoint %s %s" % (
                key, dtype.name, "?" if shape is None else format_dims(shape.as_tuple()),
                stored_dtype.name, format_dims(stored_shape)))
    if not missing and not mismatched:
        return
    lines = ["Restoring from checkpoint failed: %s does not match the variables this Saver "
             "restores." % save_path]
    if missing:
        lines.append("  Not found in the checkpoint (%d): %s" % (len(missing), ", ".join(missing)))
    if mismatched:
        lines.append("  Shape or dtype mismatch (%d): %s"
                     % (len(mismatched), "; ".join(mismatched)))
    if unexpected:
        shown = ", ".join(repr(k) for k in unexpected[:20])
        lines.append("  In the checkpoint but not restored (%d): %s%s"
                     % (len(unexpected), shown, ", ..." if len(unexpected) > 20 else ""))
    lines.append("No variable was changed. Build the variables with the names, shapes and "
                 "dtypes the checkpoint holds (tf.train.list_variables(path) lists them), or "
                 "give the Saver a var_list dict {checkpoint key: variable} to rename or to "
                 "restore a subset.")
    cls = errors.NotFoundError if missing else errors.InvalidArgumentError
    raise cls(None, None, "\n".join(lines))


# --------------------------------------------------------------------------------------------
# MetaGraph export and import
# --------------------------------------------------------------------------------------------

def _variable_to_proto(variable, export_scope=None):
    if not isinstance(variable, variables_module.Variable):
        return None
    initial = variable.initial_value
    names = [variable.name, variable.initializer.name, variable.value().name,
             initial.name if initial is not None else ""]
    if export_scope:
        if not all(n.startswith(export_scope + "/") for n in names if n):
            return None
        names = [n[len(export_scope) + 1:] for n in names]
    proto = meta_graph.VariableDef(variable_name=names[0], initializer_name=names[1],
                                   snapshot_name=names[2], initial_value_name=names[3],
                                   trainable=variable.trainable)
    info = variable._get_save_slice_info()
    if info is not None:  # a part of a partitioned variable
        full_name = info.full_name
        if export_scope and full_name.startswith(export_scope + "/"):
            full_name = full_name[len(export_scope) + 1:]
        proto.save_slice_info_def.full_name = full_name
        proto.save_slice_info_def.full_shape.extend(info.full_shape)
        proto.save_slice_info_def.var_offset.extend(info.var_offset)
        proto.save_slice_info_def.var_shape.extend(info.var_shape)
    return proto


def _variable_from_proto(proto, import_scope=None):
    """A tf.Variable wrapping the imported ops named by a VariableDef (a part of a
    partitioned variable keeps its SaveSliceInfo)."""
    variable = variables_module.Variable(variable_def=proto, import_scope=import_scope)
    if proto.HasField("save_slice_info_def"):
        info = proto.save_slice_info_def  # (its full name already under the import scope)
        variable._set_save_slice_info(variables_module.Variable.SaveSliceInfo(
            info.full_name, list(info.full_shape), list(info.var_offset),
            list(info.var_shape)))
    return variable


# The collections TF stores as VariableDefs (its _VARIABLE_COLLECTIONS).
_VARIABLE_COLLECTIONS = (GraphKeys.GLOBAL_VARIABLES, GraphKeys.TRAINABLE_VARIABLES,
                         GraphKeys.LOCAL_VARIABLES, GraphKeys.MODEL_VARIABLES,
                         GraphKeys.MOVING_AVERAGE_VARIABLES, GraphKeys.GLOBAL_STEP,
                         "metric_variables")
for _key in _VARIABLE_COLLECTIONS:
    meta_graph.register_proto_function(_key, meta_graph.VariableDef, _variable_to_proto,
                                       _variable_from_proto, variables=True)
del _key
meta_graph.register_proto_function(GraphKeys.SAVERS, saver_pb2.SaverDef,
                                   lambda s, export_scope=None: s.to_proto(export_scope),
                                   Saver.from_proto)


def export_meta_graph(filename=None, meta_info_def=None, graph_def=None, saver_def=None,
                      collection_list=None, as_text=False, graph=None, export_scope=None,
                      clear_devices=False, clear_extraneous_savers=False,
                      strip_default_attrs=False, save_debug_info=False, **kwargs):
    """Returns the MetaGraphDef of `graph` (default: the default graph): its GraphDef, the
    collections in `collection_list` (default: all) and `saver_def`; also writes it to
    `filename` (atomically, creating the directory; text format when `as_text`) when a
    filename is given. With `export_scope`, only that scope's ops, the scope stripped."""
    if kwargs:
        raise ValueError("Unrecognized keyword arguments: %s" % ", ".join(sorted(kwargs)))
    if clear_extraneous_savers:
        raise NotImplementedError("minitf's export_meta_graph has no clear_extraneous_savers")
    meta_graph_def = meta_graph.create_meta_graph_def(
        graph=graph, meta_info_def=meta_info_def, graph_def=graph_def, saver_def=saver_def,
        collection_list=collection_list, export_scope=export_scope,
        clear_devices=clear_devices, strip_default_attrs=strip_default_attrs)
    if filename:
        filename = os.fspath(filename)
        data = (text_format.MessageToString(meta_graph_def).encode("utf-8") if as_text
                else meta_graph_def.SerializeToString())
        try:
            if os.path.dirname(filename):
                os.makedirs(os.path.dirname(filename), exist_ok=True)
            bundle.write_file_atomically(filename, [data])
        except FileExistsError:  # what makedirs says when a file has the directory's name
            raise errors.FailedPreconditionError(
                None, None, "%s exists and is not a directory: cannot write the MetaGraphDef "
                "%s" % (os.path.dirname(filename), filename)) from None
        except OSError as e:  # the errno mapping the data and index files get
            raise errors._from_os_error(e, None, filename, "cannot write the MetaGraphDef") \
                from None
    return meta_graph_def


def import_meta_graph(meta_graph_or_file, clear_devices=False, import_scope=None, **kwargs):
    """Rebuilds a saved MetaGraph in the default graph (ops, variables, collections) and
    returns a Saver for it, so a model can be restored and trained further without the code
    that built it:

        saver = tf.train.import_meta_graph("run/model.ckpt-100.meta")
        saver.restore(sess, "run/model.ckpt-100")
        train_op = tf.get_collection("train_op")[0]

    The Saver is the exported one (its SaverDef); without one, a new Saver over the imported
    variables keyed by their exported names; None when there are no variables.
    `meta_graph_or_file` is a MetaGraphDef or a file name (binary or text format). `kwargs`
    may hold `input_map` ({name in the saved graph: Tensor to use instead}) and
    `allow_file_writes` (default False: ops that would write files of the graph file's
    choosing are refused with PermissionDeniedError; the Saver's own save op, whose prefix
    `Saver.save` feeds, is fine; see docs/security.md)."""
    input_map = kwargs.pop("input_map", None)
    allow_file_writes = kwargs.pop("allow_file_writes", False)
    if kwargs:
        raise ValueError("Unrecognized keyword arguments: %s" % ", ".join(sorted(kwargs)))
    meta_graph_def = meta_graph.read_meta_graph(meta_graph_or_file)
    imported_vars, saver_def = meta_graph.import_meta_graph_def(
        meta_graph_def, clear_devices=clear_devices, import_scope=import_scope,
        input_map=input_map, allow_file_writes=allow_file_writes)
    if saver_def is not None:
        return Saver(saver_def=saver_def)
    if imported_vars:
        # Keyed by the names the variables had when exported, so that graph's checkpoints
        # restore even under an import_scope.
        return Saver({name.rsplit(":", 1)[0]: v for name, v in imported_vars.items()})
    _logger.info("Saver not created because there are no variables in the graph to restore")
    return None
