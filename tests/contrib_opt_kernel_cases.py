"""The update kernels of tf.contrib.opt's optimizers, recorded from TensorFlow by
tests/record_tf_contrib_opt_kernels.py and checked by tests/test_contrib_opt_more.py: exact
inputs (no random stream), a few zero gradients, three steps with each step's scalars."""

import math

import numpy as np

STEPS = 3
N = 4096

# name: (TF op type, attrs, slot names in the op's order, scalars of each step)
_ADAM = [dict(beta1_power=0.9 ** t, beta2_power=0.999 ** t, lr=0.01, beta1=0.9, beta2=0.999,
              epsilon=1e-8) for t in range(1, STEPS + 1)]
CASES = {
    "adam_nesterov": ("ApplyAdam", {"use_nesterov": True}, ("m", "v"), _ADAM),
    "adamax": ("ApplyAdaMax", {}, ("m", "v"),
               [{k: v for k, v in s.items() if k != "beta2_power"} for s in _ADAM]),
    "powersign": ("ApplyPowerSign", {}, ("m",),
                  [dict(lr=0.1, logbase=math.log(math.e), sign_decay=d, beta=0.9)
                   for d in (1.0, 0.75, -0.5)]),
    "powersign_base2": ("ApplyPowerSign", {}, ("m",),
                        [dict(lr=0.05, logbase=math.log(2.0), sign_decay=1.0, beta=0.5)] * STEPS),
    "addsign": ("ApplyAddSign", {}, ("m",),
                [dict(lr=0.1, alpha=1.0, sign_decay=d, beta=0.9) for d in (1.0, 0.75, -0.5)]),
    "addsign_alpha": ("ApplyAddSign", {}, ("m",),
                      [dict(lr=0.05, alpha=0.5, sign_decay=2.0, beta=0.5)] * STEPS),
}


def _exact(n, k, m, c):
    i = np.arange(n, dtype=np.float64)
    return ((i * k) % m - m / 2).astype(np.float32) / np.float32(c)


def inputs(name):
    """(op type, attrs, initial states (var, then slots), [(scalars, grad)] per step)."""
    op_type, attrs, slots, scalars = CASES[name]
    var = _exact(N, 7, 97, 13)
    slot_values = {"m": _exact(N, 11, 89, 170), "v": np.abs(_exact(N, 13, 83, 9000))}
    if len(slots) == 1:  # (PowerSign/AddSign: some m of zero, so that sign(m) is 0 there)
        slot_values["m"][::53] = 0
    steps = []
    for t, s in enumerate(scalars):
        grad = _exact(N, 17 + 2 * t, 79, 5)
        grad[t::61] = 0
        steps.append((s, grad))
    return op_type, attrs, [var] + [slot_values[k] for k in slots], steps
