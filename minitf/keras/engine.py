"""The Keras engine on minitf's graph: `Layer` (variables made on the first call, in a name
scope named after the layer: `dense/kernel:0`), the nodes that link layers into a graph of Keras
tensors (plain minitf Tensors, so layers mix with TF1 code), `Input`/`InputLayer`, and the
functional `Model` and `Sequential` containers. Training (compile/fit...) is in training.py."""

import re
import weakref

import numpy as np

import minitf as tf
from minitf.keras import backend as K

# id(Keras tensor) -> (weakref to it, (layer, node_index, tensor_index)); by id because a
# Tensor's == builds an op.
_HISTORY = {}


def keras_history(tensor):
    entry = _HISTORY.get(id(tensor))
    if entry is None or entry[0]() is not tensor:
        return None
    return entry[1]


def _set_history(tensor, history):
    key = id(tensor)

    def forget(ref):
        if _HISTORY.get(key, (None,))[0] is ref:
            del _HISTORY[key]

    _HISTORY[key] = (weakref.ref(tensor, forget), history)


def is_keras_tensor(x):
    return keras_history(x) is not None



def to_snake_case(name):
    s = re.sub("(.)([A-Z][a-z]+)", r"\1_\2", name)
    s = re.sub("([a-z])([A-Z])", r"\1_\2", s).lower()
    return s if s[0] != "_" else "private" + s


def to_list(x):
    if x is None:
        return []
    return list(x) if isinstance(x, (list, tuple)) else [x]


def _unpack(xs):
    return xs[0] if len(xs) == 1 else xs


def static_shape(t):
    s = t.shape
    return tuple(s.as_list()) if s.ndims is not None else None


class Node:
    """One call of a layer: the Keras tensors in and out (and the call's keyword arguments)."""

    def __init__(self, layer, input_tensors, output_tensors, arguments):
        self.outbound_layer = layer
        self.input_tensors = input_tensors
        self.output_tensors = output_tensors
        self.arguments = arguments
        self.inbound_layers = [keras_history(t)[0] for t in input_tensors]
        self.node_indices = [keras_history(t)[1] for t in input_tensors]
        self.tensor_indices = [keras_history(t)[2] for t in input_tensors]


