"""tf.import_graph_def: rebuilds a GraphDef's ops in the default graph through the op registry.

Each NodeDef becomes the OpDef registered under its type name, with its fields read back
from the attrs (`graph_def.node_def_to_opdef`: a Const's value comes back from its `value`
tensor attr like any other field), its inputs wired by name and its device kept. Nodes in
TensorFlow's form (Sum's axes as a Const `reduction_indices` input...) are first brought to
minitf's (`graph_def.minitf_form`): such a Const folds into the op's field, and is left out
when nothing else reads it. Nodes are
created in topological order whatever their order in the GraphDef. Imported names get the
prefix `import/` (the `name` argument) under the current name scope, as in TF.

A graph file is a program, so the import refuses ops that would write files where the file
says (`_check_file_writes`) unless the caller passes `allow_file_writes=True`: a `PrintV2`
whose output stream is not stdout/stderr, and a `SaveV2` or `MergeV2Checkpoints` whose
prefixes are not fed by the caller (TF's sharded Saver's shard names, the fed prefix plus
`_temp/part-00000-of-00001`, are accepted; see docs/security.md).
"""

import heapq
import os
import re

from tensorboardX.proto.graph_pb2 import GraphDef
from tensorboardX.proto.node_def_pb2 import NodeDef

from minitf import errors
from minitf.framework.graph import get_default_graph
from minitf.framework.func_graph import FuncGraph, Function
from minitf.framework.graph_def import (flat_output_index, from_attr_value, library_of,
                                        minitf_form, node_def_to_opdef, parse_input,
                                        shape_from_proto)
from minitf.framework.operation import Operation
from minitf.framework.tensor import Tensor

__all__ = ["import_graph_def"]


def _canonical_input(name):
    """'x' and 'x:0' name the same tensor; '^x' is a control input."""
    op_name, index, control = parse_input(name)
    return "^" + op_name if control else "%s:%d" % (op_name, index)


def _topological_order(nodes):
    """The nodes ordered so each comes after its inputs, keeping the GraphDef's order where
    it allows (so a GraphDef minitf wrote keeps its creation order)."""
    position = {}
    for i, node in enumerate(nodes):
        if node.name in position:
            raise ValueError("Duplicate node name in graph: '%s'" % node.name)
        position[node.name] = i
    users = [[] for _ in nodes]
    pending = [0] * len(nodes)
    for i, node in enumerate(nodes):
        for name in set(parse_input(s)[0] for s in node.input):
            if name not in position:
                raise ValueError("Node '%s': Unknown input node '%s'" % (node.name, name))
            users[position[name]].append(i)
            pending[i] += 1
    ready = [i for i in range(len(nodes)) if pending[i] == 0]
    heapq.heapify(ready)
    order = []
    while ready:
        i = heapq.heappop(ready)
        order.append(nodes[i])
        for u in users[i]:
            pending[u] -= 1
            if pending[u] == 0:
                heapq.heappush(ready, u)
    if len(order) != len(nodes):
        stuck = sorted(n.name for n, p in zip(nodes, pending) if p)
        raise ValueError("The GraphDef has a cycle (a while loop in a GraphDef is a While op calling library functions) through: %s"
                         % ", ".join(stuck[:10]))
    return order


def _check_input_map(graph, input_map, nodes_by_name):
    mapped = {}
    for key, value in (input_map or {}).items():
        if not isinstance(key, str):
            raise TypeError("input_map must be a dictionary mapping strings to Tensor objects.")
        if not isinstance(value, (Tensor, Operation)):
            value = graph.as_graph_element(value)
        if value.graph is not graph:
            raise ValueError("input_map value %s is from another graph" % value.name)
        mapped[_canonical_input(key)] = value
    missing = [k for k in mapped if parse_input(k)[0] not in nodes_by_name]
    if missing:
        raise ValueError("Attempted to map inputs that were not found in graph_def: [%s]"
                         % ", ".join(missing))
    return mapped


# The output streams a PrintV2 from a file may use: anything else names a file.
_CONSOLE_STREAMS = ("stdout", "stderr")
# Ops a SaveV2's prefix may pass through on its way from the caller's feed.
_PASS_THROUGH = ("Identity", "PlaceholderWithDefault")


def _refuse(node, what):
    raise errors.PermissionDeniedError(
        None, None, "Refusing to import node '%s' (%s): it would write %s. A graph file is a "
        "program; import it with allow_file_writes=True only if you trust where it came from "
        "(see docs/security.md)." % (node.name, node.op, what))


# TF's sharded Saver writes each shard under `<prefix>_temp/part-...` (TF 1.x:
# `<prefix>_temp_<uuid hex>/part-...`; on s3://, `<prefix>.part-...`) and merges them into
# `<prefix>`: the only suffixes a file may add to the prefix the caller feeds.
_SHARD_SUFFIX = re.compile(r"_temp(_[0-9a-f]{32})?/part|\.part")


