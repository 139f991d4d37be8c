"""TF1 programs that customise gradients, run by both TensorFlow (tests/record_tf_gradient_api.py
records them) and minitf (tests/test_gradient_api.py compares), each a function of the `tf`
module returning what it saw: values as lists, names, error classes and messages.

Gradient names are registered once per process (TF's registry is global), so each program
registers names made unique with a counter."""

import itertools

import numpy as np

_serial = itertools.count()


def _fresh(name):
    return "%s%d" % (name, next(_serial))


def _error(fn):
    """[class name, message] of what `fn()` raises, or None."""
    try:
        fn()
    except Exception as e:  # noqa: BLE001 - the class is what is recorded
        message = e.args[0] if isinstance(e, KeyError) and e.args else str(e)
        return [type(e).__name__, message]
    return None


def _lists(values):
    return [np.asarray(v).tolist() for v in values]


def _mlp(tf, x, weights):
    w1, b1, w2, b2, w3 = weights
    h1 = tf.nn.relu(tf.matmul(x, w1) + b1)
    h2 = tf.nn.relu(tf.matmul(h1, w2) + b2)
    return tf.matmul(h2, w3)


def guided_backprop(tf):
    """Guided-ReLU saliency (Springenberg et al.) of a 6-10-8-3 ReLU network: the Relus built
    under gradient_override_map pass back only positive gradients where they were active."""
    rng = np.random.RandomState(0)
    f32 = np.float32
    x = rng.randn(3, 6).astype(f32)
    weights = [rng.randn(6, 10).astype(f32), (0.1 * rng.randn(10)).astype(f32),
               rng.randn(10, 8).astype(f32), (0.1 * rng.randn(8)).astype(f32),
               rng.randn(8, 3).astype(f32)]
    name = _fresh("GuidedRelu")

    @tf.RegisterGradient(name)
    def _guided_relu(op, grad):
        active = tf.cast(op.outputs[0] > 0., grad.dtype)
        return tf.where(grad > 0., grad * active, tf.zeros_like(grad))

    with tf.Graph().as_default() as g:
        inp = tf.placeholder(tf.float32, [None, 6], name="x")
        plain_logits = _mlp(tf, inp, weights)
        with g.gradient_override_map({"Relu": name}):
            guided_logits = _mlp(tf, inp, weights)
        plain = tf.gradients(plain_logits[:, 1], inp)[0]
        guided = tf.gradients(guided_logits[:, 1], inp)[0]
        relus = [op for op in g.get_operations() if op.type == "Relu"]
        overridden = [op.name for op in relus if _error(
            lambda op=op: op.get_attr("_gradient_op_type")) is None]
        attr = guided_logits.op.inputs[0].op.get_attr("_gradient_op_type")
        with tf.Session() as sess:
            plain_v, guided_v = sess.run([plain, guided], {inp: x})
    return {"plain": plain_v.tolist(), "guided": guided_v.tolist(),
            "static_shape": guided.shape.as_list(), "overridden": overridden,
            "attr_is_name": attr == name.encode(), "attr_type": type(attr).__name__}


def gradient_reversal(tf):
    """A domain-adversarial network (Ganin & Lempitsky): the domain head's gradient reaches the
    feature extractor negated and scaled, through tf.identity under an override; one
    GradientDescent step."""
    rng = np.random.RandomState(1)
    f32 = np.float32
    x = rng.randn(4, 3).astype(f32)
    labels = rng.randn(4, 1).astype(f32)
    domains = np.array([[0.], [1.], [0.], [1.]], f32)
    name = _fresh("FlipGradient")
    scale = 0.3

    @tf.RegisterGradient(name)
    def _flip(op, grad):
        return [tf.negative(grad) * scale]

    with tf.Graph().as_default() as g:
        wf = tf.Variable(rng.randn(3, 4).astype(f32), name="features")
        wy = tf.Variable(rng.randn(4, 1).astype(f32), name="label_head")
        wd = tf.Variable(rng.randn(4, 1).astype(f32), name="domain_head")
        feats = tf.tanh(tf.matmul(x, wf))
        with g.gradient_override_map({"Identity": name}):
            flipped = tf.identity(feats, name="flip")
        label_loss = tf.reduce_mean(tf.square(tf.matmul(feats, wy) - labels))
        domain_logits = tf.matmul(flipped, wd)
        domain_loss = tf.reduce_mean(tf.nn.sigmoid_cross_entropy_with_logits(
            labels=domains, logits=domain_logits))
        loss = label_loss + domain_loss
        reversed_grads = tf.gradients(domain_loss, [wf, wd])
        plain_grads = tf.gradients(tf.reduce_mean(tf.nn.sigmoid_cross_entropy_with_logits(
            labels=domains, logits=tf.matmul(feats, wd))), [wf, wd])
        step = tf.train.GradientDescentOptimizer(0.5).minimize(loss)
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            rev, plain = sess.run([reversed_grads, plain_grads])
            losses = [sess.run(loss)]
            for _ in range(3):
                sess.run(step)
                losses.append(sess.run(loss))
            after = sess.run([wf, wy, wd])
    return {"reversed": _lists(rev), "plain": _lists(plain), "losses": _lists(losses),
            "after": _lists(after), "flip_name": flipped.name,
            "flip_attr": flipped.op.get_attr("_gradient_op_type") == name.encode()}


