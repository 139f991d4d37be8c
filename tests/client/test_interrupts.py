"""Ctrl-C during a training step: the step's variable writes all happen or none do (a SIGINT
that arrives once the writes have begun is raised when the run ends), and the session stays
usable."""

import os
import random
import signal
import threading
import time

import numpy as np
import pytest

import minitf as tf
from minitf.client import interrupts

pytestmark = pytest.mark.usefixtures("fresh_graph")

STEPS = 10


def adam_model(big_size=100000):
    rng = np.random.default_rng(0)
    x = tf.constant(rng.standard_normal((32, 50)).astype(np.float32))
    w1 = tf.Variable(rng.standard_normal((50, 60)).astype(np.float32) * 0.05)
    w2 = tf.Variable(rng.standard_normal((60, 60)).astype(np.float32) * 0.05)
    b = tf.Variable(np.zeros(60, np.float32))
    # Two large variables that cost little to differentiate and much to update: most of the
    # step is its write phase, where an interrupt could split it.
    big = [tf.Variable(np.full(big_size, 0.5, np.float32)) for _ in range(2)]
    loss = tf.reduce_mean(tf.square(tf.tanh(tf.tanh(x @ w1) @ w2 + b))) + \
        1e-3 * (tf.reduce_sum(tf.square(big[0])) + tf.reduce_sum(big[1]))
    step = tf.train.AdamOptimizer(0.01).minimize(loss)
    return step, tf.global_variables()  # weights, Adam's slots and beta powers


def state_of(sess, variables):
    return [v.tobytes() for v in sess.run(variables)]


def reference_states(step, variables, steps):
    with tf.Session() as reference:
        reference.run(tf.global_variables_initializer())
        states = [state_of(reference, variables)]
        for _ in range(steps):
            reference.run(step)
            states.append(state_of(reference, variables))
    return states


main_thread_only = pytest.mark.skipif(threading.current_thread() is not threading.main_thread(),
                                      reason="SIGINT is delivered to the main thread")


@main_thread_only
def test_a_sigint_at_any_kernel_of_an_adam_step_aborts_it_or_lets_it_finish():
    step, variables = adam_model(big_size=10)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        sess.run(step)
        (plan,) = [p for key, p in sess._plans.items() if key[0] == (step,)]
        namespace = plan._run.__wrapped__.__globals__
        kernels = sorted((k for k in namespace if k[0] == "k" and k[1:].isdigit()),
                         key=lambda k: int(k[1:]))
        states = reference_states(step, variables, len(kernels) + 1)
        done, outcomes = 1, []
        for name in kernels:  # SIGINT arrives while each kernel in turn runs
            kernel = namespace[name]

            def interrupted(*args, kernel=kernel, **kwargs):
                os.kill(os.getpid(), signal.SIGINT)
                return kernel(*args, **kwargs)
            namespace[name] = interrupted
            try:
                with pytest.raises(KeyboardInterrupt):
                    sess.run(step)
            finally:
                namespace[name] = kernel
            now = state_of(sess, variables)
            outcomes.append(now == states[done + 1])
            if outcomes[-1]:
                done += 1
            else:
                assert now == states[done], "interrupted at %s: a step was half-applied" % name
    calls = [s for s in plan.steps if s.kind == "call"]  # (kernel k<i> is step i's)
    first_write = next(k for k, s in enumerate(calls) if s.op.opdef.ref_inputs)
    assert outcomes == [k >= first_write for k in range(len(kernels))]


@main_thread_only
def test_a_sigint_at_a_random_moment_never_leaves_a_step_half_applied():
    step, variables = adam_model()
    states = reference_states(step, variables, STEPS)
    # SIGALRM from an interval timer fires at a random moment whatever thread holds the GIL
    # (as a terminal's SIGINT does); its handler sends the SIGINT.
    previous = signal.signal(signal.SIGALRM, lambda *_: os.kill(os.getpid(), signal.SIGINT))
    rand = random.Random(0)
    done, aborted, step_time = 0, 0, 0.01
    try:
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            while done < STEPS:
                returned = False
                try:
                    signal.setitimer(signal.ITIMER_REAL, rand.uniform(1e-5, 1.2 * step_time))
                    t0 = time.perf_counter()
                    sess.run(step)
                    returned, took = True, time.perf_counter() - t0
                    time.sleep(1.2 * step_time)  # a signal that comes after the run lands here
                except KeyboardInterrupt:
                    if returned:  # the run ended before the signal: it times the next delay
                        step_time = took
                now = state_of(sess, variables)
                if now == states[done + 1]:
                    done += 1
                else:
                    aborted += 1
                    assert now == states[done], "a step was half-applied"
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


@main_thread_only
def test_a_sigint_in_the_write_phase_is_raised_when_it_ends_and_passes_through_otherwise():
    v = tf.Variable(0.0)
    bump = tf.assign_add(v, 1.0)
    with tf.Session() as sess:
        sess.run(v.initializer)
        sess.run(bump)  # builds a writing plan: the handler is in place
        assert signal.getsignal(signal.SIGINT) is interrupts._on_sigint
        interrupts.begin_writes()
        os.kill(os.getpid(), signal.SIGINT)
        for _ in range(1000):  # bytecodes run: the handler has been called, nothing raised
            pass
        assert interrupts._deferral.pending
        with pytest.raises(KeyboardInterrupt):
            interrupts.end_writes()
        assert not interrupts._deferral.writing and not interrupts._deferral.pending
        interrupts.begin_writes()
        os.kill(os.getpid(), signal.SIGINT)
        for _ in range(1000):
            pass
        with pytest.raises(KeyboardInterrupt):  # a second Ctrl-C does not wait
            os.kill(os.getpid(), signal.SIGINT)
            for _ in range(1000):
                pass
        with pytest.raises(KeyboardInterrupt):  # (the first one, at the end of the phase)
            interrupts.end_writes()
        with pytest.raises(KeyboardInterrupt):  # outside a write phase: at once, as before
            os.kill(os.getpid(), signal.SIGINT)
            for _ in range(1000):
                pass
        assert sess.run(bump) == 2.0  # the session is still usable
