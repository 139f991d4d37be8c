"""tf.saved_model: TF1's SavedModel export and load (builder, loader, simple_save), the
signature and TensorInfo helpers, and the tag, signature and file-name constants, under TF
1.15's names, both in the submodules and as the top-level short names."""


from minitf.namespaces import _module
from minitf.saved_model import (builder_impl as _builder, constants_impl as _c,
                                loader_impl as _loader, signature_def_utils_impl as _sig,
                                utils_impl as _utils)


def _names(module, names):
    return {n: getattr(module, n) for n in names.split()}


_CONSTANTS = """ASSETS_DIRECTORY ASSETS_KEY DEBUG_DIRECTORY DEBUG_INFO_FILENAME_PB
LEGACY_INIT_OP_KEY MAIN_OP_KEY SAVED_MODEL_FILENAME_PB SAVED_MODEL_FILENAME_PBTXT
SAVED_MODEL_SCHEMA_VERSION VARIABLES_DIRECTORY VARIABLES_FILENAME"""
_TAGS = "GPU SERVING TPU TRAINING"
_SIGNATURE_CONSTANTS = """CLASSIFY_INPUTS CLASSIFY_METHOD_NAME CLASSIFY_OUTPUT_CLASSES
CLASSIFY_OUTPUT_SCORES DEFAULT_SERVING_SIGNATURE_DEF_KEY PREDICT_INPUTS PREDICT_METHOD_NAME
PREDICT_OUTPUTS REGRESS_INPUTS REGRESS_METHOD_NAME REGRESS_OUTPUTS"""
_SIGNATURE_UTILS = """build_signature_def classification_signature_def is_valid_signature
predict_signature_def regression_signature_def"""

constants = _module("saved_model.constants", "tf.saved_model.constants: the SavedModel's "
                    "file, directory and collection names.", _names(_c, _CONSTANTS))
tag_constants = _module("saved_model.tag_constants", "tf.saved_model.tag_constants: the "
                        "standard MetaGraphDef tags.", _names(_c, _TAGS))
signature_constants = _module(
    "saved_model.signature_constants", "tf.saved_model.signature_constants: TensorFlow "
    "Serving's signature keys and method names.", _names(_c, _SIGNATURE_CONSTANTS))
signature_def_utils = _module("saved_model.signature_def_utils",
                              "tf.saved_model.signature_def_utils: SignatureDef builders.",
                              _names(_sig, _SIGNATURE_UTILS))
utils = _module("saved_model.utils", "tf.saved_model.utils: TensorInfo protos.",
                _names(_utils, "build_tensor_info get_tensor_from_tensor_info"))
builder = _module("saved_model.builder", "tf.saved_model.builder: SavedModelBuilder.",
                  _names(_builder, "SavedModelBuilder"))
loader = _module("saved_model.loader", "tf.saved_model.loader: load a SavedModel.",
                 _names(_loader, "load maybe_saved_model_directory"))

globals().update(_names(_c, _CONSTANTS + " " + _TAGS + " " + _SIGNATURE_CONSTANTS))
globals().update(_names(_sig, _SIGNATURE_UTILS))
build_tensor_info = _utils.build_tensor_info
get_tensor_from_tensor_info = _utils.get_tensor_from_tensor_info
Builder = _builder.SavedModelBuilder
simple_save = _builder.simple_save
load = _loader.load
maybe_saved_model_directory = _loader.maybe_saved_model_directory


def contains_saved_model(export_dir):
    """Whether `export_dir` (a str or path-like) holds a SavedModel file (it may still fail
    to load; False means it is certainly no SavedModel)."""
    return _loader.maybe_saved_model_directory(export_dir)