def straight_through(tf):
    """Straight-through estimators: sign() whose gradient is the identity clipped to |x| <= 1
    (tf.custom_gradient), the same with {"Sign": "Identity"}, and weights binarised by it in a
    model trained three steps (gradients reach the real-valued variable)."""
    rng = np.random.RandomState(2)
    f32 = np.float32
    data = rng.randn(5, 3).astype(f32)
    target = rng.randn(5, 2).astype(f32)

    @tf.custom_gradient
    def binarize(x):
        def grad(dy):
            return dy * tf.cast(tf.abs(x) <= 1., dy.dtype)
        return tf.sign(x), grad

    with tf.Graph().as_default() as g:
        x = tf.constant([-2., -0.5, 0., 0.7, 1.5])
        y = binarize(x)
        ops_after = [[op.name, op.type] for op in g.get_operations()]
        (node,) = [n for n in g.as_graph_def().node if n.name == y.op.name]
        node_def = {"attrs": sorted(node.attr), "T": list(node.attr["T"].list.type),
                    "inputs": list(node.input)}
        weights = tf.constant([1., 2., 3., 4., 5.])
        dx = tf.gradients(y * weights, x)[0]
        with g.gradient_override_map({"Sign": "Identity"}):
            s = tf.sign(x)
        dx_identity = tf.gradients(s * weights, x)[0]
        w = tf.Variable(rng.uniform(-1.5, 1.5, (3, 2)).astype(f32), name="w")
        out = tf.matmul(data, binarize(w))
        loss = tf.reduce_mean(tf.square(out - target))
        dw = tf.gradients(loss, w)[0]
        step = tf.train.GradientDescentOptimizer(0.1).minimize(loss)
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            y_v, dx_v, dxi_v, dw_v = sess.run([y, dx, dx_identity, dw])
            losses = []
            for _ in range(3):
                losses.append(sess.run([loss, step])[0])
            w_after = sess.run(w)
    return {"y": y_v.tolist(), "dx": dx_v.tolist(), "dx_identity": dxi_v.tolist(),
            "dw": dw_v.tolist(), "losses": _lists(losses), "w_after": w_after.tolist(),
            "y_name": y.name, "y_op_type": y.op.type,
            "y_op_inputs": [t.name for t in y.op.inputs], "ops": ops_after, "node_def": node_def,
            "override_is_custom": y.op.get_attr("_gradient_op_type").startswith(
                b"CustomGradient-")}


