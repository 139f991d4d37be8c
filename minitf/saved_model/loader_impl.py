"""tf.saved_model.loader.load: rebuilds one tagged MetaGraphDef of a SavedModel (TensorFlow's
or minitf's) in a session's graph, restores its variables and runs its main op.

Loading imports the graph with tf.train.import_meta_graph, so the same rules hold: ops that
would write files of the file's choosing are refused unless `allow_file_writes=True` is
passed (see docs/security.md); the Saver's own save ops, whose prefix the caller feeds,
are fine.
"""

import logging
import os

from google.protobuf import text_format

from minitf import errors
from minitf.protos import meta_graph_pb2, saved_model_pb2
from minitf.saved_model import constants_impl as constants
from minitf.saved_model.builder_impl import variables_path
from minitf.saved_model.utils_impl import get_element_from_tensor_info
from minitf.train.saver import import_meta_graph

_logger = logging.getLogger("minitf")


def maybe_saved_model_directory(export_dir):
    """Whether `export_dir` holds a saved_model.pb or saved_model.pbtxt (it may still fail
    to load; False means it is certainly no SavedModel)."""
    export_dir = os.fspath(export_dir)
    return any(os.path.exists(os.path.join(export_dir, name)) for name in
               (constants.SAVED_MODEL_FILENAME_PBTXT, constants.SAVED_MODEL_FILENAME_PB))


def parse_saved_model(export_dir):
    """The SavedModel proto of `export_dir` (saved_model.pb, else saved_model.pbtxt); IOError
    when neither exists or the file does not parse."""
    export_dir = os.fsdecode(os.fspath(export_dir))
    path_pb = os.path.join(export_dir, constants.SAVED_MODEL_FILENAME_PB)
    path_pbtxt = os.path.join(export_dir, constants.SAVED_MODEL_FILENAME_PBTXT)
    saved_model = saved_model_pb2.SavedModel()
    if os.path.exists(path_pb):
        with open(path_pb, "rb") as f:
            data = f.read()
        try:
            saved_model.ParseFromString(data)
        except Exception as e:  # protobuf's DecodeError differs between runtimes
            raise IOError("Cannot parse file %s: %s." % (path_pb, e)) from None
    elif os.path.exists(path_pbtxt):
        with open(path_pbtxt, "rb") as f:
            data = f.read()
        try:
            text_format.Parse(data.decode("utf-8"), saved_model)
        except Exception as e:
            raise IOError("Cannot parse file %s: %s." % (path_pbtxt, e)) from None
    else:
        raise IOError("SavedModel file does not exist at: %s%s{%s|%s}"
                      % (export_dir, os.path.sep, constants.SAVED_MODEL_FILENAME_PBTXT,
                         constants.SAVED_MODEL_FILENAME_PB))
    return saved_model


def _meta_graph_def_from_tags(saved_model, tags):
    """The MetaGraphDef tagged exactly `tags` (as a set); RuntimeError naming the tag sets
    there are otherwise."""
    available = []
    for meta_graph_def in saved_model.meta_graphs:
        available.append(set(meta_graph_def.meta_info_def.tags))
        if set(meta_graph_def.meta_info_def.tags) == set(tags):
            return meta_graph_def
    raise RuntimeError("MetaGraphDef associated with tags %s could not be found in SavedModel, "
                       "with available tags '%s'. To inspect available tag-sets in the "
                       "SavedModel, please use the SavedModel CLI: `saved_model_cli`."
                       % (str(tags).strip("[]"), available))


def _asset_feeds(export_dir, meta_graph_def, import_scope):
    """{asset tensor name: its file's path under export_dir/assets}, fed to the main op."""
    protos = list(meta_graph_def.asset_file_def)
    if not protos and constants.ASSETS_KEY in meta_graph_def.collection_def:
        for packed in meta_graph_def.collection_def[constants.ASSETS_KEY].any_list.value:
            proto = meta_graph_pb2.AssetFileDef()
            proto.ParseFromString(packed.value)  # whatever package the type URL names
            protos.append(proto)
    assets_dir = os.path.join(export_dir, constants.ASSETS_DIRECTORY)
    feeds = {}
    for proto in protos:
        name = proto.tensor_info.name
        if import_scope:
            name = "%s/%s" % (import_scope, name)
        feeds[name] = os.path.join(assets_dir, proto.filename)
    return feeds


def _init_op(graph, meta_graph_def, import_scope):
    """The op to run after restoring: TF 2's builder names it in a reserved signature, TF1's
    in the main-op (or legacy init op) collection."""
    signature = meta_graph_def.signature_def.get(constants.INIT_OP_SIGNATURE_KEY)
    if signature is not None:
        info = signature.outputs[constants.INIT_OP_SIGNATURE_KEY]
        try:
            return get_element_from_tensor_info(info, graph, import_scope)
        except (KeyError, ValueError):
            raise errors.NotFoundError(
                None, None, "The key \"%s\" could not be found in the graph."
                % constants.INIT_OP_SIGNATURE_KEY) from None
    for key in (constants.MAIN_OP_KEY, constants.LEGACY_INIT_OP_KEY):
        if key in meta_graph_def.collection_def:
            names = meta_graph_def.collection_def[key].node_list.value
            if len(names) != 1:
                raise RuntimeError("Expected exactly one SavedModel init op. Found %d: %s."
                                   % (len(names), list(names)))
            return graph.get_collection(key)[0]
    return None


def load(sess, tags, export_dir, import_scope=None, **saver_kwargs):
    """Loads the MetaGraphDef tagged `tags` from the SavedModel in `export_dir` into
    `sess`'s graph (names prefixed with `import_scope/` when given), restores its variables
    into `sess`, runs its main op, and returns the MetaGraphDef (as stored, without the
    scope) for its signatures:

        meta_graph_def = tf.saved_model.loader.load(sess, ["serve"], export_dir)
        sig = meta_graph_def.signature_def["serving_default"]
        y = sess.run(sig.outputs["y"].name, {sig.inputs["x"].name: x})

    `saver_kwargs` go to tf.train.import_meta_graph (input_map, allow_file_writes)."""
    export_dir = os.fsdecode(os.fspath(export_dir))
    saved_model = parse_saved_model(export_dir)
    meta_graph_def = _meta_graph_def_from_tags(saved_model, tags)
    graph = sess.graph
    with graph.as_default():
        saver = import_meta_graph(meta_graph_def, import_scope=import_scope, **saver_kwargs)
        if saver is None:
            _logger.info("The specified SavedModel has no variables; no checkpoints were "
                         "restored.")
        else:
            saver.restore(sess, variables_path(export_dir))
        feeds = _asset_feeds(export_dir, meta_graph_def, import_scope)
        init_op = _init_op(graph, meta_graph_def, import_scope)
        if init_op is not None:
            sess.run([init_op], feed_dict=feeds)
    return meta_graph_def
