"""Records what TF 1.15's tf.distributions do (tf.compat.v1.distributions of TF 2.x, the same
code), for tests/test_distributions.py: the names and static shapes of the tensors a program
gets, values of densities, cdfs, quantiles, entropies, moments and KL divergences (float32
and float64, broadcast parameters), their gradients with respect to the parameters, the
registered KL pairs and the lookup through subclasses, and the errors' classes. Run:

    TF_CPP_MIN_LOG_LEVEL=3 /work/tfvenv/bin/python tests/record_tf_distributions.py \
        > tests/fixtures/tf_distributions.json

Every program takes the tf module as its argument: the test runs the same programs on minitf
and compares the records (samples are compared by shape and dtype only; minitf's random
streams are its own).
"""
import json

import numpy as np

METHODS = ["log_prob", "prob", "cdf", "log_cdf", "survival_function", "log_survival_function",
           "quantile"]
STATS = ["entropy", "mean", "mode", "stddev", "variance", "covariance"]


def _distributions(tf, dtype):
    """(key, distribution, values to evaluate at) for the first slice's families."""
    f = np.dtype(dtype).type
    d = tf.distributions
    loc = np.array([[-1., 0., 2.5]], dtype)
    scale = np.array([[0.5], [2.]], dtype)
    logits = np.array([[0.3, -1.2, 2.], [1., 1., -0.5]], dtype)
    return [
        ("normal", d.Normal(loc, scale), np.array([[0.3], [-4.]], dtype)),
        ("normal_tails", d.Normal(f(0.), f(1.)), np.array([-40., -12., -6., 0.2, 6., 9.],
                                                          dtype)),
        ("laplace", d.Laplace(loc, scale), np.array([[0.3], [-4.]], dtype)),
        ("uniform", d.Uniform(np.array([0., -1., 2.], dtype), f(2.5)),
         np.array([[0.5], [2.2], [-3.]], dtype)),
        ("bernoulli_logits", d.Bernoulli(logits=np.array([-0.4, 1.3, 3.], dtype)),
         np.array([[1], [0]], np.int32)),
        ("bernoulli_probs", d.Bernoulli(probs=np.array([0.2, 0.7], dtype)),
         np.array([1., 0.], dtype)),
        ("categorical_logits", d.Categorical(logits=logits), np.array([[2, 0], [1, 1]],
                                                                      np.int32)),
        ("categorical_probs", d.Categorical(probs=np.array([0.2, 0.5, 0.3], dtype)),
         np.array([0, 2, 1], np.int32)),
    ]


def _gamma_family(tf, dtype):
    """(key, distribution, values to evaluate at) for the families built on lgamma, digamma,
    igamma and random_gamma."""
    f = np.dtype(dtype).type
    d = tf.distributions
    conc = np.array([[0.5, 1., 3.5]], dtype)
    rate = np.array([[0.7], [2.]], dtype)
    return [
        ("gamma", d.Gamma(conc, rate), np.array([[0.3], [2.5]], dtype)),
        ("gamma_mode", d.Gamma(np.array([0.5, 2., 4.], dtype), f(1.5)), np.array([1.], dtype)),
        ("exponential", d.Exponential(np.array([0.5, 3.], dtype)), np.array([[0.2], [4.]],
                                                                            dtype)),
        ("beta", d.Beta(np.array([0.5, 2., 5.], dtype), np.array([[1.5], [3.]], dtype)),
         np.array([[0.1], [0.85]], dtype)),
        ("beta_mode", d.Beta(np.array([0.5, 2., 5.], dtype), f(3.)), np.array([0.5], dtype)),
        ("student_t", d.StudentT(np.array([0.8, 1.5, 4.], dtype), f(1.), np.array([[0.5], [2.]],
                                                                                 dtype)),
         np.array([[-1.], [3.]], dtype)),
        ("dirichlet", d.Dirichlet(np.array([[0.5, 2., 3.], [2., 2., 4.]], dtype)),
         np.array([[0.2, 0.3, 0.5], [0.6, 0.3, 0.1]], dtype)),
        ("dirichlet_mode", d.Dirichlet(np.array([2., 3., 1.5], dtype)),
         np.array([0.2, 0.3, 0.5], dtype)),
        ("dirichlet_multinomial", d.DirichletMultinomial(
            f(5.), np.array([[0.5, 2., 3.], [2., 2., 4.]], dtype)),
         np.array([[1., 2., 2.], [5., 0., 0.]], dtype)),
        ("multinomial", d.Multinomial(np.array([4., 6.], dtype),
                                      probs=np.array([0.2, 0.3, 0.5], dtype)),
         np.array([[1., 1., 2.], [0., 6., 0.]], dtype)),
        ("multinomial_logits", d.Multinomial(f(3.), logits=np.array([[0.1, -1., 2.]], dtype)),
         np.array([[1., 1., 1.], [0., 0., 3.]], dtype)),
    ]


