"""Records TF's ResourceApplyKerasMomentum (with and without Nesterov) and ResourceApplyAdagradV2
on float32 inputs, as hex bytes, for tests/train/test_optimizers.py (KERAS_KERNELS there), and
the SHA-256 of ResourceApplyAdam's results (with and without Nesterov) on adam_inputs()
(ADAM_SHA256 there: 4096 values, enough for the order of its operations to show).
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
    print("ADAM_SHA256 = {  # of TF's var, m, v after one ApplyAdam (tests/record_tf_keras_kernels.py)")
    for nesterov in (False, True):
        var, m, v, grad = adam_inputs()
        var, m, v = tf.Variable(var), tf.Variable(m), tf.Variable(v)
        tf.raw_ops.ResourceApplyAdam(
            var=var.handle, m=m.handle, v=v.handle, grad=grad, use_nesterov=nesterov,
            **{k: np.float32(x) for k, x in ADAM_SCALARS.items()})
        digest = hashlib.sha256(b"".join(t.numpy().tobytes() for t in (var, m, v)))
        print("    %r: %r," % (nesterov, digest.hexdigest()))
    print("}")


ADAM_SCALARS = dict(beta1_power=0.9 ** 3, beta2_power=0.999 ** 3, lr=0.01, beta1=0.9,
                    beta2=0.999, epsilon=1e-7)


def adam_inputs(n=4096):
    """var, m, v, grad: float32 values made of exact rational arithmetic (no random stream,
    no libm), the same on every machine (a copy is in tests/train/test_optimizers.py)."""
    i = np.arange(n, dtype=np.float64)
    var, m, v, grad = [((i * a) % b - b / 2).astype(np.float32) / np.float32(c) for a, b, c in
                       ((7, 97, 13), (11, 89, 170), (13, 83, 9000), (17, 79, 5))]
    return var, m, np.abs(v), grad

if __name__ == "__main__":
    main()
