"""tf.logging and tf.get_logger: TF 1.x's names, levels and per-call-site helpers, the
`INFO:<logger>:message` lines on stderr, and the hooks' lines appearing once a program sets
the verbosity to INFO."""

import logging
import os
import subprocess
import sys

import numpy as np

import minitf as tf

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
# dir(tf.compat.v1.logging) in TF 2.21, public names
TF_NAMES = ['DEBUG', 'ERROR', 'FATAL', 'INFO', 'TaskLevelStatusMessage', 'WARN', 'debug',
            'error', 'fatal', 'flush', 'get_verbosity', 'info', 'log', 'log_every_n',
            'log_first_n', 'log_if', 'set_verbosity', 'vlog', 'warn', 'warning']


def test_the_names_and_levels_are_tfs():
    assert sorted(n for n in dir(tf.logging) if not n.startswith("_") and n != "get_logger"
                  ) == TF_NAMES
    assert (tf.logging.DEBUG, tf.logging.INFO, tf.logging.WARN, tf.logging.ERROR,
            tf.logging.FATAL) == (10, 20, 30, 40, 50)
    assert tf.get_logger() is logging.getLogger("minitf")


def test_a_fresh_program_prints_tfs_lines_to_stderr():
    code = ("import minitf as tf\n"
            "print(tf.logging.get_verbosity())\n"
            "tf.logging.info('hidden')\n"
            "tf.logging.set_verbosity(tf.logging.INFO)\n"
            "print(tf.logging.get_verbosity())\n"
            "tf.logging.info('hello %d', 3)\n"
            "tf.logging.warn('careful')\n"
            "tf.logging.vlog(1, 'below debug')\n"
            "tf.logging.TaskLevelStatusMessage('status')\n"
            "tf.logging.fatal('fatal!')\n"
            "print('still running')\n")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          cwd=ROOT, env=dict(os.environ, PYTHONPATH=ROOT), timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["30", "20", "still", "running"]
    assert done.stderr.splitlines() == ["INFO:minitf:hello 3", "WARNING:minitf:careful",
                                        "ERROR:minitf:status", "CRITICAL:minitf:fatal!"]


def test_per_call_site_helpers(caplog):
    old = tf.logging.get_verbosity()
    tf.logging.set_verbosity(tf.logging.INFO)
    try:
        with caplog.at_level(logging.INFO, logger="minitf"):
            for i in range(7):
                tf.logging.log_every_n(tf.logging.INFO, "every %d", 3, i)
            for i in range(5):
                tf.logging.log_first_n(tf.logging.WARN, "first %d", 2, i)
            for i in range(3):
                tf.logging.log_if(tf.logging.INFO, "odd %d", i % 2 == 1, i)
        assert [r.getMessage() for r in caplog.records] == [
            "every 0", "every 3", "every 6", "first 0", "first 1", "odd 1"]
        assert [r.levelno for r in caplog.records][3:5] == [tf.logging.WARN] * 2
    finally:
        tf.logging.set_verbosity(old)


def test_the_logging_tensor_hook_speaks_once_the_verbosity_is_info(caplog):
    """The estimator-era idiom: set_verbosity(INFO), then a MonitoredTrainingSession whose
    LoggingTensorHook reports the loss every few steps."""
    old = tf.logging.get_verbosity()
    tf.logging.set_verbosity(tf.logging.INFO)
    try:
        x = tf.constant(np.ones((4, 2), np.float32))
        w = tf.Variable(tf.ones([2, 1]))
        loss = tf.reduce_mean(tf.square(tf.matmul(x, w)), name="loss")
        step = tf.train.get_or_create_global_step()
        train = tf.train.GradientDescentOptimizer(0.1).minimize(loss, global_step=step)
        hooks = [tf.train.LoggingTensorHook({"loss": loss, "step": step}, every_n_iter=2),
                 tf.train.StopAtStepHook(last_step=5)]
        with caplog.at_level(logging.INFO, logger="minitf"):
            with tf.train.MonitoredTrainingSession(hooks=hooks) as sess:
                while not sess.should_stop():
                    sess.run(train)
        lines = [r.getMessage() for r in caplog.records if "loss = " in r.getMessage()]
        assert len(lines) == 3, lines  # steps 0, 2 and 4
    finally:
        tf.logging.set_verbosity(old)