def _quantile_points(key, dtype):
    if key.startswith("normal"):
        return np.array([1e-30, 1e-8, 0.02, 0.3, 0.5, 0.9, 0.999999], dtype)
    return None


def _try(fn):
    """fn()'s value, or the class name of what it raised."""
    try:
        return fn()
    except Exception as e:  # noqa: BLE001 - the class is the record
        return type(e).__name__


def values(tf, _=None, families=_distributions):
    """Every method and statistic of each distribution, in float32 and float64."""
    out = {}
    for dtype in ("float32", "float64"):
        with tf.Graph().as_default():
            fetches = {}
            for key, dist, x in families(tf, dtype):
                for method in METHODS:
                    arg = _quantile_points(key, dtype) if method == "quantile" else x
                    if method == "quantile" and arg is None:
                        arg = np.array([0.25, 0.5], dtype)
                    fetches["%s.%s" % (key, method)] = _try(lambda: getattr(dist, method)(arg))
                for stat in STATS:
                    fetches["%s.%s" % (key, stat)] = _try(getattr(dist, stat))
            tensors = {k: v for k, v in fetches.items() if not isinstance(v, str)}
            with tf.Session() as sess:
                got = sess.run(tensors)
            for k, v in fetches.items():
                if k in got:
                    out["%s.%s" % (dtype, k)] = {"value": np.asarray(got[k]).tolist(),
                                                 "dtype": tensors[k].dtype.name,
                                                 "shape": tensors[k].shape.as_list()}
                else:
                    out["%s.%s" % (dtype, k)] = v
    return out


def gamma_values(tf, _=None):
    """values() of the gamma family."""
    return values(tf, families=_gamma_family)