def custom_gradient_forms(tf):
    """tf.custom_gradient with several inputs and outputs, with a variable it reads (grad_fn
    gets `variables=` and returns their gradients too), and its errors."""
    with tf.Graph().as_default():
        @tf.custom_gradient
        def two(a, b):
            def grad(da, db):
                return da + db, da - db
            return [a * b, a + b], grad

        a, b = tf.constant(2.), tf.constant(3.)
        r = two(a, b)
        two_grads = tf.gradients(r[0] * 3. + r[1], [a, b])

        x = tf.constant([1., -2., 0.5])
        w = tf.Variable(2.0, name="w")
        seen = {}

        @tf.custom_gradient
        def scale(x):
            def grad(dy, variables=None):
                seen["variables"] = [v.name for v in variables]
                return dy * 10., [tf.reduce_sum(dy) * 100.]
            return x * w, grad

        s = scale(x)
        scale_inputs = [t.name for t in s.op.inputs]
        scale_grads = tf.gradients(s, [x, w])

        @tf.custom_gradient
        def makes_variable(x):  # TF 1.15's way: a resource variable made inside f
            with tf.variable_scope("inside", use_resource=True):
                v = tf.get_variable("v", initializer=3.0)

            def grad(dy, variables=None):
                seen["made"] = [v.name for v in variables]
                return dy * 2., [tf.reduce_sum(dy) * 7.]
            return x * v, grad

        made = makes_variable(x)
        (inside_v,) = [v for v in tf.global_variables() if v.name == "inside/v:0"]
        made_grads = tf.gradients(made, [x, inside_v])

        @tf.custom_gradient
        def no_variables_kwarg(x):
            def grad(dy):
                return dy
            return x * w, grad

        @tf.custom_gradient
        def too_few(x):
            def grad(dy, variables=None):
                return dy, []
            return x * w, grad

        errors = {"keyword_args": _error(lambda: scale(x=x)),
                  "no_variables_kwarg": _error(lambda: no_variables_kwarg(x)),
                  "too_few_variable_grads": _error(lambda: tf.gradients(too_few(x), x))}
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            values = sess.run({"r": r, "two_grads": two_grads, "scale_grads": scale_grads,
                               "made": [made, made_grads]})
    return {"r_names": [t.name for t in r], "r": _lists(values["r"]),
            "two_grads": _lists(values["two_grads"]), "scale_grads": _lists(values["scale_grads"]),
            "scale_inputs": scale_inputs, "variables": seen["variables"], "errors": errors,
            "made_variables": seen["made"], "made": _lists(values["made"][:1]),
            "made_grads": _lists(values["made"][1])}


def registry_rules(tf):
    """RegisterGradient / NotDifferentiable / no_gradient / gradient_override_map: what is
    allowed, what raises, and nested maps."""
    name = _fresh("Registered")
    blocked = _fresh("Blocked")

    def fn(op, grad):
        return grad

    tf.RegisterGradient(name)(fn)
    tf.NotDifferentiable(blocked)
    matmul_name = _fresh("MatMulByHand")
    seen = {}

    @tf.RegisterGradient(matmul_name)
    def _matmul_grad(op, grad):  # reads the op's attrs as TF's own gradient functions do
        seen["attrs"] = [op.get_attr("T").name, op.get_attr("transpose_a"),
                         op.get_attr("transpose_b")]
        a, b = op.inputs  # y = a @ b.T
        return [tf.matmul(grad, b), tf.matmul(grad, a, transpose_a=True)]

    with tf.Graph().as_default() as g:
        x = tf.constant([[1., -2., 3.]])
        with g.gradient_override_map({"Identity": blocked}):
            i = tf.identity(x)
        blocked_grad = tf.gradients(i * 2., x)[0]
        with g.gradient_override_map({"Relu": "Unregistered" + name}):
            unregistered = tf.nn.relu(x)
        with g.gradient_override_map({"Relu": name}):
            with g.gradient_override_map({"Relu": "Inner" + name, "Sign": "Identity"}):
                inner = tf.nn.relu(x)
                inner_sign = tf.sign(x)
            outer = tf.nn.relu(x)
            outer_sign = tf.sign(x)
        plain = tf.nn.relu(x)
        # A one-input gradient function may return the gradient itself, not a list.
        with g.gradient_override_map({"Relu": name}):
            passed = tf.nn.relu(x)
        passed_grad = tf.gradients(passed * 2., x)[0]
        m_a = tf.constant([[1., 2.], [3., -1.]])
        m_b = tf.constant([[0.5, -2.], [1., 4.], [2., 0.]])
        with g.gradient_override_map({"MatMul": matmul_name}):
            product = tf.matmul(m_a, m_b, transpose_b=True)
        matmul_grads = tf.gradients(product * [[1., 2., 3.], [-1., 0., 1.]], [m_a, m_b])
        # Ops a cond branch or a while body makes under the map are overridden too.
        with g.gradient_override_map({"Square": "Neg"}):
            in_cond = tf.cond(tf.constant(True), lambda: tf.square(x), lambda: x)
            in_loop = tf.while_loop(lambda i, a: i < 3, lambda i, a: (i + 1, tf.square(a)),
                                    [0, x])[1]
        control_flow = [tf.gradients(in_cond, x)[0], tf.gradients(in_loop * 0.5, x)[0]]
        with tf.Session() as sess:
            passed_v, control_flow_v, matmul_v = sess.run([passed_grad, control_flow,
                                                           matmul_grads])

        def attr(t):
            try:
                return t.op.get_attr("_gradient_op_type").decode()
            except ValueError:
                return None

        def bad_map():
            with g.gradient_override_map({"Relu": 3}):
                pass
        errors = {
            "twice": _error(lambda: tf.RegisterGradient(name)(fn)),
            "op_type_with_gradient": _error(lambda: tf.RegisterGradient("Relu")(fn)),
            "not_differentiable_op_with_gradient": _error(lambda: tf.NotDifferentiable("Relu")),
            "no_gradient_twice": _error(lambda: tf.no_gradient(blocked)),
            "not_a_string": _error(lambda: tf.RegisterGradient(3)),
            "unregistered_override": _error(lambda: tf.gradients(unregistered, x)),
            "bad_map": _error(bad_map),
            "no_attr": _error(lambda: plain.op.get_attr("_gradient_op_type")),
        }
    errors = {k: v[0] if k in ("unregistered_override", "no_attr") else v
              for k, v in errors.items()}
    for k in ("twice", "op_type_with_gradient", "not_differentiable_op_with_gradient",
              "no_gradient_twice"):  # TF's message goes on to name a file of its own
        errors[k][1] = errors[k][1].split("!")[0].replace(name, "<name>").replace(blocked, "<b>")
    return {"blocked_grad_is_none": blocked_grad is None, "errors": errors,
            "attrs": [None if v is None else v.replace(name, "<name>") for v in
                      (attr(inner), attr(inner_sign), attr(outer), attr(outer_sign), attr(plain))],
            "passed": passed_v.tolist(), "control_flow": _lists(control_flow_v),
            "matmul_attrs": seen["attrs"], "matmul_grads": _lists(matmul_v)}


