"""MetaGraphDef <-> graph: the GraphDef, collections and SaverDef that a `.meta` file holds.

Collections are stored as TF stores them:

* collections with a registered proto function (`register_proto_function`: the variable
  collections store VariableDef protos, `savers` SaverDefs) as a bytes_list of serialized
  protos; on import each proto becomes an object again (a tf.Variable wrapping the imported
  ops), and a variable in several collections is one object;
* Operations and Tensors (and anything else with a graph `name`) as a node_list of names;
* Python ints as int64_list, floats as float_list, strings as bytes_list, protobuf Any
  messages as any_list.

The module registers no functions itself: the modules that own those classes do
(minitf.train.saver registers Variable and Saver), since framework/ imports nothing above it.
"""

import copy
import logging

from google.protobuf import any_pb2, descriptor_pb2, descriptor_pool, message_factory, text_format

from minitf import errors
from minitf.framework.graph import GraphKeys, get_default_graph
from minitf.framework.graph_def import graph_to_graph_def, library_of
from minitf.framework.importer import import_nodes, lookup_element
from minitf.framework.tf_attr_defaults import TF_ATTR_DEFAULTS
from minitf.protos import meta_graph_pb2
from minitf.protos.function_pb2 import GraphDefLibrary

__all__ = ["VariableDef", "register_proto_function", "create_meta_graph_def",
           "read_meta_graph", "import_meta_graph_def"]

_logger = logging.getLogger("minitf")


def _make_variable_def():
    """TF's VariableDef message (variable.proto), which minitf.protos does not ship: built
    from a descriptor in a private pool, so it can never clash with a generated copy, with
    its SaveSliceInfoDef (field 4: where a partitioned variable's part sits); the enums 8 and
    9 are read as their numbers."""
    field = descriptor_pb2.FieldDescriptorProto
    string, boolean, int32, int64 = (field.TYPE_STRING, field.TYPE_BOOL, field.TYPE_INT32,
                                     field.TYPE_INT64)
    file_proto = descriptor_pb2.FileDescriptorProto(
        name="minitf/variable_def.proto", package="minitf.meta_graph", syntax="proto3")
    info = file_proto.message_type.add(name="SaveSliceInfoDef")
    info.field.add(name="full_name", number=1, type=string, label=field.LABEL_OPTIONAL)
    for name, number in [("full_shape", 2), ("var_offset", 3), ("var_shape", 4)]:
        info.field.add(name=name, number=number, type=int64, label=field.LABEL_REPEATED)
    message = file_proto.message_type.add(name="VariableDef")
    message.field.add(name="save_slice_info_def", number=4, type=field.TYPE_MESSAGE,
                      type_name=".minitf.meta_graph.SaveSliceInfoDef",
                      label=field.LABEL_OPTIONAL)
    for name, number, kind in [("variable_name", 1, string), ("initializer_name", 2, string),
                               ("snapshot_name", 3, string), ("is_resource", 5, boolean),
                               ("initial_value_name", 6, string), ("trainable", 7, boolean),
                               ("synchronization", 8, int32), ("aggregation", 9, int32)]:
        message.field.add(name=name, number=number, type=kind,
                          label=descriptor_pb2.FieldDescriptorProto.LABEL_OPTIONAL)
    pool = descriptor_pool.DescriptorPool()
    pool.Add(file_proto)
    descriptor = pool.FindMessageTypeByName("minitf.meta_graph.VariableDef")
    if hasattr(message_factory, "GetMessageClass"):
        return message_factory.GetMessageClass(descriptor)
    return message_factory.MessageFactory(pool).GetPrototype(descriptor)  # protobuf < 4.21


VariableDef = _make_variable_def()

# The fields of each registered proto that hold graph element names, rewritten on import.
_NAME_FIELDS = {
    "VariableDef": ("variable_name", "initializer_name", "snapshot_name", "initial_value_name"),
    "SaverDef": ("filename_tensor_name", "save_tensor_name", "restore_op_name"),
}

_proto_functions = {}  # collection key -> (proto class, to_proto, from_proto, shares objects)


def register_proto_function(collection_name, proto_type, to_proto, from_proto, variables=False):
    """Stores the items of collection `collection_name` as `proto_type` protos:
    `to_proto(item, export_scope=None)` gives one (None to skip the item) and
    `from_proto(proto, import_scope=None)` makes the item again. With `variables`, an item
    found in several such collections is imported once and shared."""
    _proto_functions[collection_name] = (proto_type, to_proto, from_proto, variables)


# --------------------------------------------------------------------------------------------
# Export
# --------------------------------------------------------------------------------------------

def _strip_scope(name, export_scope):
    """`name` without `export_scope/`, or None when it is not under the scope."""
    if not export_scope:
        return name
    prefix = export_scope.rstrip("/") + "/"
    control = name.startswith("^")
    bare = name[1:] if control else name
    if not bare.startswith(prefix):
        return None
    return ("^" if control else "") + bare[len(prefix):]