def gradients(tf, _=None):
    """d/dparameters of sum(log_prob), sum(cdf), sum(entropy) and sum(KL), float64."""
    d = tf.distributions
    out = {}
    with tf.Graph().as_default():
        loc = tf.constant([[-1., 0., 2.5]], tf.float64)
        scale = tf.constant([[0.5], [2.]], tf.float64)
        loc2 = tf.constant([0.3, -0.2, 1.], tf.float64)
        scale2 = tf.constant([1.5, 0.7, 3.], tf.float64)
        logits = tf.constant([[0.3, -1.2, 2.], [1., 1., -0.5]], tf.float64)
        logits2 = tf.constant([[1.3, 0.2, -2.], [0., 0.5, 0.5]], tf.float64)
        x = np.array([[0.3], [-4.]])
        cases = {
            "normal": (d.Normal(loc, scale), x, [loc, scale]),
            "laplace": (d.Laplace(loc, scale), x, [loc, scale]),
            "uniform": (d.Uniform(loc, loc + scale), np.array([[-0.8], [1.]]),
                        [loc, scale]),
            "bernoulli": (d.Bernoulli(logits=logits), np.array([[1, 0, 1], [0, 0, 1]],
                                                               np.int32), [logits]),
            "categorical": (d.Categorical(logits=logits), np.array([2, 1], np.int32), [logits]),
        }
        conc = tf.constant([[0.5, 1., 3.5]], tf.float64)
        rate = tf.constant([[0.7], [2.]], tf.float64)
        df = tf.constant([0.8, 1.5, 4.], tf.float64)
        dir_c = tf.constant([[0.5, 2., 3.], [2., 2., 4.]], tf.float64)
        total = tf.constant(5., tf.float64)
        simplex = np.array([[0.2, 0.3, 0.5], [0.6, 0.3, 0.1]])
        counts = np.array([[1., 2., 2.], [5., 0., 0.]])
        cases.update({
            "gamma": (d.Gamma(conc, rate), np.array([[0.3], [2.5]]), [conc, rate]),
            "exponential": (d.Exponential(rate), np.array([0.2, 4.]), [rate]),
            "beta": (d.Beta(conc, rate), np.array([[0.1], [0.85]]), [conc, rate]),
            "student_t": (d.StudentT(df, loc, scale), np.array([[-1.], [3.]]),
                          [df, loc, scale]),
            "dirichlet": (d.Dirichlet(dir_c), simplex, [dir_c]),
            "dirichlet_multinomial": (d.DirichletMultinomial(total, dir_c), counts, [dir_c]),
            "multinomial": (d.Multinomial(total, logits=dir_c), counts, [dir_c]),
        })
        fetches = {}
        for key, (dist, value, params) in cases.items():
            terms = {"log_prob": dist.log_prob(value)}
            if key not in ("dirichlet_multinomial", "multinomial"):
                terms["entropy"] = dist.entropy()
            if key in ("normal", "laplace", "uniform", "categorical", "gamma", "exponential"):
                terms["cdf"] = dist.cdf(value)
            for term, t in terms.items():
                fetches["%s.%s" % (key, term)] = tf.gradients(tf.reduce_sum(t), params)
        kls = {
            "normal": (d.Normal(loc, scale), d.Normal(loc2, scale2), [loc, scale, loc2, scale2]),
            "bernoulli": (d.Bernoulli(logits=logits), d.Bernoulli(logits=logits2),
                          [logits, logits2]),
            "categorical": (d.Categorical(logits=logits), d.Categorical(logits=logits2),
                            [logits, logits2]),
            "gamma": (d.Gamma(conc, rate), d.Gamma(scale2, loc2 + 1.), [conc, rate, scale2,
                                                                          loc2]),
            "beta": (d.Beta(conc, rate), d.Beta(scale2, np.float64(2.)), [conc, rate, scale2]),
            "dirichlet": (d.Dirichlet(dir_c), d.Dirichlet(dir_c[::-1] + 0.5), [dir_c]),
        }
        for key, (a, b, params) in kls.items():
            fetches["kl_%s" % key] = tf.gradients(tf.reduce_sum(d.kl_divergence(a, b)), params)
        quantile_p = tf.constant([0.01, 0.4, 0.97], tf.float64)
        fetches["normal.quantile"] = tf.gradients(tf.reduce_sum(
            d.Normal(loc2, scale2).quantile(quantile_p)), [loc2, scale2, quantile_p])
        # A sample of a reparameterized distribution is a function of its parameters.
        fetches["normal.sample_connected"] = [
            g is not None for g in tf.gradients(d.Normal(loc, scale).sample(2), [loc, scale])]
        with tf.Session() as sess:
            got = sess.run({k: [g for g in v if g is not None] for k, v in fetches.items()
                            if not k.endswith("connected")})
            got = {k: _with_nones(fetches[k], v) for k, v in got.items()}
    for k, v in got.items():
        out[k] = [None if g is None else np.asarray(g).tolist() for g in v]
    out["normal.sample_connected"] = fetches["normal.sample_connected"]
    return out


def _with_nones(grads, computed):
    """The computed gradients back in their places, None where there is none."""
    computed = iter(computed)
    return [None if g is None else next(computed) for g in grads]


def kl_values(tf, _=None):
    """The registered KLs' values (and cross entropies), float32, broadcast batches."""
    d = tf.distributions
    with tf.Graph().as_default():
        pairs = {
            "normal": (d.Normal([0., 1., -2.], [1., 0.5, 3.]), d.Normal(0.5, [[2.], [0.3]])),
            "bernoulli": (d.Bernoulli(probs=[0.1, 0.5, 0.9]), d.Bernoulli(logits=[[0.], [2.]])),
            "categorical": (d.Categorical(logits=[[1., 2., 3.], [0., 0., 0.]]),
                            d.Categorical(probs=[0.7, 0.2, 0.1])),
            "gamma": (d.Gamma([0.5, 2., 3.], [1., 0.5, 2.]), d.Gamma(1.5, [[2.], [0.3]])),
            "exponential": (d.Exponential([0.5, 2.]), d.Exponential(1.)),
            "exponential_gamma": (d.Exponential([0.5, 2.]), d.Gamma(2., 1.)),
            "beta": (d.Beta([0.5, 2., 3.], [1., 0.5, 2.]), d.Beta(1.5, [[2.], [0.3]])),
            "dirichlet": (d.Dirichlet([[1., 2., 3.], [0.5, 0.5, 0.5]]),
                          d.Dirichlet([2., 2., 1.])),
        }
        fetches = {}
        for key, (a, b) in pairs.items():
            fetches[key] = d.kl_divergence(a, b)
            fetches[key + ".method"] = a.kl_divergence(b)
            fetches[key + ".cross_entropy"] = a.cross_entropy(b)
            fetches[key + ".self"] = d.kl_divergence(a, a)
        with tf.Session() as sess:
            got = sess.run(fetches)
        return {k: {"value": np.asarray(v).tolist(), "name": fetches[k].name,
                    "shape": fetches[k].shape.as_list()} for k, v in got.items()}


