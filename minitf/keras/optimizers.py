"""keras.optimizers with the update rules and defaults of the Keras 2 optimizers TF 1.15's
tf.keras shipped (OptimizerV2: epsilon 1e-7, `decay` as lr / (1 + decay * iterations), Adagrad's
initial accumulator 0.1, RMSprop's epsilon outside the square root without momentum and inside
with it, as TF's kernels do). `get_updates(loss, params)` returns the update ops."""

import minitf as tf
from minitf.keras import backend as K
from minitf.train import training_ops as _training_ops


class Optimizer:
    _defaults = {}
    _slot_order = ()  # Keras's order of the slot kinds in optimizer.weights

    def __init__(self, learning_rate=None, decay=0.0, clipnorm=None, clipvalue=None, lr=None,
                 name=None, **hyper):
        unknown = set(hyper) - set(self._defaults)
        if unknown:
            raise TypeError("Unexpected keyword argument passed to optimizer: %s"
                            % sorted(unknown)[0])
        if learning_rate is None:
            learning_rate = lr if lr is not None else self._defaults["learning_rate"]
        self._config = dict(self._defaults, learning_rate=learning_rate, decay=decay)
        self._config.update(hyper)
        self.initial_decay = float(decay)
        self.clipnorm, self.clipvalue = clipnorm, clipvalue
        self.name = name or type(self).__name__
        self._built_graph = None
        self.weights = []
        self._slot_names = []

    def _build_variables(self):
        graph = tf.get_default_graph()
        if self._built_graph is graph:
            return
        with tf.name_scope(None), tf.name_scope(self.name):
            self.iterations = tf.Variable(0, dtype=tf.int64, name="iter", trainable=False)
            self._lr = tf.Variable(float(self._config["learning_rate"]), name="learning_rate",
                                   dtype=tf.float32, trainable=False)
        self._built_graph = graph

    @property
    def lr(self):
        self._build_variables()
        return self._lr

    learning_rate = lr

    def get_config(self):
        config = dict(self._config, name=self.name)
        if self._built_graph is tf.get_default_graph():  # the rate callbacks may have set
            config["learning_rate"] = float(K.get_value(self._lr))
        if self.clipnorm is not None:
            config["clipnorm"] = self.clipnorm
        if self.clipvalue is not None:
            config["clipvalue"] = self.clipvalue
        return config

    def _extra_weights(self):
        return []

    def keras_weights(self):
        """The state as Keras's optimizer.weights orders it: iterations, then each kind of
        slot (m for every weight, then v...). Empty before the first training function."""
        if self._built_graph is not tf.get_default_graph() or not self.weights:
            return []
        return [self.iterations] + self._extra_weights() + [v for _, _, v in self._ordered()]

    def keras_weight_names(self):
        """Keras's names for keras_weights(): iter, then <weight>/<slot>."""
        return ["iter:0"] + [w.op.name.split("/")[-1] + ":0" for w in self._extra_weights()] + \
            ["%s/%s:0" % (param, slot) for slot, param, _ in self._ordered()]

    def _ordered(self):
        rank = {name: i for i, name in enumerate(self._slot_order)}
        items = list(zip(self._slot_names, self.weights))
        order = sorted(range(len(items)), key=lambda i: (rank.get(items[i][0][1], 99), i))
        return [(items[i][0][1], items[i][0][0], items[i][1]) for i in order]

    @classmethod
    def from_config(cls, config):
        return cls(**config)

    def get_gradients(self, loss, params):
        grads = tf.gradients(loss, params)
        if any(g is None for g in grads):
            raise ValueError("An operation has `None` for gradient. Please make sure that all "
                             "of your ops have a gradient defined (i.e. are differentiable).")
        if self.clipnorm is not None and self.clipnorm > 0:
            grads = [tf.clip_by_norm(g, self.clipnorm) for g in grads]
        if self.clipvalue is not None and self.clipvalue > 0:
            grads = [tf.clip_by_value(g, -self.clipvalue, self.clipvalue) for g in grads]
        return [tf.convert_to_tensor(g) for g in grads]

    def _slot(self, param, name, value=0.0):
        with tf.control_dependencies(None), tf.name_scope(None), tf.name_scope(self.name):
            base = param.op.name.replace("/", "_").replace(":", "_")
            init = tf.fill(param.shape.as_list(), tf.constant(value, param.dtype.base_dtype))
            v = tf.Variable(init, name=base + "_" + name, trainable=False)
        self.weights.append(v)
        self._slot_names.append((param.op.name, name))
        return v

    def get_updates(self, loss, params):
        self._build_variables()
        grads = self.get_gradients(loss, params)
        with tf.name_scope(self.name + "_updates"):
            it = tf.cast(self.iterations, tf.float32)
            lr = tf.identity(self._lr)
            if self.initial_decay > 0:
                lr = lr / (1.0 + self.initial_decay * it)
            updates = []
            with tf.control_dependencies(grads):
                t = it + 1.0
                for p, g in zip(params, grads):
                    updates.extend(self._apply(p, g, lr, t))
            with tf.control_dependencies(updates):
                updates.append(tf.assign_add(self.iterations, tf.constant(1, tf.int64)))
        return updates

    def _apply(self, p, g, lr, t):
        """The update ops of one parameter: `_fused`'s op, else `_rule`'s new value (through
        the parameter's constraint) assigned, with the rule's slot updates."""
        if getattr(p, "constraint", None) is None:
            fused = self._fused(p, g, lr, t)
            if fused is not None:
                return [fused]
        new_p, slot_updates = self._rule(p, g, lr, t)
        constraint = getattr(p, "constraint", None)
        if constraint is not None:
            new_p = constraint(new_p)
        return slot_updates + [tf.assign(p, new_p)]

    def _fused(self, p, g, lr, t):
        """Without a constraint: the update of `p` as the TF kernel tf.keras runs for it, when
        that kernel's formula is `_rule`'s (the same float operations, bit for bit, but where
        a subclass says TF's kernel orders them otherwise), done in place in a few passes
        instead of ops that each allocate a result, the assignment's copy saved and small
        weights' updates grouped into one kernel; None for the rule op by op."""
        return None

    def _update(self, opdef, *inputs):
        return tf.train.Optimizer._fused_update(opdef, *inputs)

    def minimize(self, loss, var_list=None):
        """Convenience for TF1 loops: one op running get_updates."""
        if var_list is None:
            var_list = tf.trainable_variables()
        return tf.group(*self.get_updates(loss, var_list))


