"""Writes docs/api.md: every public name minitf exports, grouped by namespace, with the first
line of its docstring. Run `python docs/gen_api.py` after adding to the API
(tests/test_docs.py fails when a public name is missing from the page)."""

import inspect
import os
import types

import minitf as tf
from minitf import datasets, horovod, visualize
from minitf.datasets import cifar10, digits, fashion_mnist, mnist
from minitf.examples.tutorials.mnist import input_data
from minitf.python.client import timeline

NAMESPACES = [
    ("tf", tf, "The top level: graphs, sessions, tensors, variables and the core ops."),
    ("tf.nn", tf.nn, "Activations, losses and other neural-network ops."),
    ("tf.layers", tf.layers, "Layers built from variables and ops."),
    ("tf.train", tf.train, "Optimizers, learning-rate schedules, the global step, checkpoints."),
    ("tf.summary", tf.summary, "Summaries and FileWriter for TensorBoard."),
    ("tf.losses", tf.losses, "Loss functions with weights and reductions, and the loss collections."),
    ("tf.metrics", tf.metrics, "TF1's streaming evaluation metrics: (value, update_op) pairs "
                               "over local variables (docs/metrics.md)."),
    ("tf.estimator", tf.estimator, "TF 1.15's graph-mode Estimator: train, evaluate and predict "
                                   "a model_fn's model (docs/estimator.md)."),
    ("tf.estimator.inputs", tf.estimator.inputs, ""),
    ("tf.estimator.export", tf.estimator.export, ""),
    ("tf.contrib.layers", tf.contrib.layers, "contrib's layer functions (fully_connected, conv2d, "
                                           "batch_norm...; docs/slim.md), regularizers and the "
                                           "initializers TF1 code imports from contrib."),
    ("tf.contrib.framework", tf.contrib.framework, "arg_scope and the model-variable helpers "
                                                   "of TF1's contrib.framework, its tensor "
                                                   "utilities and nest (docs/slim.md)."),
    ("tf.contrib.slim", tf.contrib.slim, "TF-Slim: contrib.layers' layer functions, arg_scope "
                                         "and the variable helpers in one namespace "
                                         "(docs/slim.md)."),
    ("tf.contrib.slim.learning", tf.contrib.slim.learning, "create_train_op and the training "
                                                           "loop (docs/slim.md)."),
    ("tf.contrib.slim.evaluation", tf.contrib.slim.evaluation, "evaluate_once and "
                                                               "evaluation_loop (docs/slim.md)."),
    ("tf.contrib.losses", tf.contrib.losses, "TF1's older loss functions, predictions first "
                                             "(also slim.losses; docs/slim.md)."),
    ("tf.contrib.metrics", tf.contrib.metrics, "The streaming_* metric names (also "
                                               "slim.metrics; docs/slim.md)."),
    ("tf.contrib.crf", tf.contrib.crf, "Linear-chain conditional random fields (docs/rnn.md, "
                                       "\"tf.contrib.crf\")."),
    ("tf.contrib.training", tf.contrib.training, "HParams, the hyperparameters TF1 programs "
                                                 "override from a flag (docs/flags.md); "
                                                 "create_train_op and waiting for checkpoints "
                                                 "(docs/slim.md)."),
    ("tf.contrib.image", tf.contrib.image, "Geometric image transforms: transform, rotate, "
                                           "translate (docs/contrib.md)."),
    ("tf.contrib.opt", tf.contrib.opt, "AdamW, MomentumW and LazyAdam (docs/contrib.md)."),
    ("tf.contrib.legacy_seq2seq", tf.contrib.legacy_seq2seq, "TF1's list-of-steps "
     "encoder-decoder models and sequence losses (docs/contrib.md)."),
    ("tf.contrib.seq2seq", tf.contrib.seq2seq, "sequence_loss, the decoding API: helpers, "
     "BasicDecoder, dynamic_decode (docs/rnn.md, \"Decoders\"), and TF 1.15's attention "
     "mechanisms and AttentionWrapper (docs/rnn.md, \"Attention\")."),
    ("tf.math", tf.math, "TF 1.13+'s second names of the math ops (docs/namespaces.md)."),
    ("tf.linalg", tf.linalg, "Matrix ops under TF 1.13+'s names."),
    ("tf.signal", tf.signal, "Fourier transforms and signal processing (docs/signal.md)."),
    ("tf.spectral", tf.spectral, "TF1's first names of the Fourier transforms (tf.signal's)."),
    ("tf.nest", tf.nest, "Nested structures of lists, tuples and dicts (TF 1.13+)."),
    ("tf.random", tf.random, "Random ops under TF 1.13+'s names."),
    ("tf.quantization", tf.quantization, "TF 1.15's fake quantization ops (docs/cnn.md)."),
    ("tf.sparse", tf.sparse, "SparseTensor basics under TF 1.13+'s names."),
    ("tf.feature_column", tf.feature_column, "TF1's feature columns, input_layer and "
                                             "linear_model (docs/feature_column.md)."),
    ("tf.sets", tf.sets, "Set operations along the last dimension, TF 1.15's names "
                         "(docs/namespaces.md, \"Sets: tf.sets\")."),
    ("tf.distributions", tf.distributions, "TF 1.15's probability distributions and KL "
                                           "divergences (docs/distributions.md)."),
    ("tf.io.gfile", tf.io.gfile, "File helpers raising tf.errors classes."),
    ("tf.gfile", tf.gfile, "TF1's CamelCase file helpers."),
    ("tf.compat", tf.compat, "tf.compat.v1 (minitf itself) and str/bytes helpers."),
    ("tf.flags", tf.flags, "Command-line flags (also tf.app.flags)."),
    ("tf.app", tf.app, "tf.app.run."),
    ("tf.errors", tf.errors, "TensorFlow's error classes and codes."),
    ("tf.testing", tf.testing, "Numerical gradient checks (float64)."),
    ("tf.test", tf.test, "TF1's TestCase and the GPU queries (see gpu.md)."),
    ("minitf.datasets", datasets, "Data that ships with the package (no download)."),
    ("minitf.datasets.digits", digits, "The bundled 8x8 digits, train/validation/test."),
    ("minitf.datasets.mnist", mnist, "MNIST from the cache folder (see datasets.md)."),
    ("minitf.datasets.fashion_mnist", fashion_mnist, "Fashion-MNIST from the cache folder."),
    ("minitf.datasets.cifar10", cifar10, "CIFAR-10's binary version from the cache folder."),
    ("minitf.examples.tutorials.mnist.input_data", input_data,
     "TF1's tutorial helper: read_data_sets and DataSet.next_batch."),
    ("minitf.visualize", visualize, "Graph drawing (see graph_drawing.md)."),
    ("minitf.python.client.timeline", timeline,
     "TF1's `tensorflow.python.client.timeline`: a traced run as a Chrome trace "
     "(docs/performance.md)."),
    ("tf.data", tf.data, "Input pipelines: datasets and iterators (see input_pipelines.md)."),
    ("tf.data.experimental", tf.data.experimental, ""),
    ("minitf.horovod", horovod, "Data-parallel training on MPI with Horovod's API "
                                "(docs/distributed.md)."),
    ("tf.image", tf.image, "Resizing, flips, crops and pads, colour and brightness, augmentation "
                           "and image quality (see cnn.md, \"tf.image\")."),
    ("tf.io", tf.io, "TFRecord files, Example parsing, CSV and raw bytes (TF 1.13+ names)."),
    ("tf.python_io", tf.python_io, "TFRecord files (TF1 names)."),
    ("tf.saved_model", tf.saved_model, "SavedModel export and load, TF 1.15's short names "
                                       "(docs/checkpoints.md#savedmodel-tfsaved_model)."),
    ("tf.saved_model.builder", tf.saved_model.builder, ""),
    ("tf.saved_model.loader", tf.saved_model.loader, ""),
    ("tf.saved_model.signature_def_utils", tf.saved_model.signature_def_utils, ""),
    ("tf.saved_model.utils", tf.saved_model.utils, ""),
    ("tf.saved_model.tag_constants", tf.saved_model.tag_constants, ""),
    ("tf.saved_model.signature_constants", tf.saved_model.signature_constants, ""),
    ("tf.saved_model.constants", tf.saved_model.constants, ""),
    ("tf.keras", tf.keras, "Keras 2 on the minitf graph: Model, Sequential, Input (docs/keras.md)."),
    ("tf.keras.backend", tf.keras.backend, ""),
    ("tf.keras.layers", tf.keras.layers, ""),
    ("tf.keras.models", tf.keras.models, ""),
    ("tf.keras.optimizers", tf.keras.optimizers, ""),
    ("tf.keras.losses", tf.keras.losses, ""),
    ("tf.keras.metrics", tf.keras.metrics, ""),
    ("tf.keras.callbacks", tf.keras.callbacks, ""),
    ("tf.keras.utils", tf.keras.utils, ""),
    ("tf.keras.activations", tf.keras.activations, ""),
    ("tf.keras.initializers", tf.keras.initializers, ""),
    ("tf.keras.regularizers", tf.keras.regularizers, ""),
    ("tf.keras.constraints", tf.keras.constraints, ""),
    ("tf.keras.datasets.mnist", tf.keras.datasets.mnist, "MNIST on minitf's data-set cache."),
    ("tf.keras.datasets.fashion_mnist", tf.keras.datasets.fashion_mnist, ""),
    ("tf.keras.datasets.cifar10", tf.keras.datasets.cifar10, "CIFAR-10's binary version."),
    ("tf.keras.datasets.imdb", tf.keras.datasets.imdb, "IMDB, read without unpickling code."),
    ("tf.keras.preprocessing.image", tf.keras.preprocessing.image,
     "ImageDataGenerator: augmentation and normalisation, vectorised over the batch."),
    ("tf.keras.preprocessing.sequence", tf.keras.preprocessing.sequence, ""),
    ("tf.keras.preprocessing.text", tf.keras.preprocessing.text, ""),
    ("tf.keras.applications.imagenet_utils", tf.keras.applications.imagenet_utils,
     "preprocess_input and decode_predictions for ImageNet models."),
    ("tf.keras.applications", tf.keras.applications,
     "TF 1.15's ImageNet architectures (docs/keras.md#kerasapplications)."),
    ("tf.keras.applications.vgg16", tf.keras.applications.vgg16, ""),
    ("tf.keras.applications.vgg19", tf.keras.applications.vgg19, ""),
    ("tf.keras.applications.resnet", tf.keras.applications.resnet, ""),
    ("tf.keras.applications.resnet50", tf.keras.applications.resnet50, ""),
    ("tf.keras.applications.inception_v3", tf.keras.applications.inception_v3, ""),
    ("tf.keras.applications.mobilenet", tf.keras.applications.mobilenet, ""),
]
for optional in ("debugging", "initializers"):
    if isinstance(getattr(tf, optional, None), types.ModuleType):
        NAMESPACES.append(("tf." + optional, getattr(tf, optional), ""))