def _default_prefix(node, nodes, mapped, source=None):
    """Checks that a SaveV2 (or MergeV2Checkpoints) node's prefix `source` (default: its
    input 0) comes from a tensor the caller feeds (a Placeholder, or a PlaceholderWithDefault
    whose default is a bare file name, which writes in the current directory as TF's Saver's
    "model" does) or from `input_map`, or is the shard file name TF's sharded Saver makes of
    such a prefix; refuses it otherwise."""
    if source is None:
        source = node.input[0] if node.input else ""
    fed, seen = False, set()
    while True:
        op_name = parse_input(source)[0]
        if _canonical_input(source) in mapped:
            return
        producer = nodes.get(op_name)
        if producer is None or op_name in seen:
            break
        seen.add(op_name)
        if producer.op == "Placeholder":
            return
        if producer.op == "PlaceholderWithDefault":
            fed = True
        if producer.op in _PASS_THROUGH and producer.input:
            source = producer.input[0]
            continue
        if producer.op == "ShardedFilename" and not fed and producer.input:
            _shard_basename(node, producer.input[0], nodes, mapped)
            return
        if producer.op == "Const" and "value" in producer.attr:
            path = _const_string(producer)
            if fed and path and path not in (".", "..") and os.path.basename(path) == path:
                return
            _refuse(node, "checkpoint files under the prefix %r that the file chooses" % path)
        break
    _refuse(node, "checkpoint files under a prefix computed by '%s', not one the caller "
                  "feeds" % op_name)


def _const_string(node):
    """The string a scalar string Const node holds, or ''."""
    values = node.attr["value"].tensor.string_val if "value" in node.attr else ()
    return values[0].decode("utf-8", "replace") if len(values) == 1 else ""


def _shard_basename(node, source, nodes, mapped):
    """Checks a ShardedFilename's basename: StringJoin(a prefix the caller feeds, TF's shard
    suffix as a Const or a Select between two such Consts)."""
    join = nodes.get(parse_input(source)[0])
    if (join is None or join.op != "StringJoin" or len(join.input) < 2
            or ("separator" in join.attr and join.attr["separator"].s)):
        _refuse(node, "checkpoint shards under a name computed by '%s'" % source)
    _default_prefix(node, nodes, mapped, join.input[0])
    for suffix in join.input[1:]:
        producer = nodes.get(parse_input(suffix)[0])
        choices = [producer] if producer is not None and producer.op == "Const" else (
            [nodes.get(parse_input(x)[0]) for x in producer.input[1:]]
            if producer is not None and producer.op == "Select" and len(producer.input) == 3
            else [None])
        for choice in choices:
            text = _const_string(choice) if choice is not None and choice.op == "Const" else None
            if text is None or not _SHARD_SUFFIX.fullmatch(text):
                _refuse(node, "checkpoint shards under the prefix plus %r, which is not TF's "
                        "shard suffix" % (text if text is not None else suffix))


def _merged_prefixes(node, nodes, mapped):
    """Checks a MergeV2Checkpoints node: it deletes the checkpoints its input 0 names after
    writing input 1, so both must be prefixes the caller feeds (or their shards)."""
    if len(node.input) < 2:
        _refuse(node, "checkpoints it names itself")
    _default_prefix(node, nodes, mapped, node.input[1])
    source = nodes.get(parse_input(node.input[0])[0])
    for prefix in (source.input if source is not None and source.op == "Pack"
                   else [node.input[0]]):
        _default_prefix(node, nodes, mapped, prefix)


def _check_file_writes(nodes, mapped):
    """Raises PermissionDeniedError for the first node that would write a file of the graph
    file's choosing (see the module docstring)."""
    by_name = {node.name: node for node in nodes}
    for node in nodes:
        if node.op == "PrintV2" and "output_stream" in node.attr:
            stream = node.attr["output_stream"].s.decode("utf-8", "replace")
            if stream not in _CONSOLE_STREAMS:
                _refuse(node, "to the file %r" % stream[len("file://"):]
                        if stream.startswith("file://") else "to the stream %r" % stream)
        elif node.op == "SaveV2":
            _default_prefix(node, by_name, mapped)
        elif node.op == "MergeV2Checkpoints":
            _merged_prefixes(node, by_name, mapped)