class SGD(Optimizer):
    _defaults = {"learning_rate": 0.01, "momentum": 0.0, "nesterov": False}
    _slot_order = ("momentum",)

    def _fused(self, p, g, lr, t):
        # TF's (Resource)ApplyGradientDescent, or ResourceApplyKerasMomentum: its Nesterov
        # step var += accum * momentum - grad * lr rounds as TF's kernel does, where `_rule`'s
        # p + momentum * accum - lr * g adds the terms to p one at a time
        momentum = self._config["momentum"]
        if not momentum:
            return self._update(_training_ops.ApplyGradientDescent(), p, lr, g)
        return self._update(_training_ops.ApplyKerasMomentum(
            use_nesterov=bool(self._config["nesterov"])), p, self._slot(p, "momentum"), lr, g,
            momentum)

    def _rule(self, p, g, lr, t):
        momentum = self._config["momentum"]
        if not momentum:
            return p - lr * g, []
        accum = self._slot(p, "momentum")
        new_accum = momentum * accum - lr * g
        if self._config["nesterov"]:
            return p + momentum * new_accum - lr * g, [tf.assign(accum, new_accum)]
        return p + new_accum, [tf.assign(accum, new_accum)]


class RMSprop(Optimizer):
    _defaults = {"learning_rate": 0.001, "rho": 0.9, "momentum": 0.0, "epsilon": 1e-7,
                 "centered": False}
    _slot_order = ("rms", "momentum", "mg")

    def _rule(self, p, g, lr, t):
        rho, eps, momentum = self._config["rho"], self._config["epsilon"], \
            self._config["momentum"]
        ms = self._slot(p, "rms")
        new_ms = rho * ms + (1.0 - rho) * tf.square(g)
        updates = [tf.assign(ms, new_ms)]
        denom_sq = new_ms
        if self._config["centered"]:
            mg = self._slot(p, "mg")
            new_mg = rho * mg + (1.0 - rho) * g
            updates.append(tf.assign(mg, new_mg))
            denom_sq = new_ms - tf.square(new_mg)
        if momentum:
            mom = self._slot(p, "momentum")
            new_mom = momentum * mom + lr * g / tf.sqrt(denom_sq + eps)
            updates.append(tf.assign(mom, new_mom))
            return p - new_mom, updates
        return p - lr * g / (tf.sqrt(denom_sq) + eps), updates


