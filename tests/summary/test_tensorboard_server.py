"""A real `tensorboard` server (127.0.0.1, a free port) over a log folder minitf wrote: its HTTP
API lists the runs, serves a scalar series and draws minitf's graph."""

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request

import numpy as np
import pytest

import minitf as tf

pytest.importorskip("tensorboard")

STARTUP_TIMEOUT_S = 60
# Loopback only: never through a proxy the environment may name.
_opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def get(port, path, **params):
    url = "http://127.0.0.1:%d%s" % (port, path)
    if params:
        url += "?" + urllib.parse.urlencode(params)
    with _opener.open(url, timeout=10) as response:
        return response.read().decode("utf-8")


def poll(port, path, ready, deadline, server, **params):
    """GETs `path` until `ready(text)` holds; fails if the server exits or time runs out."""
    last = None
    while time.time() < deadline:
        if server.poll() is not None:
            pytest.fail("tensorboard exited with code %s" % server.returncode)
        try:
            last = get(port, path, **params)
            if ready(last):
                return last
        except (urllib.error.URLError, ConnectionError, socket.timeout) as e:
            last = e
        time.sleep(0.25)
    pytest.fail("tensorboard did not answer %s in time (last answer: %r)" % (path, last))


def write_run(logdir):
    with tf.Graph().as_default():
        x = tf.placeholder(tf.float32, [None, 2], name="x")
        with tf.name_scope("model"):
            w = tf.Variable([[1.0], [2.0]], name="w")
            y = tf.matmul(x, w)
        loss = tf.reduce_mean(tf.square(y - 1.0), name="mse")
        # control flow: drawn as `cond` / `while` scopes holding their sub-graphs' ops
        loss = tf.cond(loss > 0., lambda: loss * 1.0, lambda: loss)
        loss = tf.while_loop(lambda i, l: i < 1, lambda i, l: (i + 1, l + 0.), [0, loss])[1]
        step = tf.train.GradientDescentOptimizer(0.05).minimize(loss)
        tf.summary.scalar("loss", loss)
        merged = tf.summary.merge_all()
        data = np.array([[1.0, 0.0], [0.0, 1.0]], np.float32)
        losses = []
        with tf.Session() as s, tf.summary.FileWriter(os.path.join(logdir, "run1"), s.graph) as w:
            s.run(tf.global_variables_initializer())
            for i in range(5):
                summary, value, _ = s.run([merged, loss, step], {x: data})
                w.add_summary(summary, i)
                losses.append(float(value))
    return losses


def test_tensorboard_serves_minitf_runs_scalars_and_graph(tmp_path):
    losses = write_run(str(tmp_path))
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "tensorboard.main", "--logdir", str(tmp_path), "--host",
         "127.0.0.1", "--port", str(port), "--load_fast=false", "--reload_interval=1"],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        deadline = time.time() + STARTUP_TIMEOUT_S
        runs = json.loads(poll(port, "/data/runs", lambda t: "run1" in t, deadline, server))
        assert runs == ["run1"]
        series = json.loads(poll(port, "/data/plugin/scalars/scalars",
                                 lambda t: t.startswith("[") and len(json.loads(t)) == 5,
                                 deadline, server, run="run1", tag="loss"))
        assert [step for _, step, _ in series] == [0, 1, 2, 3, 4]
        np.testing.assert_allclose([value for _, _, value in series], losses, rtol=1e-6)
        graph = poll(port, "/data/plugin/graphs/graph", lambda t: "node {" in t, deadline,
                     server, run="run1")
        for expected in ['name: "model/MatMul"', 'op: "MatMul"', 'input: "model/w/read"',
                         'op: "VariableV2"', 'name: "GradientDescent"', 'op: "ScalarSummary"',
                         'input: "^GradientDescent/update_model/w/ApplyGradientDescent"',
                         'op: "StatelessIf"', 'name: "cond/mul"', 'op: "StatelessWhile"', 'name: "while/add_1"',
                         'op: "WhileGrad"']:
            assert expected in graph
    finally:
        os.kill(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.kill(server.pid, signal.SIGKILL)
            server.wait(timeout=10)
        server.stderr.close()