def import_nodes(graph_def, input_map=None, name=None, allow_file_writes=False):
    """Imports every node of `graph_def` into the default graph; returns (the name prefix used,
    ending in '/' or empty, {node name: imported Operation}). See `import_graph_def`."""
    if not isinstance(graph_def, GraphDef):
        raise TypeError("graph_def must be a GraphDef proto.")
    graph = get_default_graph()
    nodes_by_name = {node.name: node for node in graph_def.node}
    mapped = _check_input_map(graph, input_map, nodes_by_name)
    try:
        nodes = minitf_form(graph_def.node, mapped)
    except _MALFORMED as e:
        raise ValueError("The GraphDef cannot be imported: %s: %s" % (type(e).__name__, e)) \
            from None
    library = {f.signature.name: f for f in library_of(graph_def).function}
    if not allow_file_writes:
        _check_file_writes(nodes, mapped)
        for fdef in library.values():
            try:
                body = minitf_form(_body_nodes(fdef))
            except _MALFORMED as e:
                raise ValueError("Function '%s' cannot be imported: %s: %s"
                                 % (fdef.signature.name, type(e).__name__, e)) from None
            _check_file_writes(body, {})
    functions = _FunctionImporter(library)
    order = _topological_order(nodes)
    imported = {}
    with graph._undo_on_error(), graph.name_scope(name if name is not None else "import") as scope:
        for node in order:
            try:
                imported[node.name] = _import_node(graph, node, scope, imported, mapped,
                                                   functions)
            except _MALFORMED as e:
                raise ValueError("Node '%s' (%s) cannot be imported: %s: %s"
                                 % (node.name, node.op, type(e).__name__, e)) from None
    return scope, imported


# What building an op from a malformed NodeDef can raise besides ValueError (wrong input
# counts or dtypes, attrs of the wrong kind): TF's import_graph_def reports all of those as
# ValueError, and so does minitf.
_MALFORMED = (TypeError, KeyError, IndexError, AttributeError, ArithmeticError)


def _body_nodes(fdef):
    """A FunctionDef's body as GraphDef nodes: a Placeholder per argument (named as the
    argument), inputs 'node:output_arg:index' turned into 'node:index'."""
    nodes = []
    for k, arg in enumerate(fdef.signature.input_arg):
        node = NodeDef(name=arg.name, op="Placeholder")
        node.attr["dtype"].type = arg.type
        shapes = fdef.arg_attr[k].attr["_output_shapes"].list.shape if k in fdef.arg_attr else ()
        if len(shapes) == 1:
            node.attr["shape"].shape.CopyFrom(shapes[0])
        nodes.append(node)
    types = {node.name: node.op for node in fdef.node_def}
    for node in fdef.node_def:
        converted = NodeDef()
        converted.CopyFrom(node)
        del converted.input[:]
        converted.input.extend(_graph_input(i, types) for i in node.input)
        nodes.append(converted)
    return nodes


def _graph_input(name, types):
    """'node:output_arg:index' (a FunctionDef body's form) as 'node:flat index'; others as
    they are (`types`: node name -> op type, for TF's output arg names)."""
    parts = name.split(":")
    if len(parts) != 3 or not parts[2].isdigit():
        return name
    return "%s:%d" % (parts[0], flat_output_index(types.get(parts[0]), parts[1], int(parts[2])))


class _FunctionImporter:
    """Rebuilds the library functions control-flow nodes call, each once, as Functions on new
    FuncGraphs (called with the name and the graph the calling op is in)."""

    def __init__(self, library):
        self.library = library
        self.built = {}

    def __call__(self, name, outer):
        if name in self.built:
            return self.built[name]
        if name not in self.library:
            raise ValueError("Function '%s' is not in the GraphDef's function library" % name)
        self.built[name] = None  # (a function calling itself is refused below)
        fdef = self.library[name]
        graph = FuncGraph(name, outer)
        nodes = minitf_form(_body_nodes(fdef))
        imported = {}
        with graph.as_default():
            for node in _topological_order(nodes):
                try:
                    imported[node.name] = _import_node(graph, node, "", imported, {}, self)
                except _MALFORMED as e:
                    raise ValueError("Node '%s' (%s) of function '%s' cannot be imported: %s: %s"
                                     % (node.name, node.op, name, type(e).__name__, e)) from None
        args = [imported[arg.name].outputs[0] for arg in fdef.signature.input_arg]
        graph.inputs = list(args)
        types = {node.name: node.op for node in fdef.node_def}
        rets = {arg: _ret_tensor(imported, _graph_input(fdef.ret[arg], types), name)
                for arg in (a.name for a in fdef.signature.output_arg)}
        attr = fdef.attr
        outputs = [rets[a] for a in (from_attr_value(attr["_minitf_outputs"])
                                     if "_minitf_outputs" in attr else rets)]
        n_res = from_attr_value(attr["_minitf_n_residuals"]) if "_minitf_n_residuals" in attr \
            else 0
        fn = Function(graph, args[:len(args) - n_res], outputs, args[len(args) - n_res:])
        if "_minitf_saved" in attr:
            fn.saved = [rets[a] for a in from_attr_value(attr["_minitf_saved"])]
        if "_minitf_residual_index" in attr:
            fn.residual_index = list(from_attr_value(attr["_minitf_residual_index"]))
        if "_minitf_sparse" in attr:
            fn.sparse = tuple(from_attr_value(attr["_minitf_sparse"]))
        if "_minitf_keep_history" in attr and from_attr_value(attr["_minitf_keep_history"]):
            fn.keep_history = True
        self.built[name] = fn
        return fn


