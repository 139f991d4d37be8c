"""Learning-rate schedules: values at several global steps against their formulas and against
values recorded from TF1, dtypes, op names, and argument errors."""

import math

import numpy as np
import pytest

import minitf as tf

STEPS = [0, 1, 3, 5, 6, 10, 15, 25, 100]


def _schedules(gs):
    return {
        "exp": tf.train.exponential_decay(0.1, gs, 10, 0.5),
        "exp_stair": tf.train.exponential_decay(0.1, gs, 10, 0.5, staircase=True),
        "natexp": tf.train.natural_exp_decay(0.1, gs, 10, 0.5),
        "natexp_stair": tf.train.natural_exp_decay(0.1, gs, 10, 0.5, staircase=True),
        "inv": tf.train.inverse_time_decay(0.1, gs, 10, 0.5),
        "inv_stair": tf.train.inverse_time_decay(0.1, gs, 10, 0.5, staircase=True),
        "poly": tf.train.polynomial_decay(0.1, gs, 10),
        "poly_sqrt": tf.train.polynomial_decay(0.1, gs, 10, end_learning_rate=0.01, power=0.5),
        "poly_cycle": tf.train.polynomial_decay(0.1, gs, 10, end_learning_rate=0.01, power=2.0,
                                                cycle=True),
        "piecewise": tf.train.piecewise_constant(gs, [5, 10], [1.0, 0.5, 0.1]),
        "piecewise_decay": tf.train.piecewise_constant_decay(gs, [5, 10], [1.0, 0.5, 0.1]),
        "cosine": tf.train.cosine_decay(0.1, gs, 10, alpha=0.1),
        "cosine_restarts": tf.train.cosine_decay_restarts(0.1, gs, 4),
        "cosine_restarts_flat": tf.train.cosine_decay_restarts(0.1, gs, 4, t_mul=1.0,
                                                               m_mul=0.5, alpha=0.01),
        "linear_cosine": tf.train.linear_cosine_decay(0.1, gs, 10),
        "linear_cosine_2": tf.train.linear_cosine_decay(0.1, gs, 10, num_periods=2.0,
                                                        alpha=0.1, beta=0.0),
    }


def _cos(t):
    return 0.5 * (1 + math.cos(math.pi * t))


def _sgdr(step, first, t_mul, m_mul, alpha):
    """Cosine decay with restarts, period by period."""
    start, period, peak = 0, first, 1.0
    while step >= start + period:
        start, period, peak = start + period, period * t_mul, peak * m_mul
    return 0.1 * ((1 - alpha) * peak * _cos((step - start) / period) + alpha)


def _linear_cosine(step, periods, alpha, beta):
    t = min(step, 10) / 10
    return 0.1 * ((alpha + 1 - t) * _cos(2 * periods * t) + beta)


def _poly(step, decay_steps, end, power, cycle):
    if cycle:
        decay_steps = decay_steps * (1 if step == 0 else math.ceil(step / decay_steps))
    else:
        step = min(step, decay_steps)
    return (0.1 - end) * (1 - step / decay_steps) ** power + end


