"""Records TF's ResourceApplyKerasMomentum (with and without Nesterov) and ResourceApplyAdagradV2
on float32 inputs, as hex bytes, for tests/train/test_optimizers.py (KERAS_KERNELS there), and
the SHA-256 of the results of ResourceApplyAdam (with and without Nesterov),
ResourceApplyMomentum with Nesterov, ResourceApplyRMSProp and ResourceApplyCenteredRMSProp on
exact_inputs() (KERNEL_SHA256 there: 4096 values, enough for the order of their operations to
show; a few last bits of 100,000 differed with another order).
Run with the reference TensorFlow: /work/tfvenv/bin/python tests/record_tf_keras_kernels.py"""

import numpy as np
import tensorflow as tf


def main():
    rng = np.random.default_rng(5)
    var, accum, grad = (rng.standard_normal(16).astype(np.float32) for _ in range(3))
    record = {"var": var, "accum": accum, "grad": grad}
    for nesterov in (False, True):
        v, a = tf.Variable(var), tf.Variable(accum)
        tf.raw_ops.ResourceApplyKerasMomentum(
            var=v.handle, accum=a.handle, lr=np.float32(0.1), grad=grad,
            momentum=np.float32(0.9), use_nesterov=nesterov)
        record["momentum_nesterov_%d" % nesterov] = (v.numpy(), a.numpy())
    v, a = tf.Variable(var), tf.Variable(np.abs(accum))
    tf.raw_ops.ResourceApplyAdagradV2(var=v.handle, accum=a.handle, lr=np.float32(0.1),
                                      epsilon=np.float32(1e-7), grad=grad)
    record["adagrad_v2"] = (v.numpy(), a.numpy())
    print("KERAS_KERNELS = {  # float32 arrays as hex bytes (tests/record_tf_keras_kernels.py)")
    for key, value in record.items():
        print("    %r: (" % key)
        for array in value if isinstance(value, tuple) else (value,):
            text = array.tobytes().hex()
            print("\n".join("        %r" % text[i:i + 80] for i in range(0, len(text), 80))
                  + ",")
        print("    ),")
    print("}")
    import hashlib
    print("KERNEL_SHA256 = {  # of TF's variable and slots after one update "
          "(tests/record_tf_keras_kernels.py)")
    var, a, b, grad = exact_inputs()
    f = np.float32
    runs = {
        "adam": ("ResourceApplyAdam", dict(m=a, v=b), dict(ADAM_SCALARS, use_nesterov=False)),
        "adam_nesterov": ("ResourceApplyAdam", dict(m=a, v=b),
                          dict(ADAM_SCALARS, use_nesterov=True)),
        "momentum_nesterov": ("ResourceApplyMomentum", dict(accum=a),
                              dict(lr=0.01, momentum=0.9, use_nesterov=True)),
        "rmsprop": ("ResourceApplyRMSProp", dict(ms=b, mom=a), RMSPROP_SCALARS),
        "centered_rmsprop": ("ResourceApplyCenteredRMSProp",
                             dict(mg=a * f(0.01), ms=b + f(0.01), mom=a), RMSPROP_SCALARS),
    }
    for key, (kernel, slots, scalars) in runs.items():
        variables = [tf.Variable(var)] + [tf.Variable(x) for x in slots.values()]
        handles = dict(zip(slots, (v.handle for v in variables[1:])))
        getattr(tf.raw_ops, kernel)(
            var=variables[0].handle, grad=grad, **handles,
            **{k: x if isinstance(x, bool) else f(x) for k, x in scalars.items()})
        digest = hashlib.sha256(b"".join(v.numpy().tobytes() for v in variables))
        print("    %r: %r," % (key, digest.hexdigest()))
    print("}")


ADAM_SCALARS = dict(beta1_power=0.9 ** 3, beta2_power=0.999 ** 3, lr=0.01, beta1=0.9,
                    beta2=0.999, epsilon=1e-7)
RMSPROP_SCALARS = dict(lr=0.01, rho=0.9, momentum=0.9, epsilon=1e-7)


def exact_inputs(n=4096):
    """var, a slot of either sign, a slot >= 0, grad: float32 values made of exact rational
    arithmetic (no random stream, no libm), the same on every machine (a copy is in
    tests/train/test_optimizers.py)."""
    i = np.arange(n, dtype=np.float64)
    var, a, b, grad = [((i * k) % m - m / 2).astype(np.float32) / np.float32(c) for k, m, c in
                       ((7, 97, 13), (11, 89, 170), (13, 83, 9000), (17, 79, 5))]
    return var, a, np.abs(b), grad


if __name__ == "__main__":
    main()