class Layer:
    """keras.layers.Layer. Subclasses implement `build(input_shape)` (make weights with
    add_weight), `call(inputs, **kwargs)` and, for the config, `get_config()`."""

    def __init__(self, trainable=True, name=None, dtype=None, input_shape=None,
                 batch_input_shape=None, batch_size=None, input_dim=None, weights=None,
                 activity_regularizer=None, **kwargs):
        if kwargs:
            raise TypeError("Keyword argument not understood: %s" % sorted(kwargs))
        self.name = name or K.unique_object_name(to_snake_case(type(self).__name__))
        self.trainable = trainable
        self.dtype = dtype or K.floatx()
        self.built = False
        self.supports_masking = False
        self.activity_regularizer = activity_regularizer
        if input_dim is not None and input_shape is None:
            input_shape = (input_dim,)
        if batch_input_shape is None and input_shape is not None:
            batch_input_shape = (batch_size,) + tuple(input_shape)
        self._batch_input_shape = tuple(batch_input_shape) if batch_input_shape else None
        self._initial_weights = weights
        self._trainable_weights = []
        self._non_trainable_weights = []
        self._updates = []
        self._losses = []
        self._inbound_nodes = []

    # -- weights ----------------------------------------------------------------------------

    def add_weight(self, name, shape, dtype=None, initializer=None, regularizer=None,
                   trainable=True, constraint=None):
        from minitf.keras import constraints, initializers, regularizers
        dtype = tf.as_dtype(dtype or self.dtype)
        init = initializers.get(initializer or "glorot_uniform")
        constraint = constraints.get(constraint)
        with tf.name_scope(None), tf.name_scope(self._scope_name + self._weight_scope):
            v = tf.Variable(init(tuple(shape), dtype=dtype), name=name, dtype=dtype,
                            trainable=trainable, constraint=constraint)
        (self._trainable_weights if trainable else self._non_trainable_weights).append(v)
        regularizer = regularizers.get(regularizer)
        if regularizer is not None:
            with tf.name_scope(self._scope_name + name + "/Regularizer/"):
                self._losses.append(regularizer(v))
        return v

    _weight_scope = ""   # a sub-scope for the weights (an RNN's cell: "lstm_cell/")

    @property
    def _scope_name(self):
        if not hasattr(self, "_scope"):
            with tf.name_scope(self.name) as scope:
                self._scope = scope
        return self._scope

    @property
    def trainable_weights(self):
        return list(self._trainable_weights) if self.trainable else []

    @property
    def non_trainable_weights(self):
        if self.trainable:
            return list(self._non_trainable_weights)
        return list(self._trainable_weights) + list(self._non_trainable_weights)

    @property
    def weights(self):
        return self.trainable_weights + self.non_trainable_weights

    variables = weights
    trainable_variables = trainable_weights
    non_trainable_variables = non_trainable_weights

    def get_weights(self):
        return K.batch_get_value(self.weights)

    def set_weights(self, weights):
        params = self.weights
        if len(params) != len(weights):
            raise ValueError('You called `set_weights(weights)` on layer "%s" with a weight list '
                             "of length %d, but the layer was expecting %d weights. Provided "
                             "weights: %s..." % (self.name, len(weights), len(params),
                                                 str(weights)[:50]))
        K.batch_set_value(list(zip(params, weights)))

    def count_params(self):
        if not self.built:
            raise ValueError("You tried to call `count_params` on %s, but the layer isn't "
                             "built. You can build it manually via: `%s.build(batch_input_shape)`."
                             % (self.name, self.name))
        return int(sum(int(np.prod(w.shape.as_list())) for w in self.weights))

    @property
    def updates(self):
        return list(self._updates)

    def add_update(self, updates, inputs=None):
        self._updates.extend(to_list(updates))

    @property
    def losses(self):
        return list(self._losses)

    def add_loss(self, losses, inputs=None):
        self._losses.extend(to_list(losses))

    # -- calling ----------------------------------------------------------------------------

    def build(self, input_shape):
        self.built = True

    def call(self, inputs, **kwargs):
        return inputs

    def compute_output_shape(self, input_shape):
        """The output's static shape for inputs of `input_shape` (a shape, or a list of shapes
        for a layer of several inputs), as a TensorShape (or a list of them). TF 1.15's layers
        each override this, and its base raises NotImplementedError in graph mode; here one
        definition serves every layer, as TF's eager base does: a copy of the layer made from
        its config is called on placeholders in a scratch graph (nothing is added to the
        user's graph, and this layer's variables are not touched)."""
        def is_shape(s):
            return isinstance(s, tf.TensorShape) or (
                isinstance(s, (tuple, list)) and all(d is None or isinstance(d, int) for d in s))
        several = not is_shape(input_shape)
        shapes = [tf.TensorShape(s) for s in (input_shape if several else [input_shape])]
        try:
            copy = type(self).from_config(self.get_config())
        except (TypeError, ValueError, NotImplementedError) as e:
            raise NotImplementedError(
                "compute_output_shape of layer %s (%s): a copy of it could not be made from its "
                "config (%s); implement compute_output_shape on your layer, or a get_config "
                "whose entries its __init__ takes (with **kwargs for name, trainable, dtype)"
                % (self.name, type(self).__name__, e)) from None
        with tf.Graph().as_default():
            inputs = [tf.placeholder(tf.float32 if self.dtype is None else self.dtype, s)
                      for s in shapes]
            outputs = copy(inputs if several else inputs[0])
        if isinstance(outputs, (list, tuple)):
            return [o.shape for o in outputs]
        return outputs.shape

    def __call__(self, inputs, **kwargs):
        inputs_list = [x if isinstance(x, tf.Tensor) or isinstance(x, tf.Variable)
                       else tf.convert_to_tensor(x) for x in to_list(inputs)]
        inputs = _unpack(inputs_list) if isinstance(inputs, (list, tuple)) or \
            len(inputs_list) != 1 else inputs_list[0]
        if isinstance(inputs, tf.Variable):
            inputs = tf.convert_to_tensor(inputs)
        with tf.name_scope(self._scope_name if not self.built else self.name):
            if not self.built:
                shapes = [static_shape(x) for x in to_list(inputs)]
                self.build(shapes[0] if not isinstance(inputs, list) else shapes)
                self.built = True
                if self._initial_weights is not None:
                    self.set_weights(self._initial_weights)
                    self._initial_weights = None
            outputs = self.call(inputs, **kwargs)
            ins_ids = {id(x) for x in to_list(inputs)}
            if any(id(o) in ins_ids for o in to_list(outputs)):
                # an output that is an input gets its own tensor, so it can carry a history
                outs = [tf.identity(o) if id(o) in ins_ids else o for o in to_list(outputs)]
                outputs = outs if isinstance(outputs, (list, tuple)) else outs[0]
            if self.activity_regularizer is not None:
                from minitf.keras import regularizers
                reg = regularizers.get(self.activity_regularizer)
                for o in to_list(outputs):
                    self._losses.append(reg(o) / tf.cast(tf.shape(o)[0], o.dtype))
        ins = to_list(inputs)
        if ins and all(is_keras_tensor(x) for x in ins):
            self._add_node(ins, to_list(outputs), kwargs)
        return outputs

    def _add_node(self, inputs, outputs, kwargs):
        node = Node(self, inputs, outputs, kwargs)
        index = len(self._inbound_nodes)
        self._inbound_nodes.append(node)
        for i, t in enumerate(outputs):
            _set_history(t, (self, index, i))

    # -- inputs, outputs, config ------------------------------------------------------------

    def _node_attr(self, attr, index=0):
        if not self._inbound_nodes:
            raise AttributeError("Layer %s is not connected, no input to return." % self.name)
        return _unpack(getattr(self._inbound_nodes[index], attr))

    @property
    def input(self):
        return self._node_attr("input_tensors")

    @property
    def output(self):
        return self._node_attr("output_tensors")

    def get_input_at(self, index):
        return self._node_attr("input_tensors", index)

    def get_output_at(self, index):
        return self._node_attr("output_tensors", index)

    @property
    def input_shape(self):
        shapes = [static_shape(t) for t in to_list(self.input)]
        return _unpack(shapes)

    @property
    def output_shape(self):
        shapes = [static_shape(t) for t in to_list(self.output)]
        return _unpack(shapes)

    # The constructor arguments get_config writes, read back from attributes of the same name
    # (activations, initializers, regularizers and constraints in Keras's serialized form).
    _config_keys = ()

    def get_config(self):
        config = {"name": self.name, "trainable": self.trainable,
                  "dtype": tf.as_dtype(self.dtype).name}
        if self._batch_input_shape is not None:
            config["batch_input_shape"] = self._batch_input_shape
        for key in self._config_keys:
            config[key] = serialize_config_value(key, getattr(self, key))
        return config

    @classmethod
    def from_config(cls, config):
        return cls(**clean_config(cls, config))


