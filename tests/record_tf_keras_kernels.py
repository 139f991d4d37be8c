"""Records TF's ResourceApplyKerasMomentum (with and without Nesterov) and ResourceApplyAdagradV2
on float32 inputs, as hex bytes, for tests/train/test_optimizers.py (KERAS_KERNELS there).
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

if __name__ == "__main__":
    main()
