"""keras.callbacks: History, the progress bar, EarlyStopping, LearningRateScheduler,
ReduceLROnPlateau, CSVLogger, LambdaCallback, TerminateOnNaN, ModelCheckpoint (Keras's HDF5
files, see saving.py and docs/keras.md), TensorBoard (tensorboard_callback.py)."""

import collections
import csv
import os

import numpy as np

from minitf.keras import backend as K


class Callback:
    def __init__(self):
        self.model = None
        self.params = {}
        self.validation_data = None

    def set_params(self, params):
        self.params = params

    def set_model(self, model):
        self.model = model

    def on_epoch_begin(self, epoch, logs=None):
        pass

    def on_epoch_end(self, epoch, logs=None):
        pass

    def on_batch_begin(self, batch, logs=None):
        pass

    def on_batch_end(self, batch, logs=None):
        pass

    def on_train_begin(self, logs=None):
        pass

    def on_train_end(self, logs=None):
        pass

    # fit calls these (TF 1.15's Keras); by default they call the older names, so a callback
    # may override either
    def on_train_batch_begin(self, batch, logs=None):
        self.on_batch_begin(batch, logs)

    def on_train_batch_end(self, batch, logs=None):
        self.on_batch_end(batch, logs)


def _hook_does_something(callback, name, older):
    """Whether the train-batch hook `name` of `callback` (whose default calls `older`) may do
    anything: overridden on the class or set on the instance, for one name or the other."""
    for n in (name, older):
        if n in vars(callback) or getattr(type(callback), n) is not getattr(Callback, n):
            return True
    return False


class CallbackList:
    def __init__(self, callbacks):
        self.callbacks = list(callbacks)
        self._find_batch_hooks()

    def _find_batch_hooks(self):
        # the batch hooks run at every batch: only the callbacks whose hooks do something
        self._batch_begin = [c.on_train_batch_begin for c in self.callbacks if
                             _hook_does_something(c, "on_train_batch_begin", "on_batch_begin")]
        self._batch_end = [c.on_train_batch_end for c in self.callbacks if
                           _hook_does_something(c, "on_train_batch_end", "on_batch_end")]

    def set_params(self, params):
        for c in self.callbacks:
            c.set_params(params)

    def set_model(self, model):
        for c in self.callbacks:
            c.set_model(model)

    def _each(self, name, *args):
        for c in self.callbacks:
            getattr(c, name)(*args)

    def on_train_begin(self, logs=None):
        self._find_batch_hooks()  # (set_model may have set a hook on an instance)
        self._each("on_train_begin", logs or {})

    def on_train_end(self, logs=None):
        self._each("on_train_end", logs or {})

    def on_epoch_begin(self, epoch, logs=None):
        self._each("on_epoch_begin", epoch, logs if logs is not None else {})

    def on_epoch_end(self, epoch, logs=None):
        self._each("on_epoch_end", epoch, logs if logs is not None else {})

    def on_batch_begin(self, batch, logs=None):
        logs = logs if logs is not None else {}
        for hook in self._batch_begin:
            hook(batch, logs)

    def on_batch_end(self, batch, logs=None):
        logs = logs if logs is not None else {}
        for hook in self._batch_end:
            hook(batch, logs)


class BaseLogger(Callback):
    """Puts the epoch's figures in the epoch logs: the loss averaged over the samples seen,
    stateful metrics at their last (running) value."""

    def __init__(self, stateful_metrics=None):
        super().__init__()
        self.stateful_metrics = set(stateful_metrics or [])

    def on_epoch_begin(self, epoch, logs=None):
        self.seen, self.totals = 0, {}

    def on_batch_end(self, batch, logs=None):
        logs = logs or {}
        size = logs.get("size", 0)
        self.seen += size
        for k, v in logs.items():
            if k in ("batch", "size"):
                continue
            if k in self.stateful_metrics:
                self.totals[k] = v
            else:
                self.totals[k] = self.totals.get(k, 0.0) + v * size

    def on_epoch_end(self, epoch, logs=None):
        if logs is None:
            return
        for k in self.params.get("metrics", []):
            if k in self.totals:
                logs[k] = self.totals[k] if k in self.stateful_metrics \
                    else self.totals[k] / self.seen


class History(Callback):
    def on_train_begin(self, logs=None):
        self.epoch = []
        self.history = {}

    def on_epoch_end(self, epoch, logs=None):
        self.epoch.append(epoch)
        for k, v in (logs or {}).items():
            self.history.setdefault(k, []).append(v)


