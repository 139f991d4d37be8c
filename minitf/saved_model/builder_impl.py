"""tf.saved_model.builder.SavedModelBuilder and tf.saved_model.simple_save: TF1's SavedModel
export, written in TensorFlow's layout so either side loads what the other wrote:

    export_dir/saved_model.pb                               a SavedModel proto: tagged MetaGraphDefs
    export_dir/variables/variables.{index,data-00000-of-00001}   one V2 checkpoint
    export_dir/assets/                                      copies of the asset files

The checkpoint is written (atomically, by the Saver) when the first MetaGraphDef is added;
saved_model.pb last, by `save()`, atomically too. A directory without saved_model.pb is not
a SavedModel (`contains_saved_model` is False and `load` raises IOError), so an export that
fails or is killed part way never leaves something that loads with missing or stale
variables; as in TF, it leaves a non-empty directory that a new builder refuses.
"""

import os

from google.protobuf import any_pb2, text_format

from minitf import dtypes, errors
from minitf.framework.graph import GraphKeys, add_to_collection, get_collection
from minitf.framework.operation import Operation
from minitf.framework.tensor import Tensor
from minitf.framework.tensor_util import constant_value
from minitf.io import gfile
from minitf.protos import meta_graph_pb2, saved_model_pb2
from minitf.saved_model import constants_impl as constants
from minitf.saved_model.signature_def_utils_impl import predict_signature_def
from minitf.train import bundle
from minitf.train.saver import Saver

# TensorFlow's type URL for an AssetFileDef packed in an Any (TF's loader checks it; minitf's
# message has another full name, so Any.Pack would write a URL TF does not recognise).
ASSET_TYPE_URL = "type.googleapis.com/tensorflow.AssetFileDef"


def variables_path(export_dir):
    """The checkpoint prefix of a SavedModel's variables: export_dir/variables/variables."""
    return os.path.join(export_dir, constants.VARIABLES_DIRECTORY, constants.VARIABLES_FILENAME)