class Adagrad(Optimizer):
    _defaults = {"learning_rate": 0.001, "initial_accumulator_value": 0.1, "epsilon": 1e-7}
    _slot_order = ("accumulator",)

    def _fused(self, p, g, lr, t):  # (TF's ApplyAdagradV2)
        acc = self._slot(p, "accumulator", self._config["initial_accumulator_value"])
        return self._update(_training_ops.ApplyAdagradV2(), p, acc, lr, self._config["epsilon"],
                            g)

    def _rule(self, p, g, lr, t):
        acc = self._slot(p, "accumulator", self._config["initial_accumulator_value"])
        new_acc = acc + tf.square(g)
        return p - lr * g / (tf.sqrt(new_acc) + self._config["epsilon"]), \
            [tf.assign(acc, new_acc)]


class Adadelta(Optimizer):
    _defaults = {"learning_rate": 0.001, "rho": 0.95, "epsilon": 1e-7}
    _slot_order = ("accum_grad", "accum_var")

    def _rule(self, p, g, lr, t):
        rho, eps = self._config["rho"], self._config["epsilon"]
        acc = self._slot(p, "accum_grad")
        acc_upd = self._slot(p, "accum_var")
        new_acc = rho * acc + (1.0 - rho) * tf.square(g)
        update = tf.sqrt(acc_upd + eps) / tf.sqrt(new_acc + eps) * g
        new_acc_upd = rho * acc_upd + (1.0 - rho) * tf.square(update)
        return p - lr * update, [tf.assign(acc, new_acc), tf.assign(acc_upd, new_acc_upd)]


class Adam(Optimizer):
    _defaults = {"learning_rate": 0.001, "beta_1": 0.9, "beta_2": 0.999, "epsilon": 1e-7,
                 "amsgrad": False}
    _slot_order = ("m", "v", "vhat")

    def _fused(self, p, g, lr, t):
        # Without amsgrad: TF's ApplyAdam, as tf.keras's Adam runs it (ResourceApplyAdam with
        # beta^t and epsilon): `_rule`'s formula, in TF's order of operations
        if self._config["amsgrad"]:
            return None
        if getattr(self, "_powers_of", None) is not t:
            self._powers_of = t
            self._powers = tf.pow(self._config["beta_1"], t), tf.pow(self._config["beta_2"], t)
        m, v = self._slot(p, "m"), self._slot(p, "v")
        return self._update(_training_ops.ApplyAdam(), p, m, v, *self._powers, lr,
                            self._config["beta_1"], self._config["beta_2"],
                            self._config["epsilon"], g)

    def _rule(self, p, g, lr, t):
        b1, b2, eps = self._config["beta_1"], self._config["beta_2"], self._config["epsilon"]
        m, v = self._slot(p, "m"), self._slot(p, "v")
        lr_t = lr * tf.sqrt(1.0 - tf.pow(b2, t)) / (1.0 - tf.pow(b1, t))
        new_m = b1 * m + (1.0 - b1) * g
        new_v = b2 * v + (1.0 - b2) * tf.square(g)
        updates = [tf.assign(m, new_m), tf.assign(v, new_v)]
        if self._config["amsgrad"]:
            vhat = self._slot(p, "vhat")
            new_vhat = tf.maximum(vhat, new_v)
            updates.append(tf.assign(vhat, new_vhat))
            return p - lr_t * new_m / (tf.sqrt(new_vhat) + eps), updates
        return p - lr_t * new_m / (tf.sqrt(new_v) + eps), updates


class Adamax(Optimizer):
    _defaults = {"learning_rate": 0.001, "beta_1": 0.9, "beta_2": 0.999, "epsilon": 1e-7}
    _slot_order = ("m", "v")

    def _rule(self, p, g, lr, t):
        b1, b2, eps = self._config["beta_1"], self._config["beta_2"], self._config["epsilon"]
        m, u = self._slot(p, "m"), self._slot(p, "v")
        new_m = b1 * m + (1.0 - b1) * g
        new_u = tf.maximum(b2 * u, tf.abs(g))
        return p - lr / (1.0 - tf.pow(b1, t)) * new_m / (new_u + eps), \
            [tf.assign(m, new_m), tf.assign(u, new_u)]


