"""The global step: an int64 scalar variable `global_step` that counts training steps, kept in
the GLOBAL_STEP collection of its graph."""

from minitf import dtypes
from minitf.framework.graph import GraphKeys, get_default_graph, name_scope
from minitf.framework.tensor import Tensor
from minitf.ops import variables as variables_module
from minitf.ops.init_ops import zeros_initializer
from minitf.ops.variable_scope import get_variable

__all__ = ["get_global_step", "create_global_step", "get_or_create_global_step",
           "global_step", "assert_global_step"]


def get_global_step(graph=None):
    """The global step of `graph` (default: the default graph), or None if it has none.

    That is the one variable in the GLOBAL_STEP collection, or else the tensor named
    'global_step:0'."""
    graph = graph or get_default_graph()
    found = graph.get_collection(GraphKeys.GLOBAL_STEP)
    if len(found) > 1:
        raise ValueError("Multiple tensors in the global_step collection of the graph: %s"
                         % ", ".join(t.name for t in found))
    if found:
        step = found[0]
    else:
        try:
            step = graph.get_tensor_by_name("global_step:0")
        except KeyError:
            return None
    assert_global_step(step)
    return step


def create_global_step(graph=None):
    """Creates the global step of `graph`; ValueError if it already has one.

    It is the int64 scalar variable 'global_step' (made by get_variable, so in the current
    variable scope, as TF), initialised to 0, not trainable, in GLOBAL_VARIABLES and
    GLOBAL_STEP."""
    graph = graph or get_default_graph()
    if get_global_step(graph) is not None:
        raise ValueError('"global_step" already exists.')
    with graph.as_default(), name_scope(None):
        return get_variable(
            GraphKeys.GLOBAL_STEP, shape=[], dtype=dtypes.int64, initializer=zeros_initializer(),
            trainable=False, collections=[GraphKeys.GLOBAL_VARIABLES, GraphKeys.GLOBAL_STEP])


def get_or_create_global_step(graph=None):
    """The global step of `graph`, created first if it has none."""
    graph = graph or get_default_graph()
    step = get_global_step(graph)
    if step is None:
        step = create_global_step(graph)
    return step


def global_step(sess, global_step_tensor):
    """The current value of the global step in `sess`, as a Python int."""
    return int(sess.run(global_step_tensor))


def assert_global_step(global_step_tensor):
    """Raises TypeError unless `global_step_tensor` is an integer scalar Variable or Tensor."""
    if not isinstance(global_step_tensor, (variables_module.Variable, Tensor)):
        raise TypeError('Existing "global_step" must be a Variable or Tensor: %s.'
                        % (global_step_tensor,))
    if not global_step_tensor.dtype.is_integer:
        raise TypeError('Existing "global_step" does not have integer type: %s'
                        % global_step_tensor.dtype.name)
    shape = global_step_tensor.shape
    if shape.ndims != 0 and shape.is_fully_defined():
        raise TypeError('Existing "global_step" is not scalar: %s' % shape)


GLOBAL_STEP_READ_KEY = "global_step_read_op_cache"


def _get_or_create_global_step_read(graph=None):
    """A tensor reading the global step (`global_step/add:0`, the step + 0), made
    once per graph and cached in the 'global_step_read_op_cache' collection, as TF's hooks use;
    None if the graph has no global step."""
    graph = graph or get_default_graph()
    cached = graph.get_collection(GLOBAL_STEP_READ_KEY)
    if cached:
        return cached[0]
    step = get_global_step(graph)
    if step is None:
        return None
    with graph.as_default(), name_scope(None), name_scope(step.op.name + "/"):
        # TF adds 0 to `initialized_value()`; minitf adds 0 to the variable itself: its plans
        # run this read before a train op's increment in the same run (the value the hooks
        # expect), whereas InitializedValue forwards the variable's slot and would show the
        # incremented value. The hooks only read it in an initialized session.
        read = step + 0
    graph.add_to_collection(GLOBAL_STEP_READ_KEY, read)
    return read