def kl_registry(tf, _=None):
    """Lookup through the class hierarchy, RegisterKL on user classes, unregistered pairs."""
    d = tf.distributions
    out = {}

    class MyNormal(d.Normal):
        pass

    class MyOtherNormal(MyNormal):
        pass

    with tf.Graph().as_default():
        a, b = MyOtherNormal(0., 1.), d.Normal(1., 2.)
        inherited = d.kl_divergence(a, b)

        @d.RegisterKL(MyNormal, d.Normal)
        def _kl_mine(x, y, name=None):
            with tf.name_scope(name, "kl_mine"):
                return tf.constant(7.) + 0. * x.loc

        own = d.kl_divergence(a, b)  # (MyNormal, Normal) is nearer than (Normal, Normal)
        swapped = d.kl_divergence(b, a)  # only (Normal, Normal) fits
        out["names"] = [inherited.name, own.name, swapped.name]
        with tf.Session() as sess:
            out["values"] = np.asarray(sess.run([inherited, own, swapped])).tolist()
        out["register_twice"] = _try(lambda: d.RegisterKL(MyNormal, d.Normal)(_kl_mine))
        out["register_not_callable"] = _try(lambda: d.RegisterKL(MyNormal, MyNormal)(3))
        out["unregistered"] = _try(lambda: d.kl_divergence(d.Normal(0., 1.),
                                                           d.Laplace(0., 1.)))
        try:
            d.kl_divergence(d.Bernoulli(probs=0.5), d.Normal(0., 1.))
        except NotImplementedError as e:
            out["unregistered_message"] = str(e)
        checked = d.kl_divergence(d.Normal(0., 1.), d.Normal(1., 2.), allow_nan_stats=False)
        out["checked_name"] = checked.name
        nan_kl = d.kl_divergence(d.Normal(0., float("nan")), d.Normal(1., 2.),
                                 allow_nan_stats=False)
        with tf.Session() as sess:
            out["checked_nan"] = _try(lambda: sess.run(nan_kl))
    return out


