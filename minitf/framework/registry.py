"""OpDef, the base class of every op, and the registry that finds an op class by TF type name.

An op is ONE frozen dataclass (OpDef makes every subclass one): its fields are the op's
attributes, and it has four methods:

* ``infer(*inputs)``: static output spec(s) from the input Tensors' static shapes and dtypes.
  Return one TensorSpec, or a list of them for an op with several (or zero) outputs. Raise
  ValueError / TypeError with what is wrong; the graph adds the op's name and input shapes.
* ``compute(xp, *arrays)``: the kernel, written once against the array module ``xp`` (numpy
  or cupy). It must not modify its inputs. Ops with several outputs return a tuple. If
  ``supports_out`` is True it also accepts ``out=`` (a buffer of the right shape and dtype the
  plan reuses between runs) and must write its result there when given one.
* ``grad(op, *output_grads)``: gradient rule built from minitf ops (never xp, never values);
  returns one entry per input (None where an input gets no gradient). Ops that have no
  gradient set ``differentiable = False`` instead. A gradient is a Tensor, None, or a
  ``tf.IndexedSlices`` (sparse rows: the gradient of gather). A rule receives dense Tensors
  unless its op sets ``sparse_grads = True`` (Identity: it passes slices through); gradients()
  densifies for the others, as TF's conversion does. An op that sets ``grad_prunes = True``
  gets ``grad(op, *output_grads, needed=flags)``: one bool per input, whether it lies on a
  path to a requested x (While uses it to skip the gradients nobody asked for).
* ``specialize(xp, op)`` (optional): the callable the plan runs for a pure op, by default
  ``compute`` with ``xp`` bound. An op whose kernel is one array-module call once its
  attributes and the op's static input shapes and dtypes are known returns that call itself
  (``xp.tanh``: a ufunc takes ``out=`` too), saving the Python frames around it on every run
  (what a graph of many small ops costs). It must give the same results, errors aside, for every
  input the static shapes and dtypes allow; a shape known only at run time is checked there.
  It may also return a ``Call``: the call written out, arguments and all (``dot(a, b.T)``).
* ``inline(op, *names)`` (optional): a Python expression computing the op from its inputs'
  local variable names, or None (the default). A loop body's or a branch's plan writes it in
  place of the kernel call (a while_loop's scalar counter then costs a Python operator, not a
  kernel); the same contract as ``specialize``.
* ``group_key(op)`` / ``bind_group(ctx, ops)`` (optional, variable updates): updates of one
  key that stand next to each other in a plan run as one kernel (a step of a network of many
  small variables applies a thousand GradientDescent updates).
* ``bind(ctx, op)``: only stateful ops override it. It returns the callable the plan runs
  (``fn(*arrays)``), closing over the session state in ``ctx`` (variables, RNG, ...). Inputs
  listed in ``ref_inputs`` are variable references: the plan passes no value for them (the
  op finds the variable's storage through ``ctx``), so assigning an uninitialized variable
  works and nothing reads it first.
"""

import dataclasses
import functools
from typing import ClassVar

from minitf.framework.context import get_default_graph

REGISTRY = {}


@dataclasses.dataclass(frozen=True)
class TFSignature:
    """How an op is written as a NodeDef of TF's GraphDef where that differs from the default
    (TF's op of the same type name, attr ``T`` from input 0, every field an attr); an op class
    declares it as ``tf_signature`` and framework/graph_def.py reads it.

    * ``type_attrs``: TF's type attrs that come from input dtypes, as (attr, index into TF's
      inputs) pairs; an index that is a slice gives a list of types. Indexes count the Const
      input of ``const_input`` too, so ``Tidx`` can come from the reduction indices.
    * ``const_input``: (field, TF's input name, its position among TF's inputs (-1: last), TF's
      input count (None: a list)) for a field TF takes as an int32 Const input rather than an
      attr. The export adds a Const node ``<op>/<input name>`` feeding that input; the import
      folds such a Const back into the field.
    * ``n_list``: the op takes a list of ``N`` inputs followed by this many ordinary ones.
    * ``implied``: (field, value) for a field TF's op does not have, exported only when not at
      that value (nor at the last axis, which the value -1 means).
    """

    type_attrs: tuple = (("T", 0),)
    const_input: tuple = None
    n_list: int = None
    implied: tuple = None


