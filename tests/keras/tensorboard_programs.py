"""The TensorBoard callback's event files from one fit, on minitf.keras and on TF 1.15's graph-mode
callback (tf-keras 2.21's callbacks_v1.TensorBoard, TF 1.15's code): which summaries (tag and
kind) are written at which steps. tests/keras/test_tensorboard_callback.py compares minitf with
the record made by running this file in the TF venv:

    TF_USE_LEGACY_KERAS=1 /work/tfvenv/bin/python tests/keras/tensorboard_programs.py \
        > tests/fixtures/keras_tensorboard.json

It imports only numpy; TensorFlow is imported only when run as that script.
"""

import json
import sys

import numpy as np


def fit_with_tensorboard(keras, TensorBoard, log_dir, optimizer):
    rng = np.random.RandomState(0)
    x = rng.uniform(-1, 1, (40, 4)).astype("float32")
    y = keras.utils.to_categorical((x[:, 0] > x[:, 1]).astype("int64"), 2)
    keras.backend.clear_session()
    model = keras.models.Sequential([
        keras.layers.Dense(5, activation="relu", input_shape=(4,), name="hidden"),
        keras.layers.Dense(2, activation="softmax", name="out")])
    model.compile(optimizer(0.1), "categorical_crossentropy", metrics=["accuracy"])
    tb = TensorBoard(log_dir=log_dir, histogram_freq=2, write_grads=True, write_images=True,
                     update_freq=25)
    model.fit(x, y, batch_size=10, epochs=3, verbose=0, validation_split=0.25, callbacks=[tb])


def steps_by_summary(events):
    """{"kind:tag": [steps]} from (step, Summary) pairs; kind is simple_value, histo or image."""
    out = {}
    for step, summary in events:
        for value in summary.value:
            kind = value.WhichOneof("value")
            out.setdefault("%s:%s" % (kind, value.tag), []).append(int(step))
    return out


if __name__ == "__main__":
    import glob
    import os
    import tempfile
    os.environ.setdefault("TF_USE_LEGACY_KERAS", "1")
    import tensorflow.compat.v1 as tf
    tf.disable_v2_behavior()
    import tf_keras as keras
    from tf_keras.src import callbacks_v1
    log_dir = tempfile.mkdtemp()
    fit_with_tensorboard(keras, callbacks_v1.TensorBoard, log_dir, keras.optimizers.legacy.SGD)
    events = [(e.step, e.summary) for path in glob.glob(os.path.join(log_dir, "events.*"))
              for e in tf.train.summary_iterator(path) if e.HasField("summary")]
    json.dump(steps_by_summary(events), sys.stdout, indent=0, sort_keys=True)
