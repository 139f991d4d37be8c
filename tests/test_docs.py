"""docs/api.md lists everything minitf exports, and the README's commands are the ones CI runs."""

import functools
import os
import re
import types

import minitf as tf
from minitf import datasets, horovod, visualize
from minitf.datasets import cifar10, digits, fashion_mnist, mnist
from minitf.examples.tutorials.mnist import input_data

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def public_names():
    names = set()
    for prefix, module in [("tf", tf), ("tf.nn", tf.nn), ("tf.train", tf.train),
                           ("tf.layers", tf.layers), ("tf.summary", tf.summary),
                           ("tf.errors", tf.errors), ("tf.testing", tf.testing), ("tf.test", tf.test),
                           ("tf.debugging", tf.debugging), ("minitf.datasets", datasets),
                           ("minitf.datasets.digits", digits), ("minitf.datasets.mnist", mnist),
                           ("minitf.datasets.fashion_mnist", fashion_mnist),
                           ("minitf.datasets.cifar10", cifar10), ("minitf.visualize", visualize),
                           ("minitf.examples.tutorials.mnist.input_data", input_data),
                           ("tf.data", tf.data), ("tf.data.experimental", tf.data.experimental),
                           ("minitf.horovod", horovod),
                           ("tf.io", tf.io), ("tf.python_io", tf.python_io),
                           ("tf.saved_model", tf.saved_model),
                           ("tf.distributions", tf.distributions),
                           ("tf.feature_column", tf.feature_column)] + [
            ("tf.saved_model." + sub, getattr(tf.saved_model, sub))
            for sub in ("builder", "loader", "signature_def_utils", "utils", "tag_constants",
                        "signature_constants", "constants")] + [
                           ("tf.keras", tf.keras)] + [
            ("tf.keras." + sub, functools.reduce(getattr, sub.split("."), tf.keras))
            for sub in ("backend", "layers", "models", "optimizers", "losses", "metrics",
                        "callbacks", "utils", "activations", "initializers", "regularizers",
                        "constraints", "datasets.mnist", "datasets.fashion_mnist",
                        "datasets.cifar10", "datasets.imdb", "preprocessing.image",
                        "preprocessing.sequence", "preprocessing.text",
                        "applications.imagenet_utils", "applications",
                        "applications.vgg16", "applications.vgg19", "applications.resnet",
                        "applications.resnet50", "applications.inception_v3",
                        "applications.mobilenet")]:
        for name in dir(module):
            if name.startswith("_"):
                continue
            value = getattr(module, name)
            if isinstance(value, types.ModuleType):
                continue
            if prefix == "tf.errors" and not (isinstance(value, type) or name.isupper()):
                continue
            names.add("%s.%s" % (prefix, name))
    return names


def test_every_public_name_is_documented():
    text = open(os.path.join(ROOT, "docs", "api.md"), encoding="utf-8").read()
    documented = set(re.findall(r"`((?:tf|minitf)(?:\.\w+)+)", text))
    missing = sorted(n for n in public_names() if n not in documented)
    assert not missing, "exported but not in docs/api.md: %s" % missing


def test_ci_runs_the_readme_test_command():
    readme = open(os.path.join(ROOT, "README.md"), encoding="utf-8").read()
    commands = re.findall(r"```bash\n(.*?)\n```", readme, re.S)
    test_command = commands[1].strip()
    assert "pytest" in test_command
    ci = open(os.path.join(ROOT, ".ci", "run"), encoding="utf-8").read()
    assert test_command in ci
