"""Records TensorFlow 1.x's public symbol names per namespace into
tests/fixtures/tf1_symbols.json, for docs/gen_api.py's table of the TF1 symbols minitf
supports. Run in a venv with TensorFlow (never a dependency of minitf):

    TF_USE_LEGACY_KERAS=1 /work/tfvenv/bin/python tests/record_tf1_symbols.py
"""

import json
import os
import types

# TF 1.15's tf.layers: TF 2's compat.v1 loads it from tf_keras, which may be missing.
TF115_LAYERS = [
    "AveragePooling1D", "AveragePooling2D", "AveragePooling3D", "BatchNormalization", "Conv1D",
    "Conv2D", "Conv2DTranspose", "Conv3D", "Conv3DTranspose", "Dense", "Dropout", "Flatten",
    "InputSpec", "Layer", "MaxPooling1D", "MaxPooling2D", "MaxPooling3D", "SeparableConv1D",
    "SeparableConv2D", "average_pooling1d", "average_pooling2d", "average_pooling3d",
    "batch_normalization", "conv1d", "conv2d", "conv2d_transpose", "conv3d", "conv3d_transpose",
    "dense", "dropout", "flatten", "max_pooling1d", "max_pooling2d", "max_pooling3d",
    "separable_conv1d", "separable_conv2d"]

NAMESPACES = ["", "nn", "train", "layers", "summary", "errors", "testing", "debugging",
              "initializers", "losses", "data", "image", "math", "random", "linalg", "sparse",
              "io", "saved_model", "distributions", "contrib", "metrics", "feature_column",
              "sets", "nest", "signal", "spectral", "quantization"]


def main():
    import tensorflow.compat.v1 as tf
    out = {"version": tf.__version__ if hasattr(tf, "__version__") else "", "namespaces": {}}
    for ns in NAMESPACES:
        try:  # some lazily loaded namespaces (tf.layers needs tf_keras) may fail to load
            module = getattr(tf, ns) if ns else tf
            names = []
            for n in dir(module):
                if n.startswith("_"):
                    continue
                try:
                    value = getattr(module, n)
                except Exception:  # a lazy attribute that cannot load is still a TF1 name
                    value = None
                if not isinstance(value, types.ModuleType):
                    names.append(n)
        except Exception as e:
            if ns == "layers":
                names = list(TF115_LAYERS)
            else:
                print("skipped tf.%s: %s" % (ns, str(e).splitlines()[0][:80]))
                continue
        names.sort()
        out["namespaces"]["tf" + ("." + ns if ns else "")] = names
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "fixtures",
                        "tf1_symbols.json")
    with open(path, "w", encoding="utf-8") as f:
        json.dump(out, f, indent=0, sort_keys=True)
        f.write("\n")
    print("wrote %s: %s" % (path, {k: len(v) for k, v in out["namespaces"].items()}))


if __name__ == "__main__":
    main()