# Arguments of Keras 2 layer configs that minitf's layers do not take, with the values for
# which leaving them out changes nothing (None: any value; they only tune speed).
_NEUTRAL_ARGS = {"ragged": (False,), "optional": (False,), "time_major": (False,),
                 "unroll": None, "implementation": None, "autocast": None, "groups": (1,),
                 "output_padding": (None,), "keepdims": (False,), "stateful": (False,),
                 "zero_output_for_mask": None, "dilation_rate": (1, [1], [1, 1], (1,), (1, 1)),
                 "sparse": (False,), "kernel_constraint": (None,), "bias_constraint": (None,),
                 "recurrent_constraint": (None,), "depthwise_regularizer": (None,),
                 "pointwise_regularizer": (None,), "depthwise_constraint": (None,),
                 "pointwise_constraint": (None,), "activity_regularizer": (None,),
                 "kernel_regularizer": (None,), "bias_regularizer": (None,)}


def _accepted_args(cls):
    """The keyword arguments cls(...) takes: its constructors' named parameters up the MRO."""
    import inspect
    names = set()
    for klass in cls.__mro__:
        init = klass.__dict__.get("__init__")
        if init is None:
            continue
        params = inspect.signature(init).parameters.values()
        names.update(p.name for p in params if p.kind in (p.POSITIONAL_OR_KEYWORD,
                                                          p.KEYWORD_ONLY))
        if not any(p.kind == p.VAR_KEYWORD for p in params):
            break
    return names


def clean_config(cls, config):
    """A layer config from Keras made fit for cls(**config): Keras's dtype policies become
    dtype names, and arguments minitf's layer does not take are dropped when their value
    changes nothing (any other value is left for the constructor to reject)."""
    config = dict(config)
    dtype = config.get("dtype")
    if isinstance(dtype, dict):  # a DTypePolicy
        config["dtype"] = (dtype.get("config") or {}).get("name", K.floatx())
    accepted = _accepted_args(cls)
    for key in list(config):
        if key not in accepted and key in _NEUTRAL_ARGS:
            values = _NEUTRAL_ARGS[key]
            if values is None or config[key] in values:
                del config[key]
    return config