def _scoped_graph_def(graph_def, export_scope):
    """The nodes under `export_scope`, with the scope stripped from every name."""
    scoped = type(graph_def)()
    scoped.versions.CopyFrom(graph_def.versions)
    for node in graph_def.node:
        name = _strip_scope(node.name, export_scope)
        if name is None:
            continue
        new = scoped.node.add()
        new.CopyFrom(node)
        new.name = name
        del new.input[:]
        for source in node.input:
            stripped = _strip_scope(source, export_scope)
            if stripped is None:
                raise ValueError("Cannot export scope '%s': node '%s' reads '%s' from outside it"
                                 % (export_scope, node.name, source))
            new.input.append(stripped)
    library = library_of(graph_def)  # (control-flow functions: their bodies' names are local)
    if library.function:
        scoped.MergeFromString(GraphDefLibrary(library=library).SerializeToString())
    return scoped


def _strip_default_attrs(graph_def):
    """Drops the attrs equal to TensorFlow's default for them (TF's rule: an attr TF's OpDef
    requires, such as Const's dtype, always stays; importers fill the rest back in)."""
    for node in graph_def.node:
        defaults = TF_ATTR_DEFAULTS.get(node.op, {})
        for attr in list(node.attr):
            if attr in defaults and (node.attr[attr].SerializeToString(deterministic=True)
                                     == defaults[attr]):
                del node.attr[attr]


def _add_collection_def(meta_graph_def, graph, key, export_scope):
    items = graph.get_collection(key)
    if not items:
        return
    collection = meta_graph_def.collection_def[key]
    try:
        if key in _proto_functions:
            _, to_proto, _, _ = _proto_functions[key]
            for item in items:
                proto = to_proto(item, export_scope=export_scope)
                if proto is not None:
                    collection.bytes_list.value.append(proto.SerializeToString())
        elif isinstance(items[0], any_pb2.Any):  # e.g. a SavedModel's AssetFileDefs
            collection.any_list.value.extend(items)
        elif isinstance(items[0], (str, bytes)):
            collection.bytes_list.value.extend(
                x.encode("utf-8") if isinstance(x, str) else x for x in items)
        elif isinstance(items[0], bool):
            raise TypeError("booleans have no CollectionDef kind")
        elif isinstance(items[0], int):
            collection.int64_list.value.extend(items)
        elif isinstance(items[0], float):
            collection.float_list.value.extend(items)
        else:
            names = [_strip_scope(x.name, export_scope) for x in items]
            collection.node_list.value.extend(n for n in names if n is not None)
    except Exception as e:  # TF skips what it cannot serialize, with a warning
        _logger.warning("Issue encountered when serializing %s: %s", key, e)
        del meta_graph_def.collection_def[key]
        return
    if collection.WhichOneof("kind") is None:
        del meta_graph_def.collection_def[key]


def create_meta_graph_def(graph=None, meta_info_def=None, graph_def=None, saver_def=None,
                          collection_list=None, export_scope=None, clear_devices=False,
                          strip_default_attrs=False):
    """The MetaGraphDef of `graph` (default: the default graph): its GraphDef (with output
    shapes) or the `graph_def` given, the collections named in `collection_list` (default:
    all), and `saver_def`; only what is under `export_scope`, with that scope stripped."""
    graph = graph or get_default_graph()
    meta_graph_def = meta_graph_pb2.MetaGraphDef()
    if meta_info_def is not None:
        meta_graph_def.meta_info_def.CopyFrom(meta_info_def)
    if graph_def is None:
        graph_def = graph_to_graph_def(graph, add_shapes=True)
        if strip_default_attrs:
            _strip_default_attrs(graph_def)
            meta_graph_def.meta_info_def.stripped_default_attrs = True
    meta_graph_def.graph_def.CopyFrom(_scoped_graph_def(graph_def, export_scope)
                                      if export_scope else graph_def)
    if clear_devices:
        for node in meta_graph_def.graph_def.node:
            node.device = ""
    if saver_def is not None:
        meta_graph_def.saver_def.CopyFrom(saver_def)
        if export_scope:
            for field in _NAME_FIELDS["SaverDef"]:
                stripped = _strip_scope(getattr(saver_def, field), export_scope)
                setattr(meta_graph_def.saver_def, field, stripped or "")
    keys = graph.get_all_collection_keys() if collection_list is None else collection_list
    for key in keys:
        if isinstance(key, str):
            _add_collection_def(meta_graph_def, graph, key, export_scope)
    return meta_graph_def


# --------------------------------------------------------------------------------------------
# Import
# --------------------------------------------------------------------------------------------