def names_and_shapes(tf, _=None):
    """The names and static shapes of what a program gets, and the distributions' metadata."""
    d = tf.distributions
    out = {}
    with tf.Graph().as_default():
        loc = tf.placeholder(tf.float32, [None, 3], name="loc")
        n = d.Normal(loc, 1.)
        out["normal"] = [n.name, n.loc.name, n.scale.name, str(n.batch_shape),
                         str(n.event_shape), n.dtype.name, repr(n.reparameterization_type),
                         sorted(n.parameters), n.validate_args, n.allow_nan_stats]
        tensors = {
            "sample": n.sample(), "sample_42": n.sample([4, 2], seed=1), "sample_5": n.sample(5),
            "log_prob": n.log_prob(tf.zeros([2, 3])), "prob": n.prob(0.),
            "entropy": n.entropy(), "mean": n.mean(), "stddev": n.stddev(),
            "variance": n.variance(), "mode": n.mode(), "cdf": n.cdf(0.),
            "survival_function": n.survival_function(0.), "quantile": n.quantile(0.3),
            "batch_shape_tensor": n.batch_shape_tensor(),
            "event_shape_tensor": n.event_shape_tensor(),
            "sample_fed_shape": n.sample(tf.placeholder(tf.int32, [2])),
        }
        n2 = d.Normal(0., 2.)
        tensors["kl"] = d.kl_divergence(n, n2)
        tensors["kl_method"] = n.kl_divergence(n2)
        tensors["cross_entropy"] = n.cross_entropy(n2)
        c = d.Categorical(logits=tf.zeros([2, 3]))
        tensors.update({"cat_logits": c.logits, "cat_probs": c.probs, "cat_sample": c.sample(),
                        "cat_sample_4": c.sample(4), "cat_log_prob": c.log_prob([0, 1]),
                        "cat_entropy": c.entropy(), "cat_mode": c.mode(),
                        "cat_event_size": c.event_size,
                        "cat_batch_shape_tensor": c.batch_shape_tensor()})
        c1 = d.Categorical(probs=[0.2, 0.8], dtype=tf.int64)
        tensors.update({"cat1_sample": c1.sample([3, 2]), "cat1_logits": c1.logits})
        b = d.Bernoulli(probs=0.3)
        tensors.update({"ber_logits": b.logits, "ber_probs": b.probs, "ber_sample": b.sample(3),
                        "ber_log_prob": b.log_prob(1)})
        bf = d.Bernoulli(logits=tf.placeholder(tf.float32, [None]), dtype=tf.float32)
        tensors.update({"berf_sample": bf.sample([2]), "berf_mode": bf.mode(),
                        "berf_mean": bf.mean()})
        u = d.Uniform()
        tensors.update({"uni_low": u.low, "uni_sample": u.sample(), "uni_range": u.range(),
                        "uni_entropy": u.entropy()})
        lap = d.Laplace(0., [1., 2.])
        tensors.update({"lap_sample": lap.sample(), "lap_log_prob": lap.log_prob(0.)})
        enc = d.Normal(0., 1., name="enc")
        with tf.name_scope("outer"):
            inner = d.Normal(0., 1.)
            tensors["inner_sample"] = inner.sample()
        tensors["enc_sample"] = enc.sample()
        copied = n.copy(scale=2.)
        out["copy"] = [copied.name, sorted(copied.parameters), str(copied.parameters["scale"]),
                       copied.loc.name]
        out["scopes"] = [enc.name, inner.name, c.name, b.name, u.name, lap.name]
        out["tensors"] = {k: [t.name, t.dtype.name, str(t.shape)] for k, t in tensors.items()}
        out["str"] = [str(n), repr(n), str(c), repr(b), repr(lap)]
        out["param_static_shapes"] = {k: str(v) for k, v in
                                      d.Normal.param_static_shapes([2, 3]).items()}
        out["param_shapes"] = {k: str(v.shape) for k, v in d.Bernoulli.param_shapes(
            [4]).items()}
        out["is_scalar"] = [n.is_scalar_event().name, n.is_scalar_batch().name]
        out["reparameterization"] = {name: cls(*args).reparameterization_type ==
                                     d.FULLY_REPARAMETERIZED for name, cls, args in [
                                         ("Normal", d.Normal, (0., 1.)),
                                         ("Uniform", d.Uniform, ()),
                                         ("Laplace", d.Laplace, (0., 1.)),
                                         ("Bernoulli", d.Bernoulli, (0.,)),
                                         ("Categorical", d.Categorical, ([0., 1.],))]}
        out["reparameterization_repr"] = [repr(d.FULLY_REPARAMETERIZED),
                                          repr(d.NOT_REPARAMETERIZED)]
        out["param_shapes_missing"] = _try(lambda: d.Categorical.param_shapes([2]))
    return out