class OpDef:
    """Base class of all ops; see the module docstring for what subclasses implement.

    Every subclass, bases of op families included, is a frozen dataclass as soon as it is
    defined, so a field declared on a base (`Reduction.axis`) is a field of all its ops."""

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        dataclasses.dataclass(frozen=True)(cls)
        # Frozen by OpDef's own __setattr__ rather than one added to each class, so that an
        # explicit @dataclasses.dataclass(frozen=True) on top (the style DESIGN.md shows)
        # may process the class again.
        del cls.__setattr__, cls.__delattr__

    def __setattr__(self, name, value):
        raise dataclasses.FrozenInstanceError("cannot assign to field %r" % name)

    def __delattr__(self, name):
        raise dataclasses.FrozenInstanceError("cannot delete field %r" % name)

    type_name: ClassVar[str] = ""
    stateful: ClassVar[bool] = False          # sees session state; never folded or cached
    differentiable: ClassVar[bool] = True     # False: gradients() treats every input grad as None
    sparse_grads: ClassVar[bool] = False      # grad() may receive IndexedSlices (see above)
    grad_prunes: ClassVar[bool] = False       # grad() gets needed= (which inputs lead to an x)
    fresh_output: ClassVar[bool] = True       # False: compute may return an input or state itself
    supports_out: ClassVar[bool] = False      # compute accepts out=
    # compute(..., out=) is one ufunc-like pass that may write into one of its own inputs (out=
    # aliasing an input gives the same result): the plan hands a large input at its last use
    # back to the buffer pool before the call, so the output reuses its memory (in place).
    elementwise: ClassVar[bool] = False
    is_identity: ClassVar[bool] = False       # output == input 0: the plan forwards, no call
    is_variable: ClassVar[bool] = False       # its output is a variable's storage (VariableV2)
    is_constant: ClassVar[bool] = False       # its output is a value stored in the graph (Const)
    # Its output depends on its inputs' shapes and dtypes only (zeros_like): a plan folds it
    # when they are static, as TF's Grappler does.
    value_from_shape: ClassVar[bool] = False
    must_be_fed: ClassVar[bool] = False       # a run that needs it must feed it (Placeholder)
    may_be_fed: ClassVar[bool] = False        # usually fed: its value is unknown while building
    # Host memory (TF's HostMemory): shape-valued values stay on the host, so a GPU plan never
    # syncs to read a shape. `host_outputs`: the op computes its outputs from its inputs'
    # shapes alone, so it runs with numpy wherever it is placed and its inputs are not moved;
    # `host_inputs`: the indices of inputs (shapes, begins, sizes) its kernel reads on the host.
    host_outputs: ClassVar[bool] = False
    host_inputs: ClassVar[tuple] = ()
    # Its kernel needs numpy (a numpy function cupy lacks, a host random stream, Python
    # objects): it runs on the host wherever it is placed, as TF places an op with no GPU
    # kernel on the CPU, and the plan moves its inputs and outputs across.
    host_only: ClassVar[bool] = False

    def infer(self, *inputs):
        raise NotImplementedError

    def compute(self, xp, *inputs):
        raise NotImplementedError

    def grad(self, op, *grads):
        raise LookupError("No gradient defined for operation '%s' (op type: %s)"
                          % (op.name, op.type))

    ref_inputs: ClassVar[tuple] = ()          # inputs that are variable references (see bind)
    tf_signature: ClassVar[TFSignature] = TFSignature()  # its form in TF's GraphDef

    def bind(self, ctx, op):
        return self.specialize(ctx.xp_for(op), op)

    def specialize(self, xp, op):
        return functools.partial(self.compute, xp)

    def inline(self, op, *names):
        return None

    def group_key(self, op):
        """For a variable update: a key under which the plan may run it as one kernel with the
        other updates of the same key that stand next to it (`bind_group`), when no op reads
        their outputs and no two of them write the same variable. None (the default): never,
        and the update ends the run of updates around it; a key no other update has (the op
        itself): it runs alone, but the updates either side of it may still group."""
        return None

    # The index (among the values a plan passes) of an update's input whose producer the group's
    # kernel may compute itself (the gradient), or None.
    batch_input: ClassVar = None

    def bind_group(self, ctx, ops, producers=None):
        """The one kernel running the updates `ops` (of one `group_key`, in that order): it
        takes their value inputs one op after the other and returns nothing. With
        `producers` (the ops making each update's `batch_input`, see OpDef.batch_key), it
        takes the inputs the updates share, then each producer's inputs, and computes
        those values itself."""
        raise NotImplementedError

    def batch_key(self, op):
        """A key under which ops of this kind may run batched (`bind_batch`): equal keys, same
        computation on inputs of the same static shapes and dtypes. None (the default): never."""
        return None

    def bind_batch(self, xp, ops):
        """`fn(out, *columns)` computing each of `ops` (of one `batch_key`) into `out[i]`
        (stacked: (len(ops),) + the output shape), bit for bit as its own kernel would;
        `columns[j]` holds the ops' j-th inputs."""
        raise NotImplementedError

    def static_value(self, op):
        """The op's output value when it is known at graph-build time (Const, Shape of a fully
        defined shape...), else None. Used for static shape inference and plan folding."""
        return None

    def shape_value(self, op):
        """The TensorShape that the op's 1-D integer output describes when used as a shape, with
        None for entries not known at build time, when more than its value is known (the Shape
        of a partly known shape, a stack of known and unknown sizes); else None."""
        return None

    def tf_expansion(self, op, inputs, name):
        """For a minitf-only op (or a form TF's op cannot take): the TF ops that compute the same,
        as [(helper suffix, or None for the op's own node, TF op type, inputs, attrs)], given
        the names of `op`'s inputs and `name(suffix)`, the unique name of a helper node. None
        (the default): the op is exported as itself."""
        return None

    def attrs(self):
        """The op's attributes as a dict (its dataclass fields)."""
        return {f.name: getattr(self, f.name) for f in dataclasses.fields(self)}

    def __call__(self, *inputs, name=None, device=None):
        """Adds this op to the default graph with `inputs` (Tensors) and returns its output:
        the Tensor of a one-output op, the list of outputs of an op with several, and the
        Operation of an op with none (TF's generated op wrappers return the same)."""
        op = get_default_graph().create_op(self, list(inputs), name=name, device=device)
        outputs = op.outputs
        if len(outputs) == 1:
            return outputs[0]
        return list(outputs) if outputs else op