def read_meta_graph(meta_graph_or_file):
    """A MetaGraphDef given one or the name of a file holding one (binary or text format)."""
    if isinstance(meta_graph_or_file, meta_graph_pb2.MetaGraphDef):
        return meta_graph_or_file
    try:
        with open(meta_graph_or_file, "rb") as f:
            data = f.read()
    except FileNotFoundError:
        raise IOError("File %s does not exist." % meta_graph_or_file) from None
    meta_graph_def = meta_graph_pb2.MetaGraphDef()
    try:
        meta_graph_def.ParseFromString(data)
        return meta_graph_def
    except Exception:  # not binary: maybe text format (export_meta_graph(as_text=True))
        pass
    try:
        return text_format.Parse(data.decode("utf-8"), meta_graph_pb2.MetaGraphDef())
    except Exception as e:
        raise IOError("Cannot parse file %s as a MetaGraphDef (binary or text): %s"
                      % (meta_graph_or_file, e)) from None


def _resolver(imported, scope):
    """Maps a name of the exported graph to the name its element got on import."""
    def resolve(name):
        if not name:
            return name
        control = name.startswith("^")
        bare = name[1:] if control else name
        try:
            element = lookup_element(imported, bare)
        except (KeyError, ValueError):
            return (name[0] if control else "") + scope + bare
        return ("^" if control else "") + element.name
    return resolve


def _resolved_proto(proto, resolve):
    proto = copy.deepcopy(proto)
    for field in _NAME_FIELDS.get(type(proto).DESCRIPTOR.name, ()):
        setattr(proto, field, resolve(getattr(proto, field)))
    if type(proto).DESCRIPTOR.name == "VariableDef" and proto.HasField("save_slice_info_def"):
        # a part's full variable is named like an op, under the import scope
        info = proto.save_slice_info_def
        info.full_name = resolve(info.full_name).split(":")[0]
    return proto


def import_meta_graph_def(meta_graph_def, clear_devices=False, import_scope=None,
                          input_map=None, allow_file_writes=False):
    """Imports a MetaGraphDef into the default graph: its nodes (named under `import_scope`,
    else the current name scope), then its collections. Returns ({exported name: imported
    global Variable}, the SaverDef with its names as imported, or None). All or nothing: a
    failure leaves the graph as it was."""
    with get_default_graph()._undo_on_error():
        return _import_meta_graph_def(meta_graph_def, clear_devices, import_scope, input_map,
                                      allow_file_writes)


def _import_meta_graph_def(meta_graph_def, clear_devices, import_scope, input_map,
                           allow_file_writes):
    graph = get_default_graph()
    graph_def = meta_graph_def.graph_def
    if clear_devices:
        graph_def = copy.deepcopy(graph_def)
        for node in graph_def.node:
            node.device = ""
    current = graph.get_name_scope()  # without an import scope TF imports into the current one
    scope, imported = import_nodes(graph_def, input_map,
                                   import_scope or (current + "/" if current else ""),
                                   allow_file_writes)
    resolve = _resolver(imported, scope)
    shared = {}
    imported_vars = {}
    for key in sorted(meta_graph_def.collection_def):
        collection = meta_graph_def.collection_def[key]
        kind = collection.WhichOneof("kind")
        if kind is None:
            _logger.error("Cannot identify data type for collection %s. Skipping.", key)
            continue
        functions = _proto_functions.get(key)
        if functions is not None and kind == "bytes_list":
            proto_type, _, from_proto, is_shared = functions
            for value in collection.bytes_list.value:
                proto = proto_type()
                try:
                    proto.ParseFromString(value)
                except Exception as e:  # protobuf's DecodeError differs between runtimes
                    raise errors.DataLossError(
                        None, None, "Collection '%s' holds a damaged %s: %s"
                        % (key, proto_type.DESCRIPTOR.name, e)) from None
                item = shared.get(value) if is_shared else None
                if item is None:
                    try:
                        item = from_proto(_resolved_proto(proto, resolve))
                    except (KeyError, ValueError, TypeError, IndexError) as e:
                        raise errors.InvalidArgumentError(
                            None, None, "Collection '%s': cannot rebuild an item from %s: %s"
                            % (key, str(proto).replace("\n", " "), e)) from None
                    if is_shared:
                        shared[value] = item
                if key == GraphKeys.GLOBAL_VARIABLES:
                    imported_vars[proto.variable_name] = item
                graph.add_to_collection(key, item)
        elif kind == "node_list":
            for name in collection.node_list.value:
                try:
                    element = graph.as_graph_element(resolve(name))
                except (KeyError, ValueError, TypeError) as e:
                    raise errors.InvalidArgumentError(
                        None, None, "Collection '%s' names %r, which is not in the graph (%s)"
                        % (key, name, e.args[0] if e.args else e)) from None
                graph.add_to_collection(key, element)
        elif kind == "int64_list":
            for value in collection.int64_list.value:
                graph.add_to_collection(key, int(value))
        else:
            for value in getattr(collection, kind).value:
                graph.add_to_collection(key, value)
    saver_def = None
    if meta_graph_def.HasField("saver_def"):
        saver_def = _resolved_proto(meta_graph_def.saver_def, resolve)
    return imported_vars, saver_def