def errors(tf, _=None):
    """What invalid arguments raise: at construction, or when run (validate_args=True)."""
    d = tf.distributions
    out = {}
    with tf.Graph().as_default():
        build = {
            "normal_negative_scale": lambda: d.Normal(0., -1., validate_args=True),
            "normal_int_loc": lambda: d.Normal(1, 2.),
            "normal_int_both": lambda: d.Normal(1, 2),
            "normal_mixed_floats": lambda: d.Normal(np.float64(1.), np.float32(2.)),
            "laplace_zero_scale": lambda: d.Laplace([0., 1.], [1., 0.], validate_args=True),
            "uniform_low_high": lambda: d.Uniform(1., 0., validate_args=True),
            "bernoulli_both": lambda: d.Bernoulli(logits=1., probs=0.5),
            "bernoulli_neither": lambda: d.Bernoulli(),
            "bernoulli_int_probs": lambda: d.Bernoulli(probs=1),
            "bernoulli_probs_above_one": lambda: d.Bernoulli(probs=1.5, validate_args=True),
            "categorical_probs_sum": lambda: d.Categorical(probs=[0.5, 0.6],
                                                           validate_args=True),
            "categorical_one_class": lambda: d.Categorical(logits=[1.], validate_args=True),
            "categorical_scalar": lambda: d.Categorical(logits=1.),
            "covariance": lambda: d.Normal(0., 1.).covariance(),
            "categorical_stddev": lambda: d.Categorical(logits=[0., 1.]).stddev(),
            "uniform_quantile": lambda: d.Uniform().quantile(0.5),
            "bernoulli_cdf": lambda: d.Bernoulli(probs=0.5).cdf(1),
            "normal_mismatched_batch": lambda: d.Normal([0., 1.], [1., 2., 3.]).batch_shape,
            "graph_parent": lambda: d.Distribution(tf.float32, d.FULLY_REPARAMETERIZED, False,
                                                   True, graph_parents=[1.]),
            "sample_shape_matrix": lambda: d.Normal(0., 1.).sample([[2]]),
        }
        for key, fn in build.items():
            result = _try(fn)
            out[key] = result if isinstance(result, str) else None
        scale = tf.placeholder(tf.float32, [None])
        k = tf.placeholder(tf.int32, [None])
        runs = {
            "normal_negative_scale_fed": (lambda: d.Normal(0., scale, validate_args=True)
                                          .log_prob(0.), {scale: [1., -2.]}),
            "normal_ok_fed": (lambda: d.Normal(0., scale, validate_args=True).log_prob(0.),
                              {scale: [1., 2.]}),
            "bernoulli_event_2": (lambda: d.Bernoulli(probs=0.5, validate_args=True)
                                  .log_prob(k), {k: [0, 2]}),
            "categorical_negative_class": (lambda: d.Categorical(
                logits=[0., 1., 2.], validate_args=True).log_prob(k), {k: [1, -1]}),
        }
        with tf.Session() as sess:
            for key, (fn, feed) in runs.items():
                result = _try(lambda: sess.run(fn(), feed))
                out[key] = result if isinstance(result, str) else None
    return out