class ProgbarLogger(Callback):
    def __init__(self, count_mode="samples", stateful_metrics=None):
        super().__init__()
        self.use_steps = count_mode == "steps"
        self.stateful_metrics = set(stateful_metrics or [])

    def on_train_begin(self, logs=None):
        self.verbose = self.params["verbose"]
        self.epochs = self.params["epochs"]

    def on_epoch_begin(self, epoch, logs=None):
        from minitf.keras.utils import Progbar
        if self.verbose:
            print("Epoch %d/%d" % (epoch + 1, self.epochs))
        target = self.params["steps"] if self.use_steps else self.params["samples"]
        self.progbar = Progbar(target, verbose=self.verbose,
                               stateful_metrics=self.stateful_metrics)
        self.seen = 0

    def on_batch_end(self, batch, logs=None):
        logs = logs or {}
        self.seen += 1 if self.use_steps else logs.get("size", 0)
        values = [(k, logs[k]) for k in self.params["metrics"] if k in logs]
        if self.verbose and (self.params["steps"] is None or self.seen < self.params["steps"]
                             if self.use_steps else self.seen < self.params["samples"]):
            self.progbar.update(self.seen, values)

    def on_epoch_end(self, epoch, logs=None):
        logs = logs or {}
        values = [(k, logs[k]) for k in self.params["metrics"] if k in logs]
        self.progbar.stateful_metrics.update(k for k, _ in values)  # the epoch's own figures
        self.progbar.update(self.seen, values, force=True)


class TerminateOnNaN(Callback):
    def on_batch_end(self, batch, logs=None):
        loss = (logs or {}).get("loss")
        if loss is not None and (np.isnan(loss) or np.isinf(loss)):
            print("Batch %d: Invalid loss, terminating training" % batch)
            self.model.stop_training = True


def _monitor_op(mode, monitor):
    if mode not in ("auto", "min", "max"):
        mode = "auto"
    if mode == "max" or mode == "auto" and ("acc" in monitor or monitor.startswith("fmeasure")):
        return np.greater, -np.inf
    return np.less, np.inf


class EarlyStopping(Callback):
    def __init__(self, monitor="val_loss", min_delta=0, patience=0, verbose=0, mode="auto",
                 baseline=None, restore_best_weights=False):
        super().__init__()
        self.monitor, self.patience, self.verbose = monitor, patience, verbose
        self.baseline, self.restore_best_weights = baseline, restore_best_weights
        self.monitor_op, _ = _monitor_op(mode, monitor)
        self.min_delta = abs(min_delta) * (1 if self.monitor_op is np.greater else -1)

    def on_train_begin(self, logs=None):
        self.wait, self.stopped_epoch = 0, 0
        self.best = self.baseline if self.baseline is not None else \
            (-np.inf if self.monitor_op is np.greater else np.inf)
        self.best_weights = None

    def on_epoch_end(self, epoch, logs=None):
        current = (logs or {}).get(self.monitor)
        if current is None:
            import warnings
            warnings.warn("Early stopping conditioned on metric `%s` which is not available. "
                          "Available metrics are: %s" % (self.monitor, ",".join(logs or {})))
            return
        if self.monitor_op(current - self.min_delta, self.best):
            self.best, self.wait = current, 0
            if self.restore_best_weights:
                self.best_weights = self.model.get_weights()
        else:
            self.wait += 1
            if self.wait >= self.patience:
                self.stopped_epoch = epoch
                self.model.stop_training = True
                if self.restore_best_weights and self.best_weights is not None:
                    self.model.set_weights(self.best_weights)

    def on_train_end(self, logs=None):
        if self.stopped_epoch > 0 and self.verbose > 0:
            print("Epoch %05d: early stopping" % (self.stopped_epoch + 1))


class LearningRateScheduler(Callback):
    def __init__(self, schedule, verbose=0):
        super().__init__()
        self.schedule, self.verbose = schedule, verbose

    def on_epoch_begin(self, epoch, logs=None):
        lr = float(K.get_value(self.model.optimizer.lr))
        try:
            lr = self.schedule(epoch, lr)
        except TypeError:
            lr = self.schedule(epoch)
        if not isinstance(lr, (float, np.floating, int)):
            raise ValueError('The output of the "schedule" function should be float.')
        K.set_value(self.model.optimizer.lr, lr)
        if self.verbose > 0:
            print("\nEpoch %05d: LearningRateScheduler setting learning rate to %s."
                  % (epoch + 1, lr))

    def on_epoch_end(self, epoch, logs=None):
        if logs is not None:
            logs["lr"] = float(K.get_value(self.model.optimizer.lr))


class ReduceLROnPlateau(Callback):
    def __init__(self, monitor="val_loss", factor=0.1, patience=10, verbose=0, mode="auto",
                 min_delta=1e-4, cooldown=0, min_lr=0, **kwargs):
        super().__init__()
        if factor >= 1.0:
            raise ValueError("ReduceLROnPlateau does not support a factor >= 1.0.")
        self.monitor, self.factor, self.patience, self.verbose = monitor, factor, patience, \
            verbose
        self.min_delta, self.cooldown, self.min_lr = min_delta, cooldown, min_lr
        greater, _ = _monitor_op(mode, monitor)
        if greater is np.greater:
            self.better = lambda a, b: np.greater(a, b + self.min_delta)
            self.best = -np.inf
        else:
            self.better = lambda a, b: np.less(a, b - self.min_delta)
            self.best = np.inf
        self.wait = self.cooldown_counter = 0

    def on_epoch_end(self, epoch, logs=None):
        logs = logs if logs is not None else {}
        logs["lr"] = float(K.get_value(self.model.optimizer.lr))
        current = logs.get(self.monitor)
        if current is None:
            return
        if self.cooldown_counter > 0:
            self.cooldown_counter -= 1
            self.wait = 0
        if self.better(current, self.best):
            self.best, self.wait = current, 0
        elif self.cooldown_counter <= 0:
            self.wait += 1
            if self.wait >= self.patience:
                old = float(K.get_value(self.model.optimizer.lr))
                if old > self.min_lr:
                    new = max(old * self.factor, self.min_lr)
                    K.set_value(self.model.optimizer.lr, new)
                    if self.verbose > 0:
                        print("\nEpoch %05d: ReduceLROnPlateau reducing learning rate to %s."
                              % (epoch + 1, new))
                    self.cooldown_counter, self.wait = self.cooldown, 0