FORMULAS = {
    "exp": lambda s: 0.1 * 0.5 ** (s / 10),
    "exp_stair": lambda s: 0.1 * 0.5 ** (s // 10),
    "natexp": lambda s: 0.1 * math.exp(-0.5 * s / 10),
    "natexp_stair": lambda s: 0.1 * math.exp(-0.5 * (s // 10)),
    "inv": lambda s: 0.1 / (1 + 0.5 * s / 10),
    "inv_stair": lambda s: 0.1 / (1 + 0.5 * (s // 10)),
    "poly": lambda s: _poly(s, 10, 0.0001, 1.0, False),
    "poly_sqrt": lambda s: _poly(s, 10, 0.01, 0.5, False),
    "poly_cycle": lambda s: _poly(s, 10, 0.01, 2.0, True),
    "piecewise": lambda s: 1.0 if s <= 5 else 0.5 if s <= 10 else 0.1,
    "piecewise_decay": lambda s: 1.0 if s <= 5 else 0.5 if s <= 10 else 0.1,
    "cosine": lambda s: 0.1 * (0.9 * _cos(min(s, 10) / 10) + 0.1),
    "cosine_restarts": lambda s: _sgdr(s, 4, 2, 1.0, 0.0),
    "cosine_restarts_flat": lambda s: _sgdr(s, 4, 1, 0.5, 0.01),
    "linear_cosine": lambda s: _linear_cosine(s, 0.5, 0.0, 0.001),
    "linear_cosine_2": lambda s: _linear_cosine(s, 2.0, 0.1, 0.0),
}

# The same schedules at STEPS, recorded once with TensorFlow 2.21's tf.compat.v1 in graph mode
# (tf.disable_v2_behavior(); a global step loaded with each value, then sess.run), printed as
# float(np.float32(value)).
RECORDED_FROM_TF = {
    'exp': [0.10000000149011612, 0.09330330044031143, 0.08122523874044418, 0.0707106813788414,
            0.06597539037466049, 0.05000000074505806, 0.0353553406894207, 0.01767767034471035,
            9.765625145519152e-05],
    'exp_stair': [0.10000000149011612, 0.10000000149011612, 0.10000000149011612,
                  0.10000000149011612, 0.10000000149011612, 0.05000000074505806,
                  0.05000000074505806, 0.02500000037252903, 9.765625145519152e-05],
    'natexp': [0.10000000149011612, 0.09512294828891754, 0.08607079833745956,
               0.07788007706403732, 0.07408182322978973, 0.060653068125247955,
               0.04723665863275528, 0.02865048125386238, 0.0006737948278896511],
    'natexp_stair': [0.10000000149011612, 0.10000000149011612, 0.10000000149011612,
                     0.10000000149011612, 0.10000000149011612, 0.060653068125247955,
                     0.060653068125247955, 0.03678794577717781, 0.0006737948278896511],
    'inv': [0.10000000149011612, 0.0952381044626236, 0.08695652335882187, 0.07999999821186066,
            0.07692307978868484, 0.06666667014360428, 0.05714285746216774, 0.04444444552063942,
            0.01666666753590107],
    'inv_stair': [0.10000000149011612, 0.10000000149011612, 0.10000000149011612,
                  0.10000000149011612, 0.10000000149011612, 0.06666667014360428,
                  0.06666667014360428, 0.05000000074505806, 0.01666666753590107],
    'poly': [0.10000000149011612, 0.09001000225543976, 0.07003000378608704,
             0.050050001591444016, 0.040059998631477356, 9.999999747378752e-05,
             9.999999747378752e-05, 9.999999747378752e-05, 9.999999747378752e-05],
    'poly_sqrt': [0.10000000149011612, 0.09538149833679199, 0.08529940247535706,
                  0.07363960891962051, 0.06692100316286087, 0.009999999776482582,
                  0.009999999776482582, 0.009999999776482582, 0.009999999776482582],
    'poly_cycle': [0.10000000149011612, 0.08289999514818192, 0.054099999368190765,
                   0.032499998807907104, 0.024399999529123306, 0.009999999776482582, 0.015625,
                   0.012500000186264515, 0.009999999776482582],
    'piecewise': [1.0, 1.0, 1.0, 1.0, 0.5, 0.5, 0.10000000149011612, 0.10000000149011612,
                  0.10000000149011612],
    'piecewise_decay': [1.0, 1.0, 1.0, 1.0, 0.5, 0.5, 0.10000000149011612, 0.10000000149011612,
                        0.10000000149011612],
    'cosine': [0.10000000149011612, 0.09779754281044006, 0.08145033568143845, 0.05499999597668648,
               0.04109422490000725, 0.010000000707805157, 0.010000000707805157,
               0.010000000707805157, 0.010000000707805157],
    'cosine_restarts': [0.10000000149011612, 0.08535534143447876, 0.014644661918282509,
                        0.09619397670030594, 0.08535534143447876, 0.014644661918282509,
                        0.09157347679138184, 0.008426517248153687, 0.030865823850035667],
    'cosine_restarts_flat': [0.10000000149011612, 0.0855017900466919, 0.015498215332627296,
                             0.04325089603662491, 0.025750000029802322, 0.013374999165534973,
                             0.002812276827171445, 0.0023203406017273664, 0.001000002957880497],
    'linear_cosine': [0.10010000318288803, 0.08789754658937454, 0.055672477930784225,
                      0.025099998340010643, 0.013919658027589321, 0.00010000000474974513,
                      0.00010000000474974513, 0.00010000000474974513, 0.00010000000474974513],
    'linear_cosine_2': [0.11000000685453415, 0.06545084714889526, 0.007639329880475998,
                        0.06000000238418579, 0.03272540867328644, 0.010000000707805157,
                        0.010000000707805157, 0.010000000707805157, 0.010000000707805157],
}


def test_schedules_follow_their_formulas_and_tf_at_every_step():
    with tf.Graph().as_default():
        gs = tf.train.get_or_create_global_step()
        schedules = _schedules(gs)
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            for i, step in enumerate(STEPS):
                gs.load(step, sess)
                values = sess.run(schedules)
                for name, value in values.items():
                    assert value.dtype == np.float32 and value.shape == (), name
                    assert value == pytest.approx(FORMULAS[name](step), rel=2e-6), (name, step)
                    assert value == pytest.approx(RECORDED_FROM_TF[name][i], rel=1e-6, abs=0), \
                        (name, step)


def test_schedules_follow_the_step_as_training_increments_it():
    with tf.Graph().as_default():
        gs = tf.train.get_or_create_global_step()
        lr = tf.train.exponential_decay(1.0, gs, 3, 0.5, staircase=True)
        x = tf.Variable(0.0, name="x")
        # d(loss)/dx = -1, so each step moves x by exactly the current learning rate.
        train = tf.train.GradientDescentOptimizer(lr).minimize(-x, global_step=gs)
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            seen = []
            for _ in range(7):
                seen.append(float(sess.run(lr)))
                sess.run(train)
            assert seen == [1.0, 1.0, 1.0, 0.5, 0.5, 0.5, 0.25]
            assert sess.run(x) == sum(seen)


def test_dtype_follows_the_learning_rate():
    with tf.Graph().as_default():
        gs = tf.train.get_or_create_global_step()
        lr = tf.train.polynomial_decay(tf.constant(0.5, tf.float64), gs, 4, power=2.0)
        assert lr.dtype is tf.float64 and lr.shape.ndims == 0
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            gs.load(1, sess)
            # The Python-float end rate is a float32 constant cast to float64, as in TF (which
            # gives exactly this value).
            end = float(np.float32(0.0001))
            assert sess.run(lr) == (0.5 - end) * 0.75 ** 2 + end


def test_op_names_follow_tf():
    with tf.Graph().as_default() as g:
        gs = tf.train.get_or_create_global_step()
        exp = tf.train.exponential_decay(0.1, gs, 10, 0.5, staircase=True)
        assert exp.op.name == "ExponentialDecay" and exp.op.type == "Mul"
        assert g.get_operation_by_name("ExponentialDecay/initial_learning_rate").type == "Const"
        # TF casts decay_steps, decay_rate, then the step: Python values are 'Cast/x' constants.
        steps = g.get_operation_by_name("ExponentialDecay/Cast")
        assert steps.type == "Cast" and steps.inputs[0].op.name == "ExponentialDecay/Cast/x"
        assert g.get_operation_by_name("ExponentialDecay/Cast_1/x").type == "Const"
        assert g.get_operation_by_name("ExponentialDecay/Cast_2").inputs[0].op.name == \
            "global_step/read"
        assert g.get_operation_by_name("ExponentialDecay/Floor").type == "Floor"
        assert g.get_operation_by_name("ExponentialDecay/Pow").type == "Pow"
        inv = tf.train.inverse_time_decay(0.1, gs, 10, 0.5, name="inv")
        assert inv.op.name == "inv" and inv.op.type == "RealDiv"
        poly = tf.train.polynomial_decay(0.1, gs, 10)
        assert poly.op.name == "PolynomialDecay" and poly.op.type == "Add"
        assert g.get_operation_by_name("PolynomialDecay/Minimum").type == "Minimum"
        cycle = tf.train.polynomial_decay(0.1, gs, 10, cycle=True)
        assert cycle.op.name == "PolynomialDecay_1"
        assert g.get_operation_by_name("PolynomialDecay_1/Ceil").type == "Ceil"
        piecewise = tf.train.piecewise_constant(gs, [5, 10], [1.0, 0.5, 0.1])
        assert piecewise.op.name.startswith("PiecewiseConstant/")
        # TF casts int32 boundaries to the int64 step.
        assert any(op.type == "Cast" and op.name.startswith("PiecewiseConstant/")
                   and op.outputs[0].dtype is tf.int64 for op in g.get_operations())


def test_piecewise_constant_on_a_float_placeholder_and_a_single_boundary():
    with tf.Graph().as_default():
        x = tf.placeholder(tf.float32, [])
        one = tf.train.piecewise_constant(x, [0.5], [10, 20])
        assert one.dtype is tf.int32
        three = tf.train.piecewise_constant(x, [-1.0, 0.0, 1.0], [4.0, 3.0, 2.0, 1.0])
        with tf.Session() as sess:
            for value, want_one, want_three in [(-2.0, 10, 4.0), (-1.0, 10, 4.0), (-0.5, 10, 3.0),
                                                (0.0, 10, 3.0), (0.5, 10, 2.0), (0.75, 20, 2.0),
                                                (1.0, 20, 2.0), (1.5, 20, 1.0)]:
                assert sess.run([one, three], {x: value}) == [want_one, want_three], value


def test_argument_errors():
    with tf.Graph().as_default():
        for schedule in (tf.train.exponential_decay, tf.train.inverse_time_decay,
                         tf.train.natural_exp_decay):
            with pytest.raises(ValueError, match="global_step is required"):
                schedule(0.1, None, 10, 0.5)
        with pytest.raises(ValueError, match="global_step is required for polynomial_decay"):
            tf.train.polynomial_decay(0.1, None, 10)
        step = tf.Variable(0, dtype=tf.int64, name="step")
        with pytest.raises(ValueError, match="1 less than the length of values"):
            tf.train.piecewise_constant(step, [1, 2], [1.0, 2.0])
        with pytest.raises(ValueError, match="Boundaries \\(float32\\) must have the same dtype "
                                             "as x \\(int64\\)"):
            tf.train.piecewise_constant(step, [1.5], [1.0, 2.0])
        with pytest.raises(ValueError, match="same dtype \\(float32 vs int32\\)"):
            tf.train.piecewise_constant(step, [1], [1.0, 2])


def test_cosine_schedules_are_named_as_tf_names_them():
    # recorded from TF 2.21's compat.v1, the five schedules built in this order
    with tf.Graph().as_default():
        gs = tf.train.get_or_create_global_step()
        names = [t.name for t in (
            tf.train.cosine_decay(0.1, gs, 10, alpha=0.1),
            tf.train.cosine_decay_restarts(0.1, gs, 4),
            tf.train.cosine_decay_restarts(0.1, gs, 4, t_mul=1.0, m_mul=0.5, alpha=0.01),
            tf.train.linear_cosine_decay(0.1, gs, 10),
            tf.train.linear_cosine_decay(0.1, gs, 10, num_periods=2.0, alpha=0.1, beta=0.0))]
        assert names == ["CosineDecay/Mul_3:0", "SGDRDecay:0", "SGDRDecay_1:0",
                         "LinearCosineDecay:0", "LinearCosineDecay_1:0"]
        for schedule in (tf.train.cosine_decay, tf.train.cosine_decay_restarts,
                         tf.train.linear_cosine_decay):
            with pytest.raises(ValueError, match="global_step is required for %s"
                               % schedule.__name__):
                schedule(0.1, None, 10)


# tf.train.noisy_linear_cosine_decay(0.1, gs, 10, initial_variance=0.0) and (..., variance_decay
# =0.3, num_periods=2.0, alpha=0.1, beta=0.0) at STEPS, recorded from TF 2.21's compat.v1
NOISELESS_FROM_TF = {
    "default": [0.10010000318288803, 0.08789754658937454, 0.055672477930784225,
                0.025099998340010643, 0.013919658958911896, 0.00010000000474974513,
                0.00010000000474974513, 0.00010000000474974513, 0.00010000000474974513],
    "periods": [0.11000000685453415, 0.06545084714889526, 0.007639322429895401,
                0.06000000238418579, 0.03272541984915733, 0.010000000707805157,
                0.010000000707805157, 0.010000000707805157, 0.010000000707805157],
}


def test_noisy_linear_cosine_decay_without_noise_is_tfs_and_named_as_tf():
    gs = tf.placeholder(tf.int64, [])
    schedules = {
        "default": tf.train.noisy_linear_cosine_decay(0.1, gs, 10, initial_variance=0.0),
        "periods": tf.train.noisy_linear_cosine_decay(0.1, gs, 10, initial_variance=0.0,
                                                      variance_decay=0.3, num_periods=2.0,
                                                      alpha=0.1, beta=0.0)}
    assert [t.name for t in schedules.values()] == ["NoisyLinearCosineDecay:0",
                                                    "NoisyLinearCosineDecay_1:0"]
    with tf.Session() as sess:
        for name, schedule in schedules.items():
            got = [float(sess.run(schedule, {gs: step})) for step in STEPS]
            # (Eigen's cos and numpy's differ in the last bit for some inputs)
            np.testing.assert_allclose(got, NOISELESS_FROM_TF[name], rtol=1e-6)
    with pytest.raises(ValueError, match="global_step is required for noisy_linear_cosine"):
        tf.train.noisy_linear_cosine_decay(0.1, None, 10)


def test_noisy_linear_cosine_decay_noise_has_the_scheduled_variance_and_follows_seeds():
    step, decay_steps = 3, 10
    tf.set_random_seed(7)
    rate = tf.train.noisy_linear_cosine_decay(0.1, tf.constant(step), decay_steps)
    with tf.Session() as sess:
        draws = np.array([sess.run(rate) for _ in range(4000)])
    cosine = 0.5 * (1 + math.cos(math.pi * 2 * 0.5 * step / decay_steps))
    noise_std = math.sqrt(1.0 / (1.0 + step) ** 0.55)
    mean = 0.1 * ((1 - step / decay_steps) * cosine + 0.001)
    # 4000 draws: the mean within 5 standard errors, the deviation within 10%
    assert abs(draws.mean() - mean) < 5 * 0.1 * cosine * noise_std / math.sqrt(4000)
    assert draws.std() == pytest.approx(0.1 * cosine * noise_std, rel=0.1)
    tf.reset_default_graph()
    tf.set_random_seed(7)
    again = tf.train.noisy_linear_cosine_decay(0.1, tf.constant(step), decay_steps)
    with tf.Session() as sess:
        assert [sess.run(again) for _ in range(5)] == list(draws[:5])