def summary(value):
    doc = inspect.getdoc(value) if not isinstance(value, (int, float, str)) else None
    if hasattr(value, "DESCRIPTOR") and inspect.isclass(value):
        return "the protocol buffer message %s (TF's wire format)" % value.DESCRIPTOR.name
    if isinstance(value, tf.DType):
        return "element type `%s`" % value.name
    if not doc or isinstance(value, (int, float, str, tuple)):
        return "constant" if not callable(value) else ""
    first_paragraph = doc.strip().split("\n\n")[0]
    return " ".join(first_paragraph.split()).rstrip(".")


def kind(value):
    if inspect.isclass(value):
        return "class"
    if callable(value):
        return "function"
    return "value"


def main():
    lines = ["# minitf API", "",
             "Everything minitf exports, generated from the package by `python docs/gen_api.py`.",
             "Names, signatures and defaults are TensorFlow 1.x's; see "
             "[differences.md](differences.md) for the few deliberate departures.", ""]
    for prefix, module, blurb in NAMESPACES:
        names = sorted(n for n in dir(module) if not n.startswith("_")
                       and not isinstance(getattr(module, n), types.ModuleType))
        if prefix == "tf.errors":
            names = [n for n in names if inspect.isclass(getattr(module, n)) or n.isupper()]
        lines += ["## `%s`" % prefix, "", blurb, "", "| name | kind | what it does |",
                  "|---|---|---|"]
        for name in names:
            value = getattr(module, name)
            lines.append("| `%s.%s` | %s | %s |" % (prefix, name, kind(value),
                                                   summary(value).replace("|", "\\|")))
        lines.append("")
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "api.md")
    with open(path, "w", encoding="utf-8") as f:
        f.write("\n".join(lines))
    print("wrote %s" % path)