class Call:
    """What `specialize` returns for a kernel that is one call of `fn` on its inputs as
    `template` arranges them (`"{0}, {1}.T"`: the second input transposed): the plan writes
    that call into its generated code, so no Python frame sits around `fn`. `fallback`, the
    same kernel as a function (taking `out=` if the op supports it), runs where the plan
    wraps its kernels (a traced run, an output drawn from the pool); calling the Call runs it."""

    __slots__ = ("fn", "template", "fallback")

    def __init__(self, fn, template, fallback):
        self.fn, self.template, self.fallback = fn, template, fallback

    def __call__(self, *args, **kwargs):
        return self.fallback(*args, **kwargs)

    def arguments(self, names):
        """The argument list of the call, given the inputs' variable names."""
        return self.template.format(*names)


def register(cls):
    """Class decorator: registers the op class `cls` under its TF type name."""
    name = cls.__dict__.get("type_name") or cls.__name__
    if name in REGISTRY and REGISTRY[name] is not cls:
        raise ValueError("Op type %r is registered twice (%s and %s)" % (name, REGISTRY[name], cls))
    cls.type_name = name
    REGISTRY[name] = cls
    return cls


def lookup(type_name):
    try:
        return REGISTRY[type_name]
    except KeyError:
        raise KeyError("No op type named %r is registered in minitf" % type_name) from None


