"""keras.Model and keras.Sequential: compile, fit/evaluate/predict (arrays and generators),
the *_on_batch functions. One K.function per mode (train, test, predict) runs the graph;
epoch figures are Keras's: the loss averaged over samples, metrics as running means."""

import os

import numpy as np

import minitf as tf
from minitf.keras import backend as K
from minitf.keras import callbacks as cbks
from minitf.keras import losses as losses_mod
from minitf.keras import metrics as metrics_mod
from minitf.keras import optimizers as optimizers_mod
from minitf.keras.engine import Input, InputLayer, Network, keras_history, to_list
from minitf.ops import gemm


def _standardize(data, names, what):
    """A list of arrays, one per input (or output), from an array, a list or a dict."""
    if data is None:
        return []
    if isinstance(data, dict):
        try:
            return [np.asarray(data[n]) for n in names]
        except KeyError as e:
            raise ValueError("No data provided for \"%s\". Need data for each key in: %s"
                             % (e.args[0], names)) from None
    arrays = [np.asarray(d) for d in data] if isinstance(data, (list, tuple)) \
        else [np.asarray(data)]
    if len(arrays) != len(names):
        raise ValueError("Error when checking model %s: the list of Numpy arrays that you are "
                         "passing to your model is not the size the model expected. Expected "
                         "to see %d array(s), but instead got %d." % (what, len(names),
                                                                       len(arrays)))
    return arrays


# the learning phase's feeds (arrays of its dtype: the session takes them as they are)
_TRAINING, _NOT_TRAINING = np.array(True), np.array(False)


def _rows(array, a, b):
    """Rows a:b of `array`: a view when they are contiguous in memory, else a copy (a
    contiguous array, as a gathered batch is)."""
    rows = array[a:b]
    return rows if rows.flags.c_contiguous else np.ascontiguousarray(rows)


def _batches(n, batch_size):
    return [(i, min(i + batch_size, n)) for i in range(0, n, batch_size)]


