"""Runs one corpus program with a `tf` module (minitf or TensorFlow's compat.v1) in a fresh
graph (the global default graph, reset, for programs that reset it themselves, as notebooks
do), with a scratch directory for programs that take one."""

import inspect
import tempfile


def run_program(tf, program):
    if getattr(program, "resets_default_graph", False):  # it calls tf.reset_default_graph()
        tf.reset_default_graph()
        try:
            return program(tf)
        finally:
            tf.reset_default_graph()
    with tf.Graph().as_default():
        if len(inspect.signature(program).parameters) == 2:
            with tempfile.TemporaryDirectory() as directory:
                return program(tf, directory)
        return program(tf)