def gamma_names_and_errors(tf, _=None):
    """The gamma family's tensor names, static shapes and metadata, and its errors."""
    d = tf.distributions
    out = {}
    with tf.Graph().as_default():
        conc = tf.placeholder(tf.float32, [None, 3], name="conc")
        dists = {"gamma": d.Gamma(conc, 2.), "exponential": d.Exponential(conc),
                 "beta": d.Beta(conc, 1.), "student_t": d.StudentT(3., conc, 1.),
                 "dirichlet": d.Dirichlet(conc),
                 "dirichlet_multinomial": d.DirichletMultinomial(4., conc),
                 "multinomial": d.Multinomial(4., probs=conc)}
        tensors, meta = {}, {}
        for key, dist in dists.items():
            meta[key] = [dist.name, str(dist.batch_shape), str(dist.event_shape),
                         dist.dtype.name, dist.reparameterization_type ==
                         d.FULLY_REPARAMETERIZED, sorted(dist.parameters), repr(dist)]
            tensors[key + ".sample"] = dist.sample([2], seed=3)
            tensors[key + ".log_prob"] = dist.log_prob(dist.mean())
            tensors[key + ".mean"] = dist.mean()
            tensors[key + ".variance"] = dist.variance()
            if key not in ("dirichlet_multinomial", "multinomial"):
                tensors[key + ".entropy"] = dist.entropy()
            tensors[key + ".batch_shape_tensor"] = dist.batch_shape_tensor()
            tensors[key + ".event_shape_tensor"] = dist.event_shape_tensor()
        exponential = dists["exponential"]
        meta["exponential_rate"] = [exponential.rate.name, exponential.concentration.name,
                                    str(exponential.parameters["rate"])]
        tensors["kl_gamma"] = d.kl_divergence(dists["gamma"], d.Gamma(1., 1.))
        tensors["kl_exponential"] = d.kl_divergence(exponential, d.Exponential(1.))
        tensors["kl_beta"] = d.kl_divergence(dists["beta"], d.Beta(1., 1.))
        tensors["kl_dirichlet"] = d.kl_divergence(dists["dirichlet"], d.Dirichlet([1., 1., 1.]))
        out["meta"] = meta
        out["tensors"] = {k: [t.name, t.dtype.name, str(t.shape)] for k, t in tensors.items()}
        out["unregistered"] = [_try(lambda: d.kl_divergence(a, b)) for a, b in [
            (d.StudentT(1., 0., 1.), d.StudentT(1., 0., 1.)),
            (d.Multinomial(2., probs=[0.5, 0.5]), d.Multinomial(2., probs=[0.5, 0.5])),
            (d.Gamma(1., 1.), d.Beta(1., 1.))]]
        build = {
            "gamma_negative": lambda: d.Gamma(-1., 1., validate_args=True),
            "gamma_rate_zero": lambda: d.Gamma(1., 0., validate_args=True),
            "gamma_int": lambda: d.Gamma(1, 2.),
            "gamma_log_prob_float64": lambda: d.Gamma(1., 1.).log_prob(np.float64(1.)),
            "exponential_int": lambda: d.Exponential(2),
            "beta_negative": lambda: d.Beta(1., -2., validate_args=True),
            "beta_mixed": lambda: d.Beta(np.float64(1.), np.float32(2.)),
            "student_t_df": lambda: d.StudentT(0., 0., 1., validate_args=True),
            "dirichlet_negative": lambda: d.Dirichlet([1., -1.], validate_args=True),
            "dirichlet_one_class": lambda: d.Dirichlet([1.], validate_args=True),
            "dirichlet_scalar": lambda: d.Dirichlet(1.).event_shape,
            "dm_fraction": lambda: d.DirichletMultinomial(2.5, [1., 1.], validate_args=True),
            "dm_one_class": lambda: d.DirichletMultinomial(2., [1.], validate_args=True),
            "multinomial_both": lambda: d.Multinomial(2., logits=[0., 0.], probs=[.5, .5]),
            "multinomial_negative": lambda: d.Multinomial(-1., probs=[.5, .5],
                                                          validate_args=True),
            "multinomial_entropy": lambda: d.Multinomial(2., probs=[.5, .5]).entropy(),
            "multinomial_cdf": lambda: d.Multinomial(2., probs=[.5, .5]).cdf([1., 1.]),
            "dirichlet_cdf": lambda: d.Dirichlet([1., 1.]).cdf([.5, .5]),
            "gamma_quantile": lambda: d.Gamma(1., 1.).quantile(0.5),
        }
        for key, fn in build.items():
            result = _try(fn)
            out[key] = result if isinstance(result, str) else None
        x = tf.placeholder(tf.float32, [None])
        counts = tf.placeholder(tf.float32, [None, 2])
        runs = {
            "gamma_mode_undefined": (lambda: d.Gamma([0.5, 2.], 1., allow_nan_stats=False)
                                     .mode(), {}),
            "beta_mode_undefined": (lambda: d.Beta([0.5, 2.], 3., allow_nan_stats=False)
                                    .mode(), {}),
            "student_t_mean_undefined": (lambda: d.StudentT(
                tf.constant([0.5, 2.]) * 1., 0., 1., allow_nan_stats=False).mean(), {}),
            "gamma_negative_value": (lambda: d.Gamma(1., 1., validate_args=True).log_prob(x),
                                     {x: [1., -1.]}),
            "beta_value_above_one": (lambda: d.Beta(2., 2., validate_args=True).log_prob(x),
                                     {x: [0.5, 1.5]}),
            "dirichlet_not_simplex": (lambda: d.Dirichlet([1., 2.], validate_args=True)
                                      .log_prob(counts), {counts: [[0.5, 0.6]]}),
            "multinomial_wrong_total": (lambda: d.Multinomial(
                3., probs=[0.5, 0.5], validate_args=True).log_prob(counts),
                {counts: [[1., 1.]]}),
            "multinomial_fraction": (lambda: d.Multinomial(
                2., probs=[0.5, 0.5], validate_args=True).log_prob(counts),
                {counts: [[0.5, 1.5]]}),
            "dm_wrong_total": (lambda: d.DirichletMultinomial(
                3., [1., 1.], validate_args=True).log_prob(counts), {counts: [[1., 1.]]}),
            "dm_ok": (lambda: d.DirichletMultinomial(
                2., [1., 1.], validate_args=True).log_prob(counts), {counts: [[1., 1.]]}),
        }
        with tf.Session() as sess:
            for key, (fn, feed) in runs.items():
                result = _try(lambda: sess.run(fn(), feed))
                out[key] = result if isinstance(result, str) else None
    return out


PROGRAMS = [values, gradients, kl_values, kl_registry, names_and_shapes, errors, gamma_values,
            gamma_names_and_errors]


def run_all(tf):
    return {p.__name__: json.loads(json.dumps(p(tf), default=str)) for p in PROGRAMS}


if __name__ == "__main__":
    import tensorflow.compat.v1 as tf1
    tf1.disable_v2_behavior()
    print(json.dumps(run_all(tf1), indent=1, sort_keys=True))