def py_func_gradient(tf):
    """The TF1 idiom giving tf.py_func a gradient: register one under a fresh name and map the
    PyFunc (stateful) or PyFuncStateless op to it."""
    def cube(x):
        return x ** 3

    def cube_grad(op, grad):
        (x,) = op.inputs
        return grad * 3. * tf.square(x)

    def py_func_with_grad(func, inp, tout, stateful=True, grad=None):
        name = _fresh("PyFuncGrad")
        tf.RegisterGradient(name)(grad)
        with tf.get_default_graph().gradient_override_map({"PyFunc": name,
                                                           "PyFuncStateless": name}):
            return tf.py_func(func, inp, tout, stateful=stateful)

    with tf.Graph().as_default():
        x = tf.constant([1., -2., 0.5])
        (y,) = py_func_with_grad(cube, [x], [tf.float32], grad=cube_grad)
        (y2,) = py_func_with_grad(cube, [x], [tf.float32], stateful=False, grad=cube_grad)
        grads = tf.gradients([y * 2., y2], x)
        with tf.Session() as sess:
            values = sess.run([y, grads])
    return {"types": [y.op.type, y2.op.type], "y": values[0].tolist(),
            "grads": _lists(values[1])}


def templates(tf):
    """tf.make_template: variable names, sharing, op names of each call, scopes made now or at
    the first call, unique_name_, a custom getter, and the errors."""
    def scale_by_y(x, scalar_name):
        v = tf.get_variable(scalar_name, shape=[], initializer=tf.constant_initializer(1.5))
        return x * v

    def dense_net(x):
        with tf.variable_scope("hidden"):
            w = tf.get_variable("w", [2, 3], initializer=tf.constant_initializer(0.5))
            b = tf.get_variable("b", [3], initializer=tf.zeros_initializer())
            h = tf.tanh(tf.matmul(x, w) + b)
        v = tf.get_variable("out", [3, 1], initializer=tf.constant_initializer(-1.0))
        return tf.matmul(h, v)

    def uses_tf_variable(x):
        return x * tf.Variable(1.0, name="bad")

    out = {}
    with tf.Graph().as_default():
        x = tf.constant(2.0)
        t = tf.make_template("scale_by_y", scale_by_y, scalar_name="y")
        out["before"] = [t.variable_scope_name, len(t.variables), t.name]
        z1, z2 = t(x), t(x)
        out["t"] = [z1.name, z2.name, t.variable_scope_name, t.variable_scope.name,
                    t.variable_scope.original_name_scope,
                    [v.name for v in t.trainable_variables], len(t.non_trainable_variables),
                    len(t.local_variables)]
        t2 = tf.make_template("scale_by_y", scale_by_y, scalar_name="y")
        out["t2"] = [t2(x).name, t2.variable_scope_name]
        t3 = tf.make_template("scale_by_y", scale_by_y, create_scope_now_=True, scalar_name="y")
        out["t3_scope"] = [t3.variable_scope.name, t3.variable_scope.original_name_scope]
        out["t3"] = [t3(x).name, t3(x).name]
        with tf.variable_scope("outer"):
            t4 = tf.make_template("tmpl", scale_by_y, unique_name_="uniq", scalar_name="s")
            z6 = t4(x)
        out["t4"] = [z6.name, t4(x).name]
        t5 = tf.make_template("bad", uses_tf_variable)
        t5(x)
        err = _error(lambda: t5(x))
        out["second_call_creates"] = [err[0], err[1].split("\n\noriginally defined at:")[0],
                                      "\n\noriginally defined at:\n" in err[1]]
        out["no_name"] = _error(lambda: tf.make_template(None, scale_by_y))
        calls = []

        def getter(getter, name, *args, **kwargs):
            calls.append(name)
            return getter(name + "_c", *args, **kwargs)
        t6 = tf.make_template("cg", scale_by_y, custom_getter_=getter, scalar_name="q")
        t6(x)
        t6(x)
        out["custom_getter"] = [calls, [v.name for v in t6.variables]]
        net = tf.make_template("net", dense_net)
        inp = tf.placeholder(tf.float32, [None, 2])
        o1, o2 = net(inp), net(inp * 2.)
        out["net"] = [o1.name, o2.name, [v.name for v in net.trainable_variables]]
        out["all_variables"] = [v.name for v in tf.global_variables()]
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            out["values"] = _lists(sess.run([z1, z2, z6, o1, o2], {inp: [[1., 2.], [-1., 0.5]]}))
    return out


