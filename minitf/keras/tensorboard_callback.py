"""keras.callbacks.TensorBoard as TF 1.15's tf.keras had it (the graph-mode one, TF's
callbacks_v1): event files written through minitf's FileWriter and summary ops."""

import numpy as np

import minitf as tf
from minitf.keras import backend as K
from minitf.keras.callbacks import Callback


def _weight_image(weight):
    """A weight as a batch of grey images (TF 1.15's layout), or None when it has no 2-D
    picture: a Dense kernel as one image (wider than tall), a conv kernel squeezed to 3-D as
    one image per output slice, a bias as a column."""
    image = tf.squeeze(weight)
    shape = tuple(image.shape.as_list())
    if len(shape) == 2:
        if shape[0] > shape[1]:
            image = tf.transpose(image)
            shape = shape[::-1]
        return tf.reshape(image, [1, shape[0], shape[1], 1])
    if len(shape) == 3:
        if K.image_data_format() == "channels_last":
            image = tf.transpose(image, perm=[2, 0, 1])
            shape = (shape[2], shape[0], shape[1])
        return tf.reshape(image, [shape[0], shape[1], shape[2], 1])
    if len(shape) == 1:
        return tf.reshape(image, [1, shape[0], 1, 1])
    return None


class TensorBoard(Callback):
    """Writes what TensorBoard shows about a `fit` to event files in `log_dir`:

    - the graph (`write_graph`);
    - scalars: ``epoch_loss``, ``epoch_acc``, ``epoch_val_loss``... at the end of every epoch
      (step: the epoch, or the samples seen when `update_freq` is not 'epoch'), and
      ``batch_loss``, ``batch_acc``... after a batch once `update_freq` samples have passed
      since the last write ('batch' = every batch; step: the batches seen);
    - every `histogram_freq` epochs, histograms of every layer's weights (tags
      ``dense/kernel_0``), of every layer's output (``dense_out``), with `write_grads` of the
      gradients of the loss (``dense/kernel_0_grad``), and with `write_images` the weights as
      images: computed over the validation data in fit's batches (step: the validation batches
      seen), as TF 1.15 did (which, despite its documentation, did not use `batch_size`; the
      histograms of fit_generator's validation use `batch_size`). Without validation data,
      minitf writes the weight histograms (and images) alone, at the epoch's step (TF 1.15
      wrote none).

    `embeddings_freq` > 0 (the projector) is not implemented; `profile_batch` is accepted and
    ignored (minitf has no profiler)."""

    def __init__(self, log_dir="./logs", histogram_freq=0, batch_size=32, write_graph=True,
                 write_grads=False, write_images=False, embeddings_freq=0,
                 embeddings_layer_names=None, embeddings_metadata=None, embeddings_data=None,
                 update_freq="epoch", profile_batch=2):
        super().__init__()
        if embeddings_freq:
            raise NotImplementedError("TensorBoard(embeddings_freq=...): the embedding "
                                      "projector is not implemented in minitf")
        if update_freq != "epoch" and update_freq != "batch" and not (
                isinstance(update_freq, (int, np.integer)) and update_freq > 0):
            raise ValueError("update_freq must be 'epoch', 'batch' or a positive number of "
                             "samples, got %r" % (update_freq,))
        self.log_dir = log_dir
        self.histogram_freq = int(histogram_freq or 0)
        self.batch_size = int(batch_size)
        self.write_graph, self.write_grads = write_graph, write_grads
        self.write_images = write_images
        self.embeddings_freq = embeddings_freq
        self.update_freq = 1 if update_freq == "batch" else update_freq
        self.profile_batch = profile_batch
        self.merged = self._weight_summaries = self.writer = None
        self._model_of_summaries = None
        self._samples_seen = self._samples_seen_at_last_write = 0
        self._total_batches_seen = self._total_val_batches_seen = 0

    def set_model(self, model):
        self.model = model
        graph = K.get_session().graph
        self.writer = tf.summary.FileWriter(self.log_dir, graph if self.write_graph else None)
        if self.histogram_freq and self._model_of_summaries is not model:
            self._make_histogram_ops(model)

    def _make_histogram_ops(self, model):
        weight_summaries, summaries = [], []
        with tf.name_scope(None):
            for layer in model.layers:
                for weight in layer.weights:
                    name = weight.name.replace(":", "_")
                    weight_summaries.append(tf.summary.histogram(name, weight, collections=[]))
                    image = _weight_image(weight) if self.write_images else None
                    if image is not None:
                        weight_summaries.append(tf.summary.image(name, image, collections=[]))
                if self.write_grads:
                    for weight in layer.trainable_weights:
                        grad = K.gradients(model.total_loss, [weight])[0]
                        summaries.append(tf.summary.histogram(
                            weight.name.replace(":", "_") + "_grad", grad, collections=[]))
                try:
                    outputs = layer.output
                except AttributeError:   # a layer not connected in this model
                    continue
                if isinstance(outputs, (list, tuple)):
                    summaries += [tf.summary.histogram("%s_out_%d" % (layer.name, i), out,
                                                       collections=[])
                                  for i, out in enumerate(outputs)]
                else:
                    summaries.append(tf.summary.histogram(layer.name + "_out", outputs,
                                                          collections=[]))
            self._weight_summaries = tf.summary.merge(weight_summaries) \
                if weight_summaries else None
            self.merged = tf.summary.merge(weight_summaries + summaries) \
                if weight_summaries or summaries else None
        self._model_of_summaries = model

    def _write_scalars(self, step, logs):
        for name, value in logs.items():
            summary = tf.summary.Summary()
            summary.value.add(tag=name, simple_value=float(np.asarray(value).item()))
            self.writer.add_summary(summary, step)
        self.writer.flush()

    def on_batch_end(self, batch, logs=None):
        logs = logs or {}
        self._samples_seen += logs.get("size", 1)
        if self.update_freq != "epoch" and \
                self._samples_seen - self._samples_seen_at_last_write >= self.update_freq:
            self._write_scalars(self._total_batches_seen,
                                {"batch_" + k: v for k, v in logs.items()
                                 if k not in ("batch", "size", "num_steps")})
            self._samples_seen_at_last_write = self._samples_seen
        self._total_batches_seen += 1

    on_train_batch_end = on_batch_end

    def on_epoch_end(self, epoch, logs=None):
        logs = logs or {}
        if self.histogram_freq and epoch % self.histogram_freq == 0 and self.merged is not None:
            self._write_histograms(epoch)
        self._write_scalars(epoch if self.update_freq == "epoch" else self._samples_seen,
                            {"epoch_" + k: v for k, v in logs.items()
                             if k not in ("batch", "size", "num_steps")})

    def _write_histograms(self, epoch):
        sess = K.get_session()
        data = self.validation_data
        if not data:
            if self._weight_summaries is not None:
                self.writer.add_summary(sess.run(self._weight_summaries), epoch)
            return
        model = self.model
        tensors = list(model.inputs) + list(model.targets) + list(model.sample_weights)
        phase = K._phase_placeholder()
        n, size = len(data[0]), self.params.get("batch_size") or self.batch_size
        for start in range(0, n, size):
            feed = {t: a[start:start + size] for t, a in zip(tensors, data)}
            if phase is not None:
                feed[phase] = False
            self.writer.add_summary(sess.run(self.merged, feed), self._total_val_batches_seen)
            self._total_val_batches_seen += 1

    def on_train_end(self, logs=None):
        self.writer.close()
