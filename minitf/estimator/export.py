"""tf.estimator.export: what a serving_input_receiver_fn returns (ServingInputReceiver,
TensorServingInputReceiver), the two builders of such functions (raw placeholders, or parsed
tf.Examples), the output kinds of export_outputs, and the SignatureDefs an export writes."""

import collections
import logging

from minitf import dtypes
from minitf.estimator.export_output import (ClassificationOutput, ExportOutput,
                                            PredictOutput, RegressionOutput)
from minitf.framework.shapes import TensorShape
from minitf.framework.sparse_tensor import SparseTensor
from minitf.framework.tensor import Tensor
from minitf.ops.array_ops import placeholder
from minitf.ops.parsing_ops import parse_example
from minitf.saved_model.signature_def_utils_impl import is_valid_signature

__all__ = ["ServingInputReceiver", "TensorServingInputReceiver",
           "build_parsing_serving_input_receiver_fn", "build_raw_serving_input_receiver_fn",
           "ExportOutput", "ClassificationOutput", "RegressionOutput", "PredictOutput"]

_logger = logging.getLogger("minitf")

# The key a lone tensor gets in each kind of dict.
_SINGLE_NAMES = {"feature": "feature", "receiver_tensor": "input",
                 "receiver_tensors_alternative": "input"}


def _wrap_and_check(tensors, field_name, allow_int_keys=False):
    """`tensors` as a dict of names to Tensors (a lone tensor under TF's default key)."""
    if tensors is None:
        raise ValueError("{}s must be defined.".format(field_name))
    if not isinstance(tensors, dict):
        tensors = {_SINGLE_NAMES[field_name]: tensors}
    for name, tensor in tensors.items():
        if not isinstance(name, str):
            if not allow_int_keys:
                raise ValueError("{} keys must be strings: {}.".format(field_name, name))
            if not isinstance(name, int):
                raise ValueError("{} keys must be strings or ints: {}.".format(field_name,
                                                                                name))
        _check_tensor(tensor, name, field_name)
    return tensors


def _check_tensor(tensor, name, field_name):
    if not isinstance(tensor, (Tensor, SparseTensor)):
        raise ValueError("{}{} must be a Tensor, SparseTensor, or RaggedTensor.".format(
            field_name, " {}".format(name) if name else ""))


class ServingInputReceiver(collections.namedtuple(
        "ServingInputReceiver", ["features", "receiver_tensors",
                                 "receiver_tensors_alternatives"])):
    """What a serving_input_receiver_fn returns: the `features` the model_fn gets (a dict; a
    lone tensor becomes {"feature": t}) and the `receiver_tensors` a served request feeds (a
    dict; a lone tensor becomes {"input": t}), plus optional alternative receiver groups."""

    def __new__(cls, features, receiver_tensors, receiver_tensors_alternatives=None):
        features = _wrap_and_check(features, "feature", allow_int_keys=True)
        receiver_tensors = _wrap_and_check(receiver_tensors, "receiver_tensor")
        if receiver_tensors_alternatives is not None:
            if not isinstance(receiver_tensors_alternatives, dict):
                raise ValueError("receiver_tensors_alternatives must be a dict: {}.".format(
                    receiver_tensors_alternatives))
            receiver_tensors_alternatives = {
                name: _wrap_and_check(alt, "receiver_tensors_alternative")
                for name, alt in receiver_tensors_alternatives.items()}
        return super().__new__(cls, features=features, receiver_tensors=receiver_tensors,
                               receiver_tensors_alternatives=receiver_tensors_alternatives)


class TensorServingInputReceiver(collections.namedtuple(
        "TensorServingInputReceiver", ["features", "receiver_tensors",
                                       "receiver_tensors_alternatives"])):
    """A ServingInputReceiver whose `features` stay one tensor (for a model_fn that takes a
    tensor, not a dict)."""

    def __new__(cls, features, receiver_tensors, receiver_tensors_alternatives=None):
        if features is None:
            raise ValueError("features must be defined.")
        _check_tensor(features, None, "feature")
        receiver = ServingInputReceiver(features, receiver_tensors,
                                        receiver_tensors_alternatives)
        return super().__new__(cls, features=receiver.features["feature"],
                               receiver_tensors=receiver.receiver_tensors,
                               receiver_tensors_alternatives=
                               receiver.receiver_tensors_alternatives)


def build_parsing_serving_input_receiver_fn(feature_spec, default_batch_size=None):
    """A serving_input_receiver_fn reading serialized tf.Examples from the string placeholder
    `input_example_tensor` (receiver key "examples"), parsed with `feature_spec`."""
    def serving_input_receiver_fn():
        serialized = placeholder(dtypes.string, shape=[default_batch_size],
                                 name="input_example_tensor")
        return ServingInputReceiver(parse_example(serialized, feature_spec),
                                    {"examples": serialized})
    return serving_input_receiver_fn


def build_raw_serving_input_receiver_fn(features, default_batch_size=None):
    """A serving_input_receiver_fn feeding each feature directly: one placeholder per tensor of
    `features` (a dict, or one tensor), of its dtype and shape with the batch dimension
    `default_batch_size`, named as that tensor's op."""
    def serving_input_receiver_fn():
        tensors = features if isinstance(features, dict) else {"feature": features}
        receivers = {
            name: placeholder(t.dtype, TensorShape([default_batch_size]).concatenate(
                t.shape[1:]), name=t.op.name)
            for name, t in tensors.items()}
        return ServingInputReceiver(receivers, receivers)
    return serving_input_receiver_fn


def build_all_signature_defs(receiver_tensors, export_outputs,
                             receiver_tensors_alternatives=None, serving_only=True):
    """{name: SignatureDef} of each export output over the receiver tensors (and "alt:name"
    over each alternative group); outputs that cannot serve these inputs (a classification
    without one string input) are left out, and logged, as TF does."""
    if not isinstance(receiver_tensors, dict):
        receiver_tensors = {"input": receiver_tensors}
    if export_outputs is None or not isinstance(export_outputs, dict):
        raise ValueError("`export_outputs` must be a dict. Received {} with type {}."
                         .format(export_outputs, type(export_outputs).__name__))
    signatures, excluded = {}, {}
    groups = [(None, receiver_tensors)]
    for name, alt in (receiver_tensors_alternatives or {}).items():
        groups.append((name or "None", alt if isinstance(alt, dict) else {"input": alt}))
    for group_name, inputs in groups:
        for key, output in export_outputs.items():
            name = "{}".format(key or "None")
            if group_name is not None:
                name = "{}:{}".format(group_name, name)
            try:
                signatures[name] = output.as_signature_def(inputs)
            except ValueError as e:
                excluded[name] = str(e)
    for name, reason in excluded.items():
        _logger.info("Signatures EXCLUDED from export because they cannot be be served via "
                     "TensorFlow Serving APIs: '%s' : %s", name, reason)
    if serving_only:
        signatures = {k: v for k, v in signatures.items() if is_valid_signature(v)}
    return signatures