def hessian_programs(tf):
    """tf.hessians of a quadratic 0.5 x'Ax + b'x (A not symmetric) and of a tanh MLP's loss,
    with respect to its input and its first weight matrix, in float64."""
    rng = np.random.RandomState(3)
    a = rng.randn(3, 3)
    with tf.Graph().as_default():
        x = tf.constant([1., -1., 2.], tf.float64)
        ax = tf.reshape(tf.matmul(tf.constant(a), tf.reshape(x, [3, 1])), [3])
        quadratic = 0.5 * tf.reduce_sum(x * ax) + tf.reduce_sum(x * [0.5, -1., 2.])
        (hq,) = tf.hessians(quadratic, x)
        inp = tf.constant(rng.randn(2), tf.float64)
        w1 = tf.Variable(rng.randn(2, 3), name="w1")
        w2 = tf.Variable(rng.randn(3, 1), name="w2")
        hidden = tf.tanh(tf.matmul(tf.reshape(inp, [1, 2]), w1))
        loss = tf.reduce_sum(tf.square(tf.matmul(hidden, w2) - 0.5))
        hx, hw1 = tf.hessians(loss, [inp, w1])
        unconnected = _error(lambda: tf.hessians(tf.reduce_sum(x) * 3., x))
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            values = sess.run([hq, hx, hw1])
    return {"a": a.tolist(), "values": _lists(values),
            "shapes": [t.shape.as_list() for t in (hq, hx, hw1)],
            "dtypes": [t.dtype.name for t in (hq, hx, hw1)],
            "unconnected": unconnected[0]}


PROGRAMS = {f.__name__: f for f in (guided_backprop, gradient_reversal, straight_through,
                                    custom_gradient_forms, registry_rules, py_func_gradient,
                                    templates,
                                    hessian_programs)}