class Model(Network):
    """keras.Model(inputs, outputs): a graph of layers you can compile and fit."""

    # -- compile ----------------------------------------------------------------------------

    def compile(self, optimizer, loss=None, metrics=None, loss_weights=None,
                sample_weight_mode=None, weighted_metrics=None, target_tensors=None, **kwargs):
        if kwargs:
            raise TypeError("Invalid keyword argument(s) in `compile`: %s" % sorted(kwargs))
        self._ensure_graph()
        saved_loss_weights = loss_weights
        self.optimizer = optimizers_mod.get(optimizer)
        n = len(self.outputs)
        if isinstance(loss, dict):
            loss = [loss.get(name) for name in self.output_names]
        loss_fns = [losses_mod.get(l) for l in to_list(loss)] if isinstance(loss, (list, tuple)) \
            else [losses_mod.get(loss)] * n
        if len(loss_fns) != n:
            raise ValueError("When passing a list as loss, it should have one entry per model "
                             "outputs. The model has %d outputs, but you passed loss=%s"
                             % (n, loss))
        if loss_weights is None:
            loss_weights = [1.0] * n
        elif isinstance(loss_weights, dict):
            loss_weights = [loss_weights.get(name, 1.0) for name in self.output_names]
        if isinstance(metrics, dict):
            per_output = [to_list(metrics.get(name)) for name in self.output_names]
        else:
            per_output = [to_list(metrics)] * n
        self._compile_args = {"loss": _names(loss), "metrics": _names(metrics),
                              "loss_weights": saved_loss_weights
                              if saved_loss_weights is None
                              or isinstance(saved_loss_weights, dict)
                              else list(saved_loss_weights),
                              "sample_weight_mode": sample_weight_mode,
                              "weighted_metrics": _names(weighted_metrics)}
        self.loss_functions = loss_fns
        self.loss_weights = list(loss_weights)
        self._compile_metrics = metrics

        self.targets, self.sample_weights, output_losses = [], [], []
        self._metric_tensors, self.metrics_names = [], ["loss"]
        with tf.name_scope(None):
            for i, (out, fn) in enumerate(zip(self.outputs, loss_fns)):
                name = self.output_names[i]
                rank = out.shape.ndims
                target = to_list(target_tensors)[i] if target_tensors is not None else \
                    tf.placeholder(out.dtype.base_dtype, shape=[None] * rank,
                                   name=name + "_target")
                weights = tf.placeholder_with_default(
                    tf.ones(tf.shape(out)[:1], out.dtype.base_dtype), shape=[None],
                    name=name + "_sample_weights")
                self.targets.append(target)
                self.sample_weights.append(weights)
                with tf.name_scope("loss"), tf.name_scope(name + "_loss"):
                    per_sample = fn(target, out)
                    # Keras's SUM_OVER_BATCH_SIZE: weighted sum over the number of elements.
                    w = weights
                    for _ in range(per_sample.shape.ndims - 1):
                        w = tf.expand_dims(w, -1)
                    weighted = per_sample * w
                    count = tf.cast(tf.size(weighted), weighted.dtype.base_dtype)
                    output_losses.append(tf.reduce_sum(weighted) / count)
                shape = tuple(out.shape.as_list()) if rank is not None else None
                for m in per_output[i]:
                    if m in ("accuracy", "acc"):
                        # TF 1.x Keras reports both spellings as 'acc'
                        fn_m, suffix = metrics_mod.accuracy_for(fn, shape), "acc"
                    elif m in ("crossentropy", "ce"):
                        fn_m, suffix = fn, m
                    else:
                        fn_m = metrics_mod.get(m)
                        suffix = m if isinstance(m, str) else fn_m.__name__
                    with tf.name_scope("metrics"), tf.name_scope(suffix):
                        value = tf.reduce_mean(tf.cast(fn_m(target, out), K.floatx()))
                    self._metric_tensors.append(value)
                    self.metrics_names.append(suffix if n == 1 else name + "_" + suffix)
            with tf.name_scope("loss"):
                total = None
                for w, l in zip(self.loss_weights, output_losses):
                    total = w * l if total is None else total + w * l
                for reg in self.losses:
                    total = total + reg
            self.total_loss = total
        if n > 1:
            self.metrics_names[1:1] = [name + "_loss" for name in self.output_names]
            self._metric_tensors[0:0] = output_losses
        self._output_losses = output_losses
        self._functions = {}
        self._compiled = True

    def _ensure_graph(self, x=None):
        pass

    @property
    def metrics(self):
        return self.metrics_names[1:]

    def _make_function(self, mode):
        if mode in self._functions:
            return self._functions[mode]
        phase = K._phase_placeholder()
        inputs = list(self.inputs)
        if mode == "predict":
            fn = K.function(inputs, list(self.outputs))
        else:
            if not self._compiled:
                raise RuntimeError("You must compile your model before using it.")
            inputs = inputs + self.targets + self.sample_weights
            outputs = [self.total_loss] + self._metric_tensors
            updates = []
            if mode == "train":
                with tf.name_scope(None), tf.name_scope("training"):
                    updates = self.optimizer.get_updates(self.total_loss,
                                                         self.trainable_weights)
                updates = updates + self.updates
            fn = K.function(inputs, outputs, updates=updates)
        fn.phase = phase if phase is not None else K._phase_placeholder()
        fn.mode = mode
        self._functions[mode] = fn
        return fn

    def _run(self, fn, arrays):
        """fn on `arrays`, with the learning phase fed (True when training) while it is a
        placeholder."""
        phase = K._phase_placeholder()
        if phase is None or isinstance(K.learning_phase(), int):
            return fn.call_with(fn.inputs, arrays)
        return fn.call_with(fn.inputs + [phase], list(arrays) + [
            _TRAINING if fn.mode == "train" else _NOT_TRAINING])

    # -- data -------------------------------------------------------------------------------

    def _prepare(self, x, y=None, sample_weight=None, class_weight=None):
        self._ensure_graph(x)
        xs = _standardize(x, self.input_names, "input")
        if y is None:
            return xs, [], []
        ys = _standardize(y, self.output_names, "target")
        ys = [yy.reshape(-1, 1) if yy.ndim == 1 and out.shape.ndims == 2 else yy
              for yy, out in zip(ys, self.outputs)]
        ys = [yy.astype(out.dtype.base_dtype.as_numpy_dtype, copy=False)
              for yy, out in zip(ys, self.outputs)]
        n = len(xs[0]) if xs else len(ys[0])
        sws = []
        for i, yy in enumerate(ys):
            sw = sample_weight[i] if isinstance(sample_weight, (list, tuple)) else \
                sample_weight.get(self.output_names[i]) if isinstance(sample_weight, dict) \
                else sample_weight
            w = np.ones(n, dtype="float32") if sw is None else \
                np.asarray(sw, dtype="float32").reshape(-1)
            cw = class_weight.get(self.output_names[i], class_weight) \
                if isinstance(class_weight, dict) and self.output_names[i] in class_weight \
                else class_weight
            if cw:
                classes = yy.argmax(-1) if yy.shape[-1] > 1 else yy.reshape(len(yy), -1)[:, 0]
                w = w * np.array([cw.get(int(c), 1.0) for c in classes], dtype="float32")
            sws.append(w)
        for a in xs + ys:
            if len(a) != n:
                raise ValueError("All input arrays (x) should have the same number of samples "
                                 "as the target arrays (y). Got %d and %d." % (n, len(a)))
        return xs, ys, sws

    # -- the loops --------------------------------------------------------------------------

    def fit(self, x=None, y=None, batch_size=None, epochs=1, verbose=1, callbacks=None,
            validation_split=0.0, validation_data=None, shuffle=True, class_weight=None,
            sample_weight=None, initial_epoch=0, steps_per_epoch=None, validation_steps=None,
            validation_freq=1, **kwargs):
        if kwargs:
            raise TypeError("Unrecognized keyword arguments: " + str(kwargs))
        if _is_generator(x):
            return self.fit_generator(x, steps_per_epoch, epochs, verbose, callbacks,
                                      validation_data, validation_steps,
                                      class_weight=class_weight, shuffle=shuffle,
                                      initial_epoch=initial_epoch)
        batch_size = batch_size or 32
        xs, ys, sws = self._prepare(x, y, sample_weight, class_weight)
        val = None
        if validation_data is not None:
            vx, vy = validation_data[0], validation_data[1]
            vsw = validation_data[2] if len(validation_data) > 2 else None
            val = self._prepare(vx, vy, vsw)
        elif validation_split and 0.0 < validation_split < 1.0:
            n = len(xs[0])
            split = int(n * (1.0 - validation_split))
            val = ([a[split:] for a in xs], [a[split:] for a in ys], [a[split:] for a in sws])
            xs, ys, sws = [a[:split] for a in xs], [a[:split] for a in ys], \
                [a[:split] for a in sws]
        n = len(xs[0])
        fn = self._make_function("train")

        arrays = xs + ys + sws
        # shuffled batches are gathered into the same arrays every step (allocated once: a
        # fresh batch-sized array each step cost ~2% of the MLP's epoch, in page faults and
        # cache misses); the graph's outputs are reductions, so none is a view of them
        gathered = []

        def epoch_batches(epoch):
            steps = _batches(n, batch_size)
            index = None
            if shuffle == "batch":
                # Keras's batch_shuffle: the whole batches in random order, the partial one
                # last; each batch is then a run of samples, fed as slices (no copy)
                full = steps[:n // batch_size]
                np.random.shuffle(full)
                steps = full + steps[len(full):]
            elif shuffle:
                index = np.arange(n)
                np.random.shuffle(index)
            if steps_per_epoch:
                steps = [steps[i % len(steps)] for i in range(steps_per_epoch)]
            for a, b in steps:
                if index is None:
                    yield [_rows(arr, a, b) for arr in arrays], b - a
                else:
                    if not gathered:
                        gathered.extend(np.empty((batch_size,) + arr.shape[1:], arr.dtype)
                                        for arr in arrays)
                    # on the compiled products' threads where it can (ops/gemm.py
                    # gather_rows: a gather from memory is bound by the rows fetched at once),
                    # else take with mode="clip" (the mode that writes into `out` directly; the
                    # indices are in range anyway)
                    sel = index[a:b]
                    yield [out[:b - a] if gemm.gather_rows(arr, sel, out[:b - a]) else
                           arr.take(sel, axis=0, out=out[:b - a], mode="clip")
                           for arr, out in zip(arrays, gathered)], b - a

        return self._train_loop(fn, epoch_batches, epochs, verbose, callbacks, val,
                                batch_size, initial_epoch, n if not steps_per_epoch else None,
                                steps_per_epoch, validation_freq)

    def _train_loop(self, fn, epoch_batches, epochs, verbose, callbacks, val, batch_size,
                    initial_epoch, samples, steps, validation_freq=1, val_fn=None,
                    val_arrays=None):
        self.history = cbks.History()
        callback_list = [cbks.BaseLogger(self.metrics_names[1:])]
        if verbose:
            callback_list.append(cbks.ProgbarLogger("samples" if samples else "steps",
                                                    stateful_metrics=self.metrics_names[1:]))
        callback_list += list(callbacks or []) + [self.history]
        callback_list = cbks.CallbackList(callback_list)
        val_arrays = val if val is not None else val_arrays
        if val_arrays is not None:   # Keras hands the validation arrays to the callbacks
            for c in callback_list.callbacks:
                c.validation_data = list(val_arrays[0]) + list(val_arrays[1]) + \
                    list(val_arrays[2])
        callback_list.set_model(self)
        out_labels = list(self.metrics_names)
        do_val = val is not None or val_fn is not None
        callback_list.set_params({"batch_size": batch_size, "epochs": epochs, "steps": steps,
                                  "samples": samples, "verbose": verbose,
                                  "do_validation": do_val,
                                  "metrics": out_labels + ["val_" + l for l in out_labels]
                                  if do_val else out_labels})
        self.stop_training = False
        callback_list.on_train_begin()
        for epoch in range(initial_epoch, epochs):
            callback_list.on_epoch_begin(epoch)
            epoch_logs = {}
            sums = [0.0] * (len(out_labels) - 1)
            seen = 0
            for batch_index, (arrays, size) in enumerate(epoch_batches(epoch)):
                batch_logs = {"batch": batch_index, "size": size}
                callback_list.on_batch_begin(batch_index, batch_logs)
                outs = self._run(fn, arrays)
                # metrics: running means over the epoch's samples, as Keras's stateful metrics
                # (in float64: Python floats)
                seen += size
                batch_logs["loss"] = float(outs[0])
                for i, label in enumerate(out_labels[1:]):
                    sums[i] += float(outs[i + 1]) * size
                    batch_logs[label] = sums[i] / seen
                callback_list.on_batch_end(batch_index, batch_logs)
                if self.stop_training:
                    break
            if do_val and (epoch + 1) % validation_freq == 0:
                val_outs = val_fn() if val_fn is not None else \
                    self._test_loop(val, batch_size)
                for label, v in zip(out_labels, to_list(val_outs)):
                    epoch_logs["val_" + label] = v
            callback_list.on_epoch_end(epoch, epoch_logs)
            if self.stop_training:
                break
        callback_list.on_train_end()
        return self.history

    def _test_loop(self, data, batch_size, steps=None):
        xs, ys, sws = data
        fn = self._make_function("test")
        n = len(xs[0])
        sums, seen = None, 0
        for a, b in _batches(n, batch_size):
            outs = np.asarray(self._run(fn, [arr[a:b] for arr in xs + ys + sws]), "float64")
            sums = outs * (b - a) if sums is None else sums + outs * (b - a)
            seen += b - a
        values = [float(v) for v in sums / seen]
        return values[0] if len(values) == 1 else values

    def evaluate(self, x=None, y=None, batch_size=None, verbose=1, sample_weight=None,
                 steps=None, callbacks=None, **kwargs):
        if _is_generator(x):
            return self.evaluate_generator(x, steps, verbose=verbose)
        data = self._prepare(x, y, sample_weight)
        return self._test_loop(data, batch_size or 32)

    def predict(self, x, batch_size=None, verbose=0, steps=None, callbacks=None, **kwargs):
        if _is_generator(x):
            return self.predict_generator(x, steps, verbose=verbose)
        xs, _, _ = self._prepare(x)
        fn = self._make_function("predict")
        n = len(xs[0])
        parts = [self._run(fn, [arr[a:b] for arr in xs])
                 for a, b in _batches(n, batch_size or 32)]
        outs = [np.concatenate([p[i] for p in parts]) for i in range(len(self.outputs))] \
            if parts else []
        return outs[0] if len(outs) == 1 else outs

    def train_on_batch(self, x, y, sample_weight=None, class_weight=None, reset_metrics=True):
        xs, ys, sws = self._prepare(x, y, sample_weight, class_weight)
        outs = [float(v) for v in self._run(self._make_function("train"), xs + ys + sws)]
        return outs[0] if len(outs) == 1 else outs

    def test_on_batch(self, x, y, sample_weight=None, reset_metrics=True):
        xs, ys, sws = self._prepare(x, y, sample_weight)
        outs = [float(v) for v in self._run(self._make_function("test"), xs + ys + sws)]
        return outs[0] if len(outs) == 1 else outs

    def predict_on_batch(self, x):
        xs, _, _ = self._prepare(x)
        outs = self._run(self._make_function("predict"), xs)
        return outs[0] if len(outs) == 1 else outs

    # -- generators -------------------------------------------------------------------------

    def fit_generator(self, generator, steps_per_epoch=None, epochs=1, verbose=1,
                      callbacks=None, validation_data=None, validation_steps=None,
                      validation_freq=1, class_weight=None, max_queue_size=10, workers=1,
                      use_multiprocessing=False, shuffle=True, initial_epoch=0):
        from minitf.keras.utils import Sequence
        is_seq = isinstance(generator, Sequence)
        if steps_per_epoch is None:
            if not is_seq:
                raise ValueError("`steps_per_epoch=None` is only valid for a generator based "
                                 "on the `keras.utils.Sequence` class. Please specify "
                                 "`steps_per_epoch` or use the `keras.utils.Sequence` class.")
            steps_per_epoch = len(generator)
        it = None if is_seq else iter(generator)
        fn = [None]

        def epoch_batches(epoch):
            order = np.arange(len(generator)) if is_seq else None
            if is_seq and shuffle:
                np.random.shuffle(order)
            for step in range(steps_per_epoch):
                item = generator[int(order[step % len(order)])] if is_seq else next(it)
                x, y = item[0], item[1]
                sw = item[2] if len(item) > 2 else None
                xs, ys, sws = self._prepare(x, y, sw, class_weight)
                if fn[0] is None:
                    fn[0] = self._make_function("train")
                yield xs + ys + sws, len(xs[0])
            if is_seq:
                generator.on_epoch_end()

        val_fn = vdata = None
        if validation_data is not None:
            if _is_generator(validation_data):
                val_fn = lambda: self.evaluate_generator(validation_data,  # noqa: E731
                                                         validation_steps)
            else:
                vdata = self._prepare(validation_data[0], validation_data[1],
                                      validation_data[2] if len(validation_data) > 2 else None)
                val_fn = lambda: self._test_loop(vdata, 32)  # noqa: E731
        self._make_function("train")
        return self._train_loop(self._make_function("train"), epoch_batches, epochs, verbose,
                                callbacks, None, None, initial_epoch, None, steps_per_epoch,
                                validation_freq, val_fn, val_arrays=vdata)

    def evaluate_generator(self, generator, steps=None, callbacks=None, max_queue_size=10,
                           workers=1, use_multiprocessing=False, verbose=0):
        fn = self._make_function("test")
        sums, seen = None, 0
        for item in _items(generator, steps):
            xs, ys, sws = self._prepare(item[0], item[1], item[2] if len(item) > 2 else None)
            outs = np.asarray(self._run(fn, xs + ys + sws), "float64")
            size = len(xs[0])
            sums = outs * size if sums is None else sums + outs * size
            seen += size
        values = [float(v) for v in sums / seen]
        return values[0] if len(values) == 1 else values

    def predict_generator(self, generator, steps=None, callbacks=None, max_queue_size=10,
                          workers=1, use_multiprocessing=False, verbose=0):
        parts = []
        for item in _items(generator, steps):
            x = item[0] if isinstance(item, tuple) else item
            parts.append(to_list(self.predict_on_batch(x)))
        outs = [np.concatenate([p[i] for p in parts]) for i in range(len(self.outputs))]
        return outs[0] if len(outs) == 1 else outs

    # -- saving: Keras's HDF5 files (saving.py); TF checkpoints through tf.train.Saver -------

    def save(self, filepath, overwrite=True, include_optimizer=True, save_format=None,
             signatures=None, options=None):
        """Saves the architecture, the weights and (compiled) the training config and the
        optimizer state in Keras's HDF5 format, TF 1.x's default whatever the extension."""
        from minitf.keras import saving
        if save_format not in (None, "h5", "hdf5", "keras"):
            raise NotImplementedError("save_format=%r: minitf saves Keras models in HDF5 only "
                                      "(save_format='h5'); for TF checkpoints use "
                                      "tf.train.Saver(model.weights)" % (save_format,))
        saving.save_model(self, filepath, overwrite, include_optimizer)

    def save_weights(self, filepath, overwrite=True, save_format=None):
        """Saves the weights: in Keras's HDF5 layout for `.h5`/`.keras`/`.hdf5` paths or
        save_format='h5'; otherwise (TF 1.15's 'tf' default) as a TF checkpoint of
        model.weights at that prefix."""
        from minitf.keras import saving
        if save_format is None:
            save_format = "h5" if saving.is_hdf5_path(filepath) or not isinstance(
                filepath, (str, os.PathLike)) else "tf"
        if save_format in ("h5", "hdf5", "keras"):
            return saving.save_weights(self, filepath, overwrite)
        if save_format != "tf":
            raise ValueError("Unknown format \"%s\". Was expecting one of {\"tf\", \"h5\"}."
                             % save_format)
        saving._check_built(self)
        tf.train.Saver(self.weights).save(K.get_session(), os.fspath(filepath),
                                          write_meta_graph=False)

    def load_weights(self, filepath, by_name=False, skip_mismatch=False):
        """Loads weights saved by save_weights or save (HDF5, by layer order or by_name), or a
        TF checkpoint prefix written by save_weights(save_format='tf')."""
        from minitf.keras import saving
        path = os.fspath(filepath) if isinstance(filepath, (str, os.PathLike)) else None
        if path is not None and not saving.is_hdf5_path(path) and \
                os.path.exists(path + ".index"):
            saving._check_built(self)
            tf.train.Saver(self.weights).restore(K.get_session(), path)
            return
        saving.load_weights(self, filepath, by_name, skip_mismatch)

    def to_json(self, **kwargs):
        """The model's architecture as Keras's JSON (json.dumps keyword arguments allowed)."""
        import json
        from minitf.keras import saving
        return json.dumps(saving.model_config(self), default=saving._json_default, **kwargs)

    def count_params(self):
        return int(sum(int(np.prod(w.shape.as_list())) for w in self.weights))


def _names(spec):
    """A loss/metric spec as Keras writes it in training_config: functions by name."""
    if spec is None or isinstance(spec, (str, int, float)):
        return spec
    if isinstance(spec, dict):
        return {k: _names(v) for k, v in spec.items()}
    if isinstance(spec, (list, tuple)):
        return [_names(v) for v in spec]
    return getattr(spec, "__name__", type(spec).__name__)


def _items(generator, steps):
    """`steps` items of a generator or a keras.utils.Sequence (all of it when steps is None)."""
    from minitf.keras.utils import Sequence
    if isinstance(generator, Sequence):
        for i in range(steps or len(generator)):
            yield generator[i]
        return
    if steps is None:
        raise ValueError("`steps=None` is only valid for a generator based on the "
                         "`keras.utils.Sequence` class.")
    it = iter(generator)
    for _ in range(steps):
        yield next(it)


def _is_generator(x):
    from minitf.keras.utils import Sequence
    return isinstance(x, Sequence) or hasattr(x, "__next__")


class Sequential(Model):
    """keras.Sequential: a stack of layers; with an input shape on the first layer (or an
    InputLayer) it builds at once, otherwise on the first data it sees."""

    def __init__(self, layers=None, name=None):
        super().__init__(name=name)
        self._stack = []
        self._output_tensor = None
        for layer in layers or []:
            self.add(layer)

    @property
    def layers(self):
        return [l for l in self._stack if not isinstance(l, InputLayer)]

    @layers.setter
    def layers(self, value):
        pass

    def add(self, layer):
        if isinstance(layer, InputLayer) or (keras_history(layer) is not None
                                             and isinstance(keras_history(layer)[0], InputLayer)):
            if keras_history(layer) is not None:
                layer = keras_history(layer)[0]
            self._stack.append(layer)
            self._output_tensor = layer._inbound_nodes[0].output_tensors[0]
            return
        if self._output_tensor is None and not self._stack:
            shape = getattr(layer, "_batch_input_shape", None)
            if shape is not None:
                x = Input(batch_shape=shape, dtype=layer.dtype, name=layer.name + "_input")
                self._stack.append(keras_history(x)[0])
                self._output_tensor = x
        self._stack.append(layer)
        if self._output_tensor is not None:
            out = layer(self._output_tensor)
            if isinstance(out, (list, tuple)):
                raise TypeError("All layers in a Sequential model should have a single "
                                "output tensor.")
            self._output_tensor = out
            self._rebuild()

    def pop(self):
        if not self.layers:
            raise TypeError("There are no layers in the model.")
        self._stack.pop()
        self._output_tensor = None
        if self._stack and self._stack[-1]._inbound_nodes:
            self._output_tensor = self._stack[-1]._inbound_nodes[0].output_tensors[0]
            self._rebuild()

    def _rebuild(self):
        stack = self._stack
        inputs = stack[0]._inbound_nodes[0].output_tensors[0]
        Network._init_graph(self, inputs, self._output_tensor)

    def build(self, input_shape=None):
        if self._output_tensor is None and input_shape is not None:
            layers = list(self._stack)
            self._stack = []
            x = Input(batch_shape=tuple(input_shape), name=(layers[0].name + "_input"))
            self._stack.append(keras_history(x)[0])
            self._output_tensor = x
            for layer in layers:
                self._stack.append(layer)
                self._output_tensor = layer(self._output_tensor)
            self._rebuild()

    def _ensure_graph(self, x=None):
        if self._output_tensor is not None or x is None and not self._stack:
            return
        if x is None:
            raise RuntimeError("This model has not yet been built. Build the model first by "
                               "calling build() or calling fit() with some data. Or specify "
                               "input_shape or batch_input_shape in the first layer for "
                               "automatic build.")
        arr = np.asarray(to_list(x)[0])
        self.build((None,) + arr.shape[1:])
        if getattr(self, "_pending_compile", None):
            args = self._pending_compile
            self._pending_compile = None
            Model.compile(self, *args[0], **args[1])

    def compile(self, *args, **kwargs):
        if self._output_tensor is None:
            self._pending_compile = (args, kwargs)
            return
        Model.compile(self, *args, **kwargs)

    @property
    def _layers_for_config(self):
        return self.layers

    def get_config(self):
        """{"name", "layers"}: the InputLayer first when the model has one (as tf-keras 2
        writes it; TF 1.15 put the shape on the first layer instead, both load)."""
        return {"name": self.name,
                "layers": [{"class_name": type(l).__name__, "config": l.get_config()}
                           for l in self._stack]}

    @classmethod
    def from_config(cls, config, custom_objects=None):
        from minitf.keras.layers import deserialize
        if isinstance(config, list):  # Keras 2.0-2.1 wrote only the list of layers
            config = {"layers": config}
        model = cls(name=config.get("name"))
        for data in config["layers"]:
            model.add(deserialize(data, custom_objects))
        if model._output_tensor is None and config.get("build_input_shape"):
            model.build(tuple(config["build_input_shape"]))
        return model