class SavedModelBuilder:
    """Builds a SavedModel: one or more MetaGraphDefs, each tagged, sharing one set of
    variables (saved with the first) and assets (TF1's SavedModelBuilder, also
    tf.saved_model.Builder):

        builder = tf.saved_model.builder.SavedModelBuilder(export_dir)
        builder.add_meta_graph_and_variables(sess, [tf.saved_model.SERVING],
                                             signature_def_map={"serving_default": sig})
        builder.save()

    `export_dir` must not exist or be empty (AssertionError otherwise, as TF)."""

    def __init__(self, export_dir):
        export_dir = os.fsdecode(os.fspath(export_dir))
        self._saved_model = saved_model_pb2.SavedModel(
            saved_model_schema_version=constants.SAVED_MODEL_SCHEMA_VERSION)
        self._export_dir = export_dir
        if gfile.exists(export_dir):
            if gfile.listdir(export_dir):
                raise AssertionError(
                    "Export directory %s already exists, and isn't empty. Please choose a "
                    "different export directory, or delete all the contents of the specified "
                    "directory." % export_dir)
        else:
            gfile.makedirs(export_dir)
        self._has_saved_variables = False
        self._saved_asset_files = set()

    # -- the MetaGraphDefs ---------------------------------------------------------------------
    def add_meta_graph_and_variables(self, sess, tags, signature_def_map=None,
                                     assets_collection=None, legacy_init_op=None,
                                     clear_devices=False, main_op=None,
                                     strip_default_attrs=False, saver=None):
        """Saves the variables of `sess` and adds its graph as the first MetaGraphDef, tagged
        `tags`, with `signature_def_map` ({key: SignatureDef}), the asset files named by the
        string Const tensors of `assets_collection` (copied under assets/), and `main_op`
        (or `legacy_init_op`) to run after the variables are restored on load. `saver`
        defaults to a new Saver over every variable. Call once, before add_meta_graph."""
        if self._has_saved_variables:
            raise AssertionError("Graph state including variables and assets has already been "
                                 "saved. Please invoke `add_meta_graph()` instead.")
        signature_def_map = signature_def_map or {}
        _validate_signature_def_map(signature_def_map)
        with sess.graph.as_default():
            self._add_collections(assets_collection,
                                  main_op if main_op is not None else legacy_init_op)
            gfile.makedirs(os.path.join(self._export_dir, constants.VARIABLES_DIRECTORY))
            saver = saver or _default_saver()
            saver.save(sess, variables_path(self._export_dir), write_meta_graph=False,
                       write_state=False)
            meta_graph_def = _export_meta_graph(saver, clear_devices, strip_default_attrs)
        self._tag_and_add_meta_graph(meta_graph_def, tags, signature_def_map)
        self._has_saved_variables = True

    def add_meta_graph(self, tags, signature_def_map=None, assets_collection=None,
                       legacy_init_op=None, clear_devices=False, main_op=None,
                       strip_default_attrs=False, saver=None):
        """Adds the default graph as another MetaGraphDef, tagged `tags`, sharing the variables
        add_meta_graph_and_variables saved (arguments as there)."""
        if not self._has_saved_variables:
            raise AssertionError("Graph state including variables and assets has not been saved "
                                 "yet. Please invoke `add_meta_graph_and_variables()` first.")
        signature_def_map = signature_def_map or {}
        _validate_signature_def_map(signature_def_map)
        self._add_collections(assets_collection,
                              main_op if main_op is not None else legacy_init_op)
        saver = saver or _default_saver()
        meta_graph_def = _export_meta_graph(saver, clear_devices, strip_default_attrs)
        self._tag_and_add_meta_graph(meta_graph_def, tags, signature_def_map)

    def save(self, as_text=False):
        """Writes saved_model.pb (saved_model.pbtxt, text format, when `as_text`) into the
        export directory, atomically, and returns its path (bytes, as TF)."""
        if not gfile.exists(self._export_dir):
            gfile.makedirs(self._export_dir)
        if as_text:
            path = os.path.join(self._export_dir, constants.SAVED_MODEL_FILENAME_PBTXT)
            data = text_format.MessageToString(self._saved_model).encode("utf-8")
        else:
            path = os.path.join(self._export_dir, constants.SAVED_MODEL_FILENAME_PB)
            data = self._saved_model.SerializeToString(deterministic=True)
        try:
            bundle.write_file_atomically(path, [data])
        except OSError as e:
            raise errors._from_os_error(e, None, path, "cannot write the SavedModel") from None
        return os.fsencode(path)

    # -- helpers -------------------------------------------------------------------------------
    def _tag_and_add_meta_graph(self, meta_graph_def, tags, signature_def_map):
        meta_graph_def.meta_info_def.tags.extend(tags)
        for key in signature_def_map:
            meta_graph_def.signature_def[key].CopyFrom(signature_def_map[key])
        self._saved_model.meta_graphs.add().CopyFrom(meta_graph_def)

    def _add_collections(self, assets_collection, main_op):
        """Adds the assets (copying their files) and the main op to the default graph's
        collections, where the MetaGraphDef stores them (as TF1's builder does)."""
        filenames = {}  # name under assets/ -> source path
        for tensor in assets_collection or ():
            source = _asset_path(tensor)
            name = _asset_filename(source, filenames)
            filenames[name] = source
            asset = meta_graph_pb2.AssetFileDef(filename=name)
            asset.tensor_info.name = tensor.name
            add_to_collection(constants.ASSETS_KEY, any_pb2.Any(
                type_url=ASSET_TYPE_URL, value=asset.SerializeToString()))
        if filenames:
            assets_dir = os.path.join(self._export_dir, constants.ASSETS_DIRECTORY)
            gfile.makedirs(assets_dir)
            for name, source in filenames.items():
                destination = os.path.join(assets_dir, name)
                if (gfile.exists(source) and source != destination
                        and destination not in self._saved_asset_files):
                    gfile.copy(source, destination, overwrite=True)
                    self._saved_asset_files.add(destination)
        if main_op is None:
            return
        if not isinstance(main_op, Operation):
            raise TypeError("Expected %s to be an Operation but got type %s instead."
                            % (main_op, type(main_op)))
        for key in (constants.MAIN_OP_KEY, constants.LEGACY_INIT_OP_KEY):
            if get_collection(key):
                raise ValueError("Graph already contains one or more main ops under the "
                                 "collection %s." % key)
        add_to_collection(constants.MAIN_OP_KEY, main_op)