class CSVLogger(Callback):
    def __init__(self, filename, separator=",", append=False):
        super().__init__()
        self.filename, self.sep, self.append = filename, separator, append

    def on_train_begin(self, logs=None):
        exists = self.append and os.path.exists(self.filename)
        self.csv_file = open(self.filename, "a" if self.append else "w", newline="")
        self.writer, self.keys, self._has_header = None, None, exists

    def on_epoch_end(self, epoch, logs=None):
        logs = logs or {}
        if self.keys is None:
            self.keys = sorted(logs)
        if self.writer is None:
            self.writer = csv.DictWriter(self.csv_file, fieldnames=["epoch"] + self.keys,
                                         delimiter=self.sep)
            if not self._has_header:
                self.writer.writeheader()
        row = collections.OrderedDict({"epoch": epoch})
        row.update((k, logs.get(k, "NA")) for k in self.keys)
        self.writer.writerow(row)
        self.csv_file.flush()

    def on_train_end(self, logs=None):
        self.csv_file.close()


class LambdaCallback(Callback):
    def __init__(self, on_epoch_begin=None, on_epoch_end=None, on_batch_begin=None,
                 on_batch_end=None, on_train_begin=None, on_train_end=None, **kwargs):
        super().__init__()
        noop2 = lambda a, b: None  # noqa: E731
        noop1 = lambda a: None  # noqa: E731
        self.on_epoch_begin = on_epoch_begin or noop2
        self.on_epoch_end = on_epoch_end or noop2
        self.on_batch_begin = on_batch_begin or noop2
        self.on_batch_end = on_batch_end or noop2
        self.on_train_begin = on_train_begin or noop1
        self.on_train_end = on_train_end or noop1


class ModelCheckpoint(Callback):
    """Saves the model (or only its weights) after every `period` epochs, to `filepath`
    formatted with the epoch (from 1) and the epoch's logs, as in
    "weights.{epoch:02d}-{val_loss:.2f}.hdf5". With save_best_only, only when `monitor`
    improved (mode 'min', 'max', or 'auto': max for accuracies). The files are Keras's HDF5
    (model.save / model.save_weights)."""

    def __init__(self, filepath, monitor="val_loss", verbose=0, save_best_only=False,
                 save_weights_only=False, mode="auto", period=1):
        super().__init__()
        self.filepath, self.monitor, self.verbose = os.fspath(filepath), monitor, verbose
        self.save_best_only, self.save_weights_only = save_best_only, save_weights_only
        self.period, self.epochs_since_last_save = period, 0
        if mode not in ("auto", "min", "max"):
            import warnings
            warnings.warn("ModelCheckpoint mode %s is unknown, fallback to auto mode." % mode,
                          RuntimeWarning)
            mode = "auto"
        self.monitor_op, self.best = _monitor_op(mode, monitor)

    def _save(self, filepath):
        if self.save_weights_only:
            self.model.save_weights(filepath, overwrite=True)
        else:
            self.model.save(filepath, overwrite=True)

    def on_epoch_end(self, epoch, logs=None):
        logs = logs or {}
        self.epochs_since_last_save += 1
        if self.epochs_since_last_save < self.period:
            return
        self.epochs_since_last_save = 0
        filepath = self.filepath.format(epoch=epoch + 1, **logs)
        if not self.save_best_only:
            if self.verbose > 0:
                print("\nEpoch %05d: saving model to %s" % (epoch + 1, filepath))
            self._save(filepath)
            return
        current = logs.get(self.monitor)
        if current is None:
            import warnings
            warnings.warn("Can save best model only with %s available, skipping."
                          % self.monitor, RuntimeWarning)
        elif self.monitor_op(current, self.best):
            if self.verbose > 0:
                print("\nEpoch %05d: %s improved from %0.5f to %0.5f, saving model to %s"
                      % (epoch + 1, self.monitor, self.best, current, filepath))
            self.best = current
            self._save(filepath)
        elif self.verbose > 0:
            print("\nEpoch %05d: %s did not improve from %0.5f"
                  % (epoch + 1, self.monitor, self.best))


from minitf.keras.tensorboard_callback import TensorBoard  # noqa: E402,F401  (needs Callback)