def _ret_tensor(imported, source, function):
    op_name, index, _ = parse_input(source)
    if op_name not in imported or index >= len(imported[op_name].outputs):
        raise ValueError("Function '%s' returns '%s', which it does not compute"
                         % (function, source))
    return imported[op_name].outputs[index]


def _import_node(graph, node, scope, imported, mapped, functions=None):
    def function(name):
        fn = functions(name, graph)
        if fn is None:
            raise ValueError("Function '%s' calls itself" % name)
        return fn

    try:
        opdef = node_def_to_opdef(node, function if functions is not None else None)
    except KeyError:
        raise ValueError("Op type not registered '%s' in minitf (node '%s')"
                         % (node.op, node.name)) from None
    inputs, controls = [], []
    for i, source in enumerate(node.input):
        key = _canonical_input(source)
        op_name, index, control = parse_input(source)
        original = imported[op_name]
        if control:
            target = mapped.get(key, original)
            controls.append(target.op if isinstance(target, Tensor) else target)
            continue
        if index >= len(original.outputs):
            raise ValueError("Node '%s': input %d names output %d of '%s', which has %d outputs"
                             % (node.name, i, index, op_name, len(original.outputs)))
        tensor = original.outputs[index]
        replacement = mapped.get(key)
        if replacement is not None:
            if replacement.dtype is not tensor.dtype:
                raise ValueError("Input %d of node %s was passed %s from %s incompatible with "
                                 "expected %s." % (i, scope + node.name, replacement.dtype.name,
                                                   replacement.name, tensor.dtype.name))
            tensor = replacement
        inputs.append(tensor)
    op = graph.create_op(opdef, inputs, name=scope + node.name + "/", control_inputs=controls,
                         device=node.device or None)
    if "_gradient_op_type" in node.attr:
        op._gradient_op_type = node.attr["_gradient_op_type"].s.decode()
    if "_output_shapes" in node.attr:
        _refine_shapes(op, node.attr["_output_shapes"].list.shape)
    return op


def import_graph_def(graph_def, input_map=None, return_elements=None, name=None, op_dict=None,
                     producer_op_list=None, allow_file_writes=False):
    """Imports the ops of `graph_def` into the default graph, each named `<name>/<node name>`
    (`name` defaults to "import"; "" imports the names unchanged, made unique if taken).

    `input_map` maps tensor names of `graph_def` ("x:0", or "x" for output 0; "^x" for a
    control input) to Tensors of the default graph that replace them. `return_elements`
    lists names to return: "x:0" gives the imported Tensor, "x" the Operation. Returns that
    list, or None when `return_elements` is None. `op_dict` and `producer_op_list` are
    accepted for TF compatibility and unused.

    Unlike TF, ops that would write files where the GraphDef says (a `PrintV2` to a file, a
    `SaveV2` whose prefix the caller does not feed) raise PermissionDeniedError naming the node
    and the path unless `allow_file_writes=True` (docs/security.md); nothing is imported then."""
    if return_elements is not None and not all(isinstance(x, str) for x in return_elements):
        raise TypeError("return_elements must be a list of strings.")
    names = {node.name for node in getattr(graph_def, "node", ())}
    for element in return_elements or ():
        if parse_input(element)[0] not in names:
            kind = "tensor" if ":" in element else "node"
            raise ValueError("Requested return %s '%s' not found in graph def" % (kind, element))
    _, imported = import_nodes(graph_def, input_map, name, allow_file_writes)
    if return_elements is None:
        return None
    return [lookup_element(imported, element) for element in return_elements]


def lookup_element(imported, element):
    """The imported Operation ("x") or Tensor ("x:1") that a GraphDef name refers to."""
    op_name, index, _ = parse_input(element)
    op = imported[op_name]
    if ":" not in element:
        return op
    if index >= len(op.outputs):
        raise ValueError("Requested return tensor '%s' not found in graph def" % element)
    return op.outputs[index]


def _refine_shapes(op, shape_protos):
    """Merges the recorded output shapes (what set_shape had refined) into the inferred ones."""
    for tensor, proto in zip(op.outputs, shape_protos):
        recorded = shape_from_proto(proto)
        if tensor.shape.is_compatible_with(recorded):
            tensor.set_shape(recorded)