def serialize_config_value(key, value):
    """A layer attribute as Keras writes it in a config: activations by name, initializers,
    regularizers and constraints as {"class_name", "config"}, tuples as lists."""
    from minitf.keras import activations, constraints, initializers, regularizers
    if key.endswith("initializer"):
        return initializers.serialize(value)
    if key.endswith("regularizer"):
        return regularizers.serialize(value)
    if key.endswith("constraint"):
        return constraints.serialize(value)
    if key.endswith("activation") and callable(value):
        return activations.serialize(value)
    if isinstance(value, tuple):
        return [serialize_config_value(key, v) for v in value]
    if isinstance(value, np.generic):
        return value.item()
    return value


class InputLayer(Layer):
    """The layer behind `Input`: a placeholder (`input_1:0`) that starts a Keras graph."""

    def __init__(self, input_shape=None, batch_size=None, dtype=None, input_tensor=None,
                 sparse=False, name=None, batch_input_shape=None, **kwargs):
        if name is None:
            name = "input_%d" % K.get_uid("input")
        super().__init__(name=name, dtype=dtype, trainable=False, **kwargs)
        if batch_input_shape is None and input_shape is not None:
            batch_input_shape = (batch_size,) + tuple(input_shape)
        if input_tensor is None:
            if batch_input_shape is None:
                raise ValueError("An Input layer should be passed either a `batch_input_shape` "
                                 "or an `input_shape`.")
            with tf.name_scope(None):
                input_tensor = tf.placeholder(dtype or K.floatx(), shape=batch_input_shape,
                                              name=self.name)
        else:
            batch_input_shape = static_shape(input_tensor)
        self._batch_input_shape = tuple(batch_input_shape) if batch_input_shape else None
        self.built = True
        self.is_placeholder = True
        node = Node(self, [], [input_tensor], {})
        node.inbound_layers = []
        self._inbound_nodes.append(node)
        _set_history(input_tensor, (self, 0, 0))

    def get_config(self):
        return {"batch_input_shape": self._batch_input_shape,
                "dtype": tf.as_dtype(self.dtype).name, "sparse": False, "name": self.name}


def Input(shape=None, batch_size=None, name=None, dtype=None, sparse=False, tensor=None,
          batch_shape=None, **kwargs):
    """keras.Input: a placeholder Keras tensor of shape (batch_size,) + shape."""
    if shape is None and batch_shape is None and tensor is None:
        raise ValueError("Please provide to Input either a `shape` or a `batch_shape` argument. "
                         "Note that `shape` does not include the batch dimension.")
    if shape is not None and batch_shape is None:
        batch_shape = (batch_size,) + tuple(shape)
    layer = InputLayer(batch_input_shape=batch_shape, name=name, dtype=dtype,
                       input_tensor=tensor, **kwargs)
    return layer._inbound_nodes[0].output_tensors[0]


# -- the functional Model -------------------------------------------------------------------------

def _graph_nodes(outputs):
    """The nodes leading to `outputs`, in an order where each node's inputs come first."""
    order, seen = [], set()

    def visit(tensor):
        hist = keras_history(tensor)
        if hist is None:
            raise ValueError("Output tensors to a Model must be the output of a Keras `Layer` "
                             "(thus holding past layer metadata). Found: %s" % tensor)
        layer, index, _ = hist
        node = layer._inbound_nodes[index]
        if id(node) in seen:
            return
        seen.add(id(node))
        for t in node.input_tensors:
            visit(t)
        order.append(node)

    for t in outputs:
        visit(t)
    return order


def _layers_by_depth(inputs, outputs):
    """The model's layers in Keras's order (what `model.layers`, `weights` and the HDF5 weight
    files follow): by depth from the inputs, and within one depth in the order a depth-first
    walk back from the outputs first meets them. A node's depth is one more than the deepest
    node that consumes it (outputs 0); a layer takes its deepest node's depth."""
    post_order, index = [], {}
    seen = set()

    def visit(tensor):
        layer, node_index, _ = keras_history(tensor)
        node = layer._inbound_nodes[node_index]
        if id(node) in seen:
            return
        seen.add(id(node))
        index.setdefault(layer, len(index))
        for t in node.input_tensors:
            visit(t)
        post_order.append(node)

    for t in outputs:
        visit(t)
    node_depth, layer_depth = {}, {}
    for node in reversed(post_order):
        depth = max(node_depth.setdefault(id(node), 0), layer_depth.get(node.outbound_layer, 0))
        layer_depth[node.outbound_layer] = node_depth[id(node)] = depth
        for layer, i in zip(node.inbound_layers, node.node_indices):
            key = id(layer._inbound_nodes[i])
            node_depth[key] = max(depth + 1, node_depth.get(key, 0))
    for t in inputs:   # an input no output depends on
        layer = keras_history(t)[0]
        if layer not in layer_depth:
            layer_depth[layer], index[layer] = 0, -1
    return sorted(layer_depth, key=lambda l: (-layer_depth[l], index[l]))