class Nadam(Optimizer):
    _defaults = {"learning_rate": 0.001, "beta_1": 0.9, "beta_2": 0.999, "epsilon": 1e-7}
    _slot_order = ("m", "v")

    def _extra_weights(self):
        return [self._m_schedule]

    def _build_variables(self):
        graph = tf.get_default_graph()
        if self._built_graph is graph:
            return
        super()._build_variables()
        with tf.name_scope(None), tf.name_scope(self.name):
            self._m_schedule = tf.Variable(1.0, name="momentum_cache", trainable=False)
        self._pending_schedule = None

    def get_updates(self, loss, params):
        self._build_variables()
        t = tf.cast(self.iterations, tf.float32) + 1.0
        b1 = self._config["beta_1"]
        self._cache_t = b1 * (1.0 - 0.5 * tf.pow(0.96, 0.004 * t))
        self._cache_t1 = b1 * (1.0 - 0.5 * tf.pow(0.96, 0.004 * (t + 1.0)))
        self._schedule_new = self._m_schedule * self._cache_t
        self._schedule_next = self._schedule_new * self._cache_t1
        updates = super().get_updates(loss, params)
        return updates + [tf.assign(self._m_schedule, self._schedule_new)]

    def _rule(self, p, g, lr, t):
        b1, b2, eps = self._config["beta_1"], self._config["beta_2"], self._config["epsilon"]
        m, v = self._slot(p, "m"), self._slot(p, "v")
        g_prime = g / (1.0 - self._schedule_new)
        new_m = b1 * m + (1.0 - b1) * g
        m_prime = new_m / (1.0 - self._schedule_next)
        new_v = b2 * v + (1.0 - b2) * tf.square(g)
        v_prime = new_v / (1.0 - tf.pow(b2, t))
        m_bar = (1.0 - self._cache_t) * g_prime + self._cache_t1 * m_prime
        return p - lr * m_bar / (tf.sqrt(v_prime) + eps), \
            [tf.assign(m, new_m), tf.assign(v, new_v)]


class TFOptimizer(Optimizer):
    """A tf.train optimizer used by compile()."""

    _defaults = {"learning_rate": 0.0}

    def __init__(self, optimizer):
        super().__init__(name="TFOptimizer")
        self.optimizer = optimizer

    def get_updates(self, loss, params):
        self._build_variables()
        train = self.optimizer.minimize(loss, var_list=params)
        with tf.control_dependencies([train]):
            return [train, tf.assign_add(self.iterations, tf.constant(1, tf.int64))]


sgd, rmsprop, adagrad, adadelta, adam, adamax, nadam = (SGD, RMSprop, Adagrad, Adadelta, Adam,
                                                         Adamax, Nadam)
_BY_NAME = {"sgd": SGD, "rmsprop": RMSprop, "adagrad": Adagrad, "adadelta": Adadelta,
            "adam": Adam, "adamax": Adamax, "nadam": Nadam}


def serialize(optimizer):
    """{"class_name", "config"}: what Keras writes as training_config's optimizer_config."""
    return {"class_name": type(optimizer).__name__, "config": optimizer.get_config()}


def deserialize(config, custom_objects=None):
    """The optimizer of {"class_name", "config"} (Keras's training_config form)."""
    name, args = config["class_name"], dict(config.get("config") or {})
    cls = (custom_objects or {}).get(name) or _BY_NAME.get(name.lower())
    if cls is None:
        raise ValueError("Unknown optimizer: " + name)
    if cls in _BY_NAME.values():  # Keras 2.2 wrote epsilon=None for "K.epsilon()"
        args = {k: v for k, v in args.items()
                if v is not None or k not in cls._defaults and k != "global_clipnorm"}
    return cls.from_config(args)


def get(identifier):
    if isinstance(identifier, dict):
        return deserialize(identifier)
    if isinstance(identifier, Optimizer):
        return identifier
    if isinstance(identifier, tf.train.Optimizer):
        return TFOptimizer(identifier)
    if isinstance(identifier, str) and identifier.lower() in _BY_NAME:
        return _BY_NAME[identifier.lower()]()
    raise ValueError("Could not interpret optimizer identifier: " + str(identifier))
