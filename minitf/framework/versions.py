"""tf.VERSION and the GraphDef version numbers (TF's framework/versions.py).

minitf implements TF 1.15's API, so tf.VERSION says "1.15.0": TF1 programs gate features on
it (`if tf.VERSION >= "1.4"`), and every gate written for TF1 should take the path minitf
supports. tf.GIT_VERSION names the engine instead ("minitf-" and its package version), and
tf.COMPILER_VERSION the compiler that built the Python running the kernels (minitf has no C++
core of its own). GRAPH_DEF_VERSION is the `versions.producer` minitf writes into every
GraphDef (framework/graph_def.py); it reads GraphDefs of any producer, so the minimum
producer and consumer are 0."""

import platform

PACKAGE_VERSION = "0.1.0"  # minitf's own version (setup.cfg), tf.__version__

VERSION = "1.15.0"
GIT_VERSION = "minitf-" + PACKAGE_VERSION
COMPILER_VERSION = platform.python_compiler()
GRAPH_DEF_VERSION = 22
GRAPH_DEF_VERSION_MIN_CONSUMER = 0
GRAPH_DEF_VERSION_MIN_PRODUCER = 0
