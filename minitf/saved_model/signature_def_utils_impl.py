"""SignatureDef protos: a computation's named inputs and outputs, in the shapes TensorFlow
Serving's predict, classify and regress APIs accept (tf.saved_model.signature_def_utils)."""

from minitf import dtypes
from minitf.framework.graph_def import ndarray_to_tensor_proto
from minitf.framework.tensor import Tensor
from minitf.framework.tensor_util import constant_value
from minitf.protos import meta_graph_pb2
from minitf.saved_model import constants_impl as constants
from minitf.saved_model.utils_impl import build_tensor_info

_STRING = dtypes.string.as_datatype_enum
_FLOAT = dtypes.float32.as_datatype_enum


def build_signature_def(inputs=None, outputs=None, method_name=None, defaults=None):
    """A SignatureDef from `inputs` and `outputs` ({key: TensorInfo}), `method_name`, and
    `defaults` ({input key: a Const Tensor whose value the input takes when not given})."""
    signature_def = meta_graph_pb2.SignatureDef()
    for key in inputs or {}:
        signature_def.inputs[key].CopyFrom(inputs[key])
    for key in outputs or {}:
        signature_def.outputs[key].CopyFrom(outputs[key])
    if method_name is not None:
        signature_def.method_name = method_name
    for key, default in (defaults or {}).items():
        if not isinstance(default, Tensor) or default.op.type != "Const":
            raise ValueError("Unable to convert object %s of type %s to TensorProto."
                             % (default, type(default)))
        signature_def.defaults[key].CopyFrom(
            ndarray_to_tensor_proto(constant_value(default), default.dtype))
    return signature_def


def predict_signature_def(inputs, outputs):
    """A signature for TensorFlow Serving's Predict API from {key: Tensor} dicts of inputs
    and outputs (any dtypes)."""
    if not inputs:
        raise ValueError("Prediction `inputs` cannot be None or empty.")
    if not outputs:
        raise ValueError("Prediction `outputs` cannot be None or empty.")
    return build_signature_def({k: build_tensor_info(t) for k, t in inputs.items()},
                               {k: build_tensor_info(t) for k, t in outputs.items()},
                               constants.PREDICT_METHOD_NAME)


def regression_signature_def(examples, predictions):
    """A signature for TensorFlow Serving's Regress API: serialized tf.Examples (a string
    Tensor) in, float32 `predictions` out."""
    if examples is None:
        raise ValueError("Regression `examples` cannot be None.")
    if not isinstance(examples, Tensor):
        raise ValueError("Expected regression `examples` to be of type Tensor. Found "
                         "`examples` of type %s." % type(examples))
    if predictions is None:
        raise ValueError("Regression `predictions` cannot be None.")
    inputs = build_tensor_info(examples)
    if inputs.dtype != _STRING:
        raise ValueError("Regression input tensors must be of type string. Found tensors with "
                         "type %d." % inputs.dtype)
    outputs = build_tensor_info(predictions)
    if outputs.dtype != _FLOAT:
        raise ValueError("Regression output tensors must be of type float. Found tensors with "
                         "type %d." % outputs.dtype)
    return build_signature_def({constants.REGRESS_INPUTS: inputs},
                               {constants.REGRESS_OUTPUTS: outputs},
                               constants.REGRESS_METHOD_NAME)


def classification_signature_def(examples, classes, scores):
    """A signature for TensorFlow Serving's Classify API: serialized tf.Examples (a string
    Tensor) in; string `classes` and/or float32 `scores` out."""
    if examples is None:
        raise ValueError("Classification `examples` cannot be None.")
    if not isinstance(examples, Tensor):
        raise ValueError("Classification `examples` must be a string Tensor. Found `examples` "
                         "of type %s." % type(examples))
    if classes is None and scores is None:
        raise ValueError("Classification `classes` and `scores` cannot both be None.")
    inputs = build_tensor_info(examples)
    if inputs.dtype != _STRING:
        raise ValueError("Classification input tensors must be of type string. Found tensors "
                         "of type %d" % inputs.dtype)
    outputs = {}
    if classes is not None:
        info = build_tensor_info(classes)
        if info.dtype != _STRING:
            raise ValueError("Classification classes must be of type string Tensor. Found "
                             "tensors of type %d.`" % info.dtype)
        outputs[constants.CLASSIFY_OUTPUT_CLASSES] = info
    if scores is not None:
        info = build_tensor_info(scores)
        if info.dtype != _FLOAT:
            raise ValueError("Classification scores must be a float Tensor.")
        outputs[constants.CLASSIFY_OUTPUT_SCORES] = info
    return build_signature_def({constants.CLASSIFY_INPUTS: inputs}, outputs,
                               constants.CLASSIFY_METHOD_NAME)


def is_valid_signature(signature_def):
    """Whether TensorFlow Serving can serve `signature_def`: a predict signature with inputs
    and outputs, or a classify or regress one with exactly the keys and dtypes its API takes."""
    if signature_def is None:
        return False
    method = signature_def.method_name
    inputs, outputs = signature_def.inputs, signature_def.outputs
    if method == constants.PREDICT_METHOD_NAME:
        return bool(inputs) and bool(outputs)
    if method == constants.REGRESS_METHOD_NAME:
        return (set(inputs) == {constants.REGRESS_INPUTS}
                and inputs[constants.REGRESS_INPUTS].dtype == _STRING
                and set(outputs) == {constants.REGRESS_OUTPUTS}
                and outputs[constants.REGRESS_OUTPUTS].dtype == _FLOAT)
    if method == constants.CLASSIFY_METHOD_NAME:
        allowed = {constants.CLASSIFY_OUTPUT_CLASSES: _STRING,
                   constants.CLASSIFY_OUTPUT_SCORES: _FLOAT}
        return (set(inputs) == {constants.CLASSIFY_INPUTS}
                and inputs[constants.CLASSIFY_INPUTS].dtype == _STRING
                and bool(outputs) and set(outputs) <= set(allowed)
                and all(outputs[k].dtype == allowed[k] for k in outputs))
    return False