def tf1_symbols_page():
    """The Markdown of the site's tf1_symbols.md page (generated when the site is built, by
    docs/site_hooks.py, so it is always current): which of TF1's public names (recorded from
    TensorFlow by tests/record_tf1_symbols.py into tests/fixtures/tf1_symbols.json) minitf
    has."""
    import json
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    with open(os.path.join(root, "tests", "fixtures", "tf1_symbols.json"), encoding="utf-8") as f:
        recorded = json.load(f)["namespaces"]
    summary_rows, sections = [], []
    total_supported = total = 0
    for prefix in sorted(recorded, key=lambda p: (p != "tf", p)):
        module = tf
        for part in prefix.split(".")[1:]:
            module = getattr(module, part, None)
        tf1_names = recorded[prefix]
        ours = set() if not isinstance(module, types.ModuleType) else {
            n for n in dir(module) if not n.startswith("_")
            and not isinstance(getattr(module, n), types.ModuleType)}
        supported = [n for n in tf1_names if n in ours]
        missing = [n for n in tf1_names if n not in ours]
        total_supported += len(supported)
        total += len(tf1_names)
        summary_rows.append("| `%s` | %d | %d |" % (prefix, len(supported), len(tf1_names)))
        if not supported:
            continue
        sections += ["## `%s`" % prefix, "", "| TF1 symbol | in minitf |", "|---|---|"]
        for name in supported:
            sections.append("| `%s.%s` | %s |" % (prefix, name, summary(getattr(module, name))
                                                  .replace("|", "\\|")))
        sections += ["", "Not in minitf: %s." % ", ".join("`%s`" % n for n in missing)
                     if missing else "Every TF1 name of this namespace is in minitf.", ""]
    lines = ["# TF1 symbols in minitf", "",
             "Which of TensorFlow 1.x's public names minitf has, namespace by namespace: %d of "
             "the %d names of the namespaces below. Generated when the site is built, from "
             "the names recorded from TensorFlow's `tf.compat.v1` "
             "(`tests/record_tf1_symbols.py`). Where a supported symbol behaves differently "
             "from TF1 on purpose, [differences.md](differences.md) says so; everything "
             "minitf exports, including names TF1 does not have, is in [api.md](api.md)."
             % (total_supported, total), "",
             "| namespace | supported | TF1 names |", "|---|---|---|"] + summary_rows + [""]
    return "\n".join(lines + sections)


if __name__ == "__main__":
    main()
