"""tf.estimator.export's output kinds (PredictOutput, ClassificationOutput, RegressionOutput):
what an EstimatorSpec's export_outputs name, each one turned into a SignatureDef at export."""

from minitf import dtypes
from minitf.framework.tensor import Tensor
from minitf.saved_model import signature_def_utils_impl as signature_def_utils
from minitf.saved_model.constants_impl import DEFAULT_SERVING_SIGNATURE_DEF_KEY

__all__ = ["ExportOutput", "ClassificationOutput", "RegressionOutput", "PredictOutput"]

_ONE_STRING_INPUT = (
    "{} signatures can only accept a single tensor input of type tf.string. Please check to "
    "make sure that you have structured the serving_input_receiver_fn so that it creates a "
    "single string placeholder. If your model function expects multiple inputs, then use "
    "`tf.io.parse_example()` to parse the string into multiple tensors.\n Received: {}")


class ExportOutput:
    """One output signature of an exported model (subclasses define as_signature_def)."""

    def as_signature_def(self, receiver_tensors):
        raise NotImplementedError

    @staticmethod
    def _serialized_examples(receiver_tensors, kind):
        """The one string input a classification or regression signature reads."""
        if len(receiver_tensors) != 1:
            raise ValueError(_ONE_STRING_INPUT.format(kind, receiver_tensors))
        (examples,) = receiver_tensors.values()
        if examples.dtype is not dtypes.string:
            raise ValueError(_ONE_STRING_INPUT.format(kind, receiver_tensors))
        return examples


class ClassificationOutput(ExportOutput):
    """Float scores and/or string class labels, served from serialized tf.Examples."""

    def __init__(self, scores=None, classes=None):
        if scores is not None and not (isinstance(scores, Tensor) and scores.dtype.is_floating):
            raise ValueError("Classification scores must be a float32 Tensor; got {}"
                             .format(scores))
        if classes is not None and not (isinstance(classes, Tensor)
                                        and classes.dtype is dtypes.string):
            raise ValueError("Classification classes must be a string Tensor; got {}"
                             .format(classes))
        if scores is None and classes is None:
            raise ValueError("Cannot create a ClassificationOutput with empty arguments. At "
                             "least one of `scores` and `classes` must be defined.")
        self._scores = scores
        self._classes = classes

    @property
    def scores(self):
        return self._scores

    @property
    def classes(self):
        return self._classes

    def as_signature_def(self, receiver_tensors):
        examples = self._serialized_examples(receiver_tensors, "Classification")
        return signature_def_utils.classification_signature_def(examples, self.classes,
                                                                self.scores)


class RegressionOutput(ExportOutput):
    """One float value per example, served from serialized tf.Examples."""

    def __init__(self, value):
        if not (isinstance(value, Tensor) and value.dtype.is_floating):
            raise ValueError("Regression output value must be a float32 Tensor; got {}"
                             .format(value))
        self._value = value

    @property
    def value(self):
        return self._value

    def as_signature_def(self, receiver_tensors):
        examples = self._serialized_examples(receiver_tensors, "Regression")
        return signature_def_utils.regression_signature_def(examples, self.value)


class PredictOutput(ExportOutput):
    """Any named tensors (a lone tensor is named "output"), served from any inputs."""

    def __init__(self, outputs):
        if not isinstance(outputs, dict):
            outputs = {"output": outputs}
        self._outputs = {}
        for key, value in outputs.items():
            if isinstance(key, tuple):
                key = "/".join(key)
            if not isinstance(key, str):
                raise ValueError("Prediction output key must be a string; got {}.".format(key))
            if not isinstance(value, Tensor):
                raise ValueError("Prediction output value must be a Tensor; got {}."
                                 .format(value))
            self._outputs[key] = value

    @property
    def outputs(self):
        return self._outputs

    def as_signature_def(self, receiver_tensors):
        return signature_def_utils.predict_signature_def(receiver_tensors, self.outputs)


def get_export_outputs(export_outputs, predictions):
    """A PREDICT spec's export_outputs checked, with "serving_default" added: a PredictOutput
    of `predictions` when none is given, or the only output under that key too."""
    if export_outputs is None:
        export_outputs = {DEFAULT_SERVING_SIGNATURE_DEF_KEY: PredictOutput(predictions)}
    if not isinstance(export_outputs, dict):
        raise TypeError("`export_outputs` must be dict, received: {}.".format(export_outputs))
    for value in export_outputs.values():
        if not isinstance(value, ExportOutput):
            raise TypeError("Values in `export_outputs` must be ExportOutput objects, "
                            "received: {}.".format(export_outputs))
    if DEFAULT_SERVING_SIGNATURE_DEF_KEY not in export_outputs:
        if len(export_outputs) != 1:
            raise ValueError("Multiple `export_outputs` were provided, but none of them are "
                             "specified as the default. Use"
                             "`tf.saved_model.DEFAULT_SERVING_SIGNATURE_DEF_KEY` to specify a "
                             "default.")
        (value,) = export_outputs.values()
        export_outputs[DEFAULT_SERVING_SIGNATURE_DEF_KEY] = value
    return export_outputs