def get_source_inputs(tensor, layer=None, node_index=None):
    """keras.utils.get_source_inputs: the Input tensors `tensor` is computed from (a list)."""
    if layer is None:
        history = keras_history(tensor)
        if history is None:
            return [tensor]
        layer, node_index, _ = history
    node = layer._inbound_nodes[node_index or 0]
    if not node.input_tensors:
        return list(node.output_tensors) if isinstance(layer, InputLayer) else [tensor]
    sources = []
    for t in node.input_tensors:
        for x in get_source_inputs(t):
            if all(x is not s for s in sources):
                sources.append(x)
    return sources


class Network(Layer):
    """keras.Model built from Keras tensors: Model(inputs, outputs)."""

    def __init__(self, inputs=None, outputs=None, name=None, **kwargs):
        super().__init__(name=name or K.unique_object_name(to_snake_case(type(self).__name__)),
                         **kwargs)
        self.layers = []
        self.inputs, self.outputs = [], []
        self._is_graph_network = False
        self._compiled = False
        self._functions = {}
        if inputs is not None and outputs is not None:
            self._init_graph(inputs, outputs)

    def _init_graph(self, inputs, outputs):
        self._single_input = not isinstance(inputs, (list, tuple))
        self._single_output = not isinstance(outputs, (list, tuple))
        self.inputs, self.outputs = to_list(inputs), to_list(outputs)
        for x in self.inputs:
            hist = keras_history(x)
            if hist is None or not isinstance(hist[0], InputLayer):
                raise ValueError("Input tensors to a Model must come from `keras.layers.Input`. "
                                 "Received: %s (missing previous layer metadata)." % x)
        self._nodes = _graph_nodes(self.outputs)
        ids = {id(t) for t in self.inputs}
        for node in self._nodes:
            if not node.input_tensors and id(node.output_tensors[0]) not in ids:
                raise ValueError("Graph disconnected: cannot obtain value for tensor %s. The "
                                 "following previous layers were accessed without issue: %s"
                                 % (node.output_tensors[0].name,
                                    [l.name for l in self.layers]))
        self.layers = _layers_by_depth(self.inputs, self.outputs)
        self.input_layers = [keras_history(x)[0] for x in self.inputs]
        self.output_layers = [keras_history(x)[0] for x in self.outputs]
        self.input_names = [l.name for l in self.input_layers]
        self.output_names = [l.name for l in self.output_layers]
        self._is_graph_network = True
        self.built = True

    @property
    def _all_weights(self):
        seen, out = set(), []
        for layer in self.layers:
            for w in layer.weights:
                if id(w) not in seen:
                    seen.add(id(w))
                    out.append(w)
        return out

    @property
    def trainable_weights(self):
        if not self.trainable:
            return []
        seen, out = set(), []
        for layer in self.layers:
            for w in layer.trainable_weights:
                if id(w) not in seen:
                    seen.add(id(w))
                    out.append(w)
        return out

    @property
    def non_trainable_weights(self):
        trainable = {id(w) for w in self.trainable_weights}
        return [w for w in self._all_weights if id(w) not in trainable]

    @property
    def weights(self):
        # layer by layer, each layer's own order (TF 1.15's Network.weights; get_weights too)
        return self._all_weights

    @property
    def updates(self):
        out = []
        for layer in self.layers:
            out.extend(layer.updates)
        return out

    @property
    def losses(self):
        out = []
        for layer in self.layers:
            out.extend(layer.losses)
        return out

    def get_weights(self):
        return K.batch_get_value(self.weights)

    def set_weights(self, weights):
        Layer.set_weights(self, weights)

    def get_layer(self, name=None, index=None):
        if index is not None:
            if len(self.layers) <= index:
                raise ValueError("Was asked to retrieve layer at index %d but model only has %d "
                                 "layers." % (index, len(self.layers)))
            return self.layers[index]
        for layer in self.layers:
            if layer.name == name:
                return layer
        raise ValueError("No such layer: " + str(name))

    @property
    def input(self):
        return _unpack(self.inputs)

    @property
    def output(self):
        return _unpack(self.outputs)

    @property
    def input_shape(self):
        return _unpack([static_shape(t) for t in self.inputs])

    @property
    def output_shape(self):
        return _unpack([static_shape(t) for t in self.outputs])

    def call(self, inputs, training=None, mask=None):
        """Runs the model's layers again on new tensors (a nested or shared model)."""
        values = {id(x): t for x, t in zip(self.inputs, to_list(inputs))}
        for node in self._nodes:
            if not node.input_tensors:
                continue
            args = [values[id(t)] for t in node.input_tensors]
            kwargs = dict(node.arguments)
            if training is not None and "training" in kwargs:
                kwargs["training"] = training
            outs = _call_layer(node.outbound_layer, args, kwargs)
            for t, o in zip(node.output_tensors, to_list(outs)):
                values[id(t)] = o
        return _unpack([values[id(t)] for t in self.outputs])

    def summary(self, line_length=None, positions=None, print_fn=None):
        from minitf.keras.utils import print_summary
        print_summary(self, line_length=line_length, positions=positions, print_fn=print_fn)

    def get_config(self):
        """Keras's functional config: each layer with the calls ("inbound nodes") that belong
        to this model, numbered as Keras numbers them (a nested model's node 0 is its own)."""
        mine = {id(node) for node in self._nodes}
        index = {}  # id(node) -> its number in the config
        for layer in self.layers:
            kept = _first_node(layer)
            for node in layer._inbound_nodes:
                if id(node) in mine:
                    index[id(node)] = kept
                    kept += 1

        def ref(tensor):
            layer, node_index, tensor_index = keras_history(tensor)
            return [layer.name, index[id(layer._inbound_nodes[node_index])], tensor_index]

        layers = []
        for layer in self.layers:
            inbound = []
            for node in layer._inbound_nodes:
                if id(node) in mine and node.input_tensors:
                    kwargs = {k: v for k, v in node.arguments.items()
                              if isinstance(v, (bool, int, float, str, type(None)))}
                    inbound.append([ref(t) + [kwargs] for t in node.input_tensors])
            layers.append({"name": layer.name, "class_name": type(layer).__name__,
                           "config": layer.get_config(), "inbound_nodes": inbound})
        return {"name": self.name, "layers": layers,
                "input_layers": [ref(t) for t in self.inputs],
                "output_layers": [ref(t) for t in self.outputs]}

    @classmethod
    def from_config(cls, config, custom_objects=None):
        """Rebuilds a functional model: makes every layer, then calls each on the tensors its
        inbound nodes name, in an order where those tensors exist (Keras's algorithm)."""
        from minitf.keras.layers import deserialize
        created, pending = {}, []
        for data in config["layers"]:
            layer = deserialize(data, custom_objects)
            created[data["name"]] = layer
            pending.extend((layer, node) for node in data.get("inbound_nodes", []))

        def tensor(name, node_index, tensor_index):
            layer = created[name]
            node_index -= _first_node(layer)
            if node_index >= len(layer._inbound_nodes):
                return None
            return layer._inbound_nodes[node_index].output_tensors[tensor_index]

        while pending:
            waiting = []
            for layer, node in pending:
                inputs = [tensor(*item[:3]) for item in node]
                if any(t is None for t in inputs):
                    waiting.append((layer, node))
                    continue
                kwargs = node[0][3] if len(node[0]) > 3 else {}
                layer(inputs if len(inputs) > 1 else inputs[0], **(kwargs or {}))
            if len(waiting) == len(pending):
                raise ValueError("The model config is inconsistent: the inputs of layers %s "
                                 "are never made" % sorted({l.name for l, _ in waiting}))
            pending = waiting
        inputs = [tensor(*item[:3]) for item in config["input_layers"]]
        outputs = [tensor(*item[:3]) for item in config["output_layers"]]
        return cls(inputs=inputs if len(inputs) > 1 else inputs[0],
                   outputs=outputs if len(outputs) > 1 else outputs[0], name=config.get("name"))


def _first_node(layer):
    """Keras numbers a graph model's calls from 1: its node 0 links its own inputs to outputs."""
    return 1 if isinstance(layer, Network) and layer._is_graph_network else 0


def _call_layer(layer, args, kwargs):
    """layer.__call__ on positional tensors, a list when the layer took a list."""
    return layer(args if len(args) > 1 else args[0], **kwargs)