# -- gradient functions by name ------------------------------------------------------------------
# An op's gradient is its OpDef's `grad`. Users add gradients by name, as TF1's
# tf.RegisterGradient does: for an op type minitf has no rule for, or for a name that
# Graph.gradient_override_map gives ops instead of their type. Like TF's, this registry is
# the process's, and a name is registered once.

_GRADIENTS = {}  # name -> fn(op, *output_grads), or None: tf.NotDifferentiable


def _has_own_gradient(cls):
    return not cls.differentiable or cls.grad is not OpDef.grad


def _register_gradient(name, fn):
    if not isinstance(name, str):
        raise TypeError("op_type must be a string")
    if name in _GRADIENTS:
        previous = _GRADIENTS[name]
        where = ("tf.NotDifferentiable" if previous is None else "%s %s:%d" % (
            previous.__name__, previous.__code__.co_filename, previous.__code__.co_firstlineno)
            if hasattr(previous, "__code__") else repr(previous))
    elif name in REGISTRY and _has_own_gradient(REGISTRY[name]):
        where = "minitf's op %s" % name
    else:
        _GRADIENTS[name] = fn
        return
    raise KeyError("Registering two gradient with name '%s'! (Previous registration was in %s)"
                   % (name, where))


class RegisterGradient:
    """Decorator `@tf.RegisterGradient("Name")`: registers `fn(op, *output_grads)`, which
    returns one gradient per input of `op` (a list, or the gradient itself for one input; None
    where an input gets none), built from minitf ops. It becomes the gradient of ops of type
    "Name" (one minitf has no rule for) and of the ops that Graph.gradient_override_map maps
    to "Name". A name already registered (minitf's op types with a gradient included) raises
    KeyError, as in TF."""

    def __init__(self, op_type):
        if not isinstance(op_type, str):
            raise TypeError("op_type must be a string")
        self._op_type = op_type

    def __call__(self, f):
        _register_gradient(self._op_type, f)
        return f


def NotDifferentiable(op_type):  # noqa: N802 - TF's public name
    """Registers `op_type` (an op type or a gradient_override_map name) as having no gradient:
    tf.gradients passes None to its inputs. KeyError if the name is registered already."""
    _register_gradient(op_type, None)


def no_gradient(op_type):
    """TF 1.15's name for tf.NotDifferentiable."""
    _register_gradient(op_type, None)


def gradient_function(op):
    """The function giving `op`'s input gradients from its output gradients, called as
    `fn(op, *output_grads)`, or None when no gradient flows through `op`. An op made under
    Graph.gradient_override_map uses the gradient registered under its mapped name: a
    tf.RegisterGradient function, or a minitf op type's rule applied to this op (its
    attributes are this op's, as TF's override reads the op's attrs)."""
    name = op._gradient_op_type
    if name is None:
        if op.type in _GRADIENTS:
            return _GRADIENTS[op.type]
        return op.opdef.grad if op.opdef.differentiable else None
    if name in _GRADIENTS:
        return _GRADIENTS[name]
    cls = REGISTRY.get(name)
    if cls is None or not _has_own_gradient(cls):
        raise LookupError("No gradient defined for operation '%s' (op type: %s): its gradient "
                          "is overridden to '%s', which is not registered (tf.RegisterGradient)"
                          % (op.name, op.type, name))
    if not cls.differentiable:
        return None
    return functools.partial(cls.grad, op.opdef)