def _default_saver():
    """TF's builder's Saver: every variable and saveable object, empty allowed."""
    return Saver(sharded=True, allow_empty=True)


def _export_meta_graph(saver, clear_devices, strip_default_attrs):
    meta_graph_def = saver.export_meta_graph(clear_devices=clear_devices,
                                             strip_default_attrs=strip_default_attrs)
    if saver.saver_def is None:  # an empty Saver (no variables) has no SaverDef, as in TF
        meta_graph_def.ClearField("saver_def")
    return meta_graph_def


def _validate_tensor_info(tensor_info):
    if tensor_info is None:
        raise AssertionError("All TensorInfo protos used in the SignatureDefs must have the name "
                             "and dtype fields set.")
    if tensor_info.WhichOneof("encoding") is None:
        raise AssertionError("Invalid `tensor_info`: %s. All TensorInfo protos used in the "
                             "SignatureDefs must have one of the 'encoding' fields (e.g., name "
                             "or coo_sparse) set." % tensor_info)
    if tensor_info.dtype == 0:  # DT_INVALID
        raise AssertionError("Invalid `tensor_info`: %s. All TensorInfo protos used in the "
                             "SignatureDefs must have the dtype field set." % tensor_info)


def _validate_signature_def_map(signature_def_map):
    for signature_def in signature_def_map.values():
        for info in list(signature_def.inputs.values()) + list(signature_def.outputs.values()):
            _validate_tensor_info(info)
    for key in (constants.INIT_OP_SIGNATURE_KEY, constants.TRAIN_OP_SIGNATURE_KEY):
        if key in signature_def_map:
            raise KeyError("SignatureDef map key \"%s\" is reserved for %s. Please use a "
                           "different key." % (key, "initialization" if "init" in key
                                               else "the train op"))


def _asset_path(tensor):
    """The file name a string scalar Const asset tensor holds."""
    if not isinstance(tensor, Tensor):
        raise TypeError("Asset path tensor %s must be a Tensor." % (tensor,))
    if tensor.op.type != "Const":
        raise TypeError("Asset path tensor %s must be of type constant.Has type %s instead."
                        % (tensor, tensor.op.type))
    if tensor.dtype is not dtypes.string:
        raise TypeError("Asset path tensor %s` must be of dtype string.Has type %s instead."
                        % (tensor, tensor.dtype))
    value = constant_value(tensor)
    if value is None or value.size != 1:
        raise TypeError("Asset path tensor %s must be a scalar." % (tensor,))
    value = value.reshape(-1)[0]
    return value.decode("utf-8") if isinstance(value, bytes) else str(value)


def _asset_filename(source, filenames):
    """The name `source` gets under assets/: its base name, or base name_1, _2... when another
    file of that name and other contents is there already (TF's rule)."""
    name = os.path.basename(source)
    other = filenames.get(name)
    if other is None or other == source or _same_contents(source, other):
        return name
    i = 1
    unique = name
    while unique in filenames:
        unique = "%s_%d" % (name, i)
        i += 1
    return unique


def _same_contents(a, b):
    try:
        with open(a, "rb") as fa, open(b, "rb") as fb:
            return fa.read() == fb.read()
    except OSError:
        return False


def simple_save(session, export_dir, inputs, outputs, legacy_init_op=None):
    """Saves `session`'s graph and variables as a SavedModel for serving, in one call: tag
    "serve", one predict signature "serving_default" with `inputs` and `outputs`
    ({key: Tensor}), the graph's ASSET_FILEPATHS as assets, devices cleared (TF1's
    tf.saved_model.simple_save)."""
    signature_def_map = {constants.DEFAULT_SERVING_SIGNATURE_DEF_KEY:
                         predict_signature_def(inputs, outputs)}
    builder = SavedModelBuilder(export_dir)
    builder.add_meta_graph_and_variables(
        session, tags=[constants.SERVING], signature_def_map=signature_def_map,
        assets_collection=session.graph.get_collection(GraphKeys.ASSET_FILEPATHS),
        main_op=legacy_init_op, clear_devices=True)
    builder.save()
