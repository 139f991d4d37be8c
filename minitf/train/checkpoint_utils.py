"""tf.train.init_from_checkpoint: variables that start from a checkpoint's tensors (fine-tuning a
pretrained model) instead of their initializers (TF1's checkpoint_utils)."""

from minitf.framework.graph import get_default_graph, name_scope
from minitf.ops import variables as variables_module
from minitf.ops.partitioned_variables import PartitionedVariable
from minitf.ops.constant_op import constant
from minitf.ops.state_ops import Assign
from minitf.ops.variable_scope import _var_store
from minitf.train.checkpoint_reader import _checkpoint_prefix, load_checkpoint
from minitf.train.saver import RestoreV2, checkpoint_op

__all__ = ["init_from_checkpoint"]


def init_from_checkpoint(ckpt_dir_or_file, assignment_map):
    """Makes the initializers of the variables `assignment_map` names read them from the
    checkpoint `ckpt_dir_or_file` (a prefix, or a directory's latest checkpoint); running
    tf.global_variables_initializer() then loads them. Keys are checkpoint names, values the
    variables (Variable objects, or names of variables made by tf.get_variable):

        {"old/w": "new/w"}          one tensor into one variable
        {"old/w": w}                into a Variable object
        {"old_scope/": "new/"}      every get_variable variable under new/ from old_scope/
        {"/": "new/"}               from the checkpoint's root
        {"old/w": "new/w"}          with new/w partitioned: each part from its slice

    A name that is not in the checkpoint, a shape that differs, or a scope mapped to a plain
    name is a ValueError, raised while the graph is built (TF's messages)."""
    reader = load_checkpoint(ckpt_dir_or_file)
    shapes = reader.get_variable_to_shape_map()
    prefix = _checkpoint_prefix(ckpt_dir_or_file)
    store = _var_store()
    for tensor_name, current in sorted(assignment_map.items(), key=lambda kv: kv[0]):
        if isinstance(current, PartitionedVariable):
            current = list(current)
        if isinstance(current, variables_module.Variable) or (
                isinstance(current, list) and current
                and all(isinstance(v, variables_module.Variable) for v in current)):
            var = current
        else:
            var = store.get(current)
            if var is None:
                var = _collect_partitioned_variable(current, store)
        if var is not None:
            if tensor_name not in shapes:
                raise ValueError("Tensor %s is not found in %s checkpoint %s"
                                 % (tensor_name, ckpt_dir_or_file, shapes))
            if not isinstance(var, list) and not var.shape.is_compatible_with(
                    shapes[tensor_name]):
                raise ValueError("Shape of variable %s (%s) doesn't match with shape of tensor "
                                 "%s (%s) from checkpoint reader."
                                 % (var.name, var.shape, tensor_name, shapes[tensor_name]))
            _initialize_variable_or_parts(var, prefix, tensor_name)
            continue
        scopes = current[:current.rindex("/")] if "/" in current else ""
        if not tensor_name.endswith("/"):
            raise ValueError("Assignment map with scope only name {} should map to scope only "
                             "{}. Should be 'scope/': 'other_scope/'.".format(scopes, tensor_name))
        # A partitioned variable's parts (name/part_0...) count once, under its name.
        in_scope = {n[:n.index("/part_")] if "/part_" in n else n
                    for n in store if not scopes or n.startswith(scopes + "/")}
        for var_name in sorted(in_scope):
            full_name = var_name[len(scopes):]
            if current != "/":
                full_name = full_name[1:]
            if tensor_name != "/":
                full_name = tensor_name + full_name
            if full_name.endswith("/"):
                full_name = full_name[:-1]
            if full_name not in shapes:
                raise ValueError("Tensor %s (%s in %s) is not found in %s checkpoint"
                                 % (full_name, var_name[len(scopes) + 1:], tensor_name,
                                    ckpt_dir_or_file))
            var = store.get(var_name)
            if var is None:
                var = _collect_partitioned_variable(var_name, store)
            _initialize_variable_or_parts(var, prefix, full_name)


def _collect_partitioned_variable(name, store):
    """The parts name/part_0, name/part_1... of a partitioned variable, or None."""
    parts = []
    while "%s/part_%d" % (name, len(parts)) in store:
        parts.append(store["%s/part_%d" % (name, len(parts))])
    return parts or None


def _initialize_variable_or_parts(var, prefix, tensor_name):
    """A variable from the whole tensor; parts of one partitioned variable each from its
    slice (TF's rule: they must all be slices of one variable)."""
    if not isinstance(var, list):
        _initialize_from(var, prefix, tensor_name, "")
        return
    first = None
    for v in var:  # checked before any initializer changes
        info = v._get_save_slice_info()
        if info is None:
            raise ValueError("%s is not a part of a partitioned variable" % v.name)
        if first is None:
            first = info.full_name
        elif info.full_name != first:
            raise ValueError("Slices must all be from the same tensor: %s != %s"
                             % (first, info.full_name))
    for v in var:
        _initialize_from(v, prefix, tensor_name, v._get_save_slice_info().spec)


def _initialize_from(var, prefix, tensor_name, spec):
    """var's initializer becomes an Assign of the checkpoint's `tensor_name` (its slice
    `spec`, for a part; a RestoreV2 op named checkpoint_initializer, as TF's), its initial
    value that tensor."""
    graph = get_default_graph()
    with graph.device(var.device):
        with name_scope("checkpoint_initializer") as scope:
            restored = checkpoint_op(graph, RestoreV2((var.dtype.base_dtype,)),
                                     constant(prefix, name="prefix"), [tensor_name], [],
                                     name=scope, specs=[spec]).outputs[0]
        restored.set_shape(var.shape)
        var._initializer_op = graph.create_op(Assign(), [var._ref(), restored], name="Assign")
    var._initial_value = restored
