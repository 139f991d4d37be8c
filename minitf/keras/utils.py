"""keras.utils: to_categorical, Sequence, Progbar (Keras's progress bar, also in Jupyter) and
the summary table."""

import sys
import time

import numpy as np

from minitf.keras.data_utils import get_file  # noqa: F401  (keras.utils.get_file)
from minitf.keras.engine import get_source_inputs  # noqa: F401  (keras.utils.get_source_inputs)


def to_categorical(y, num_classes=None, dtype="float32"):
    y = np.array(y, dtype="int")
    shape = y.shape
    if shape and shape[-1] == 1 and len(shape) > 1:
        shape = shape[:-1]
    y = y.ravel()
    if not num_classes:
        num_classes = int(np.max(y)) + 1
    out = np.zeros((len(y), num_classes), dtype=dtype)
    out[np.arange(len(y)), y] = 1
    return out.reshape(shape + (num_classes,))


def normalize(x, axis=-1, order=2):
    norm = np.atleast_1d(np.linalg.norm(x, order, axis))
    norm[norm == 0] = 1
    return x / np.expand_dims(norm, axis)


class Sequence:
    """Base of batch sources for fit_generator: implement __len__ and __getitem__(index)."""

    def __getitem__(self, index):
        raise NotImplementedError

    def __len__(self):
        raise NotImplementedError

    def on_epoch_end(self):
        pass

    def __iter__(self):
        for i in range(len(self)):
            yield self[i]


def _dynamic_display():
    return (hasattr(sys.stdout, "isatty") and sys.stdout.isatty()) \
        or "ipykernel" in sys.modules or "posix" in sys.modules and False


class Progbar:
    """Keras's progress bar: `  32/1000 [>.....] - ETA: 3s - loss: 0.6931 - acc: 0.5000`
    redrawn in place (\\r, also in Jupyter); verbose=2 prints one line at the end."""

    def __init__(self, target, width=30, verbose=1, interval=0.05, stateful_metrics=None,
                 unit_name="step"):
        self.target, self.width, self.verbose, self.interval = target, width, verbose, interval
        self.stateful_metrics = set(stateful_metrics or [])
        self._dynamic = _dynamic_display()
        self._totals, self._order = {}, []
        self._start = time.time()
        self._last_update = 0.0
        self._seen = 0
        self._prev_width = 0

    def update(self, current, values=None, force=False):
        for k, v in values or []:
            if k not in self._totals:
                self._order.append(k)
            if k in self.stateful_metrics:
                self._totals[k] = [v, 1]
            else:
                step = max(current - self._seen, 1)
                prev = self._totals.get(k, [0.0, 0])
                self._totals[k] = [prev[0] + v * step, prev[1] + step]
        self._seen = current
        now = time.time()
        finished = self.target is not None and current >= self.target
        if self.verbose == 1:
            if not force and not finished and now - self._last_update < self.interval:
                return
            line = self._bar(current)
            elapsed = now - self._start
            per_unit = elapsed / current if current else 0
            if self.target is not None and not finished:
                eta = per_unit * (self.target - current)
                line += " - ETA: %s" % _format_eta(eta)
            else:
                line += " - %ds %s" % (elapsed, _per_unit(per_unit))
            line += self._metrics()
            if self._dynamic:
                sys.stdout.write("\b" * self._prev_width + "\r")
                pad = max(self._prev_width - len(line), 0)
                sys.stdout.write(line + " " * pad)
                self._prev_width = len(line)
                if finished or force:
                    sys.stdout.write("\n")
            elif finished or force:
                sys.stdout.write(line + "\n")
            sys.stdout.flush()
            self._last_update = now
        elif self.verbose == 2 and (finished or force):
            elapsed = now - self._start
            sys.stdout.write(" - %ds%s\n" % (elapsed, self._metrics()))
            sys.stdout.flush()

    def add(self, n, values=None):
        self.update(self._seen + n, values)

    def _bar(self, current):
        if self.target is None:
            return "%7d/Unknown" % current
        digits = int(np.log10(self.target)) + 1 if self.target > 0 else 1
        line = "%*d/%d [" % (digits, current, self.target)
        filled = int(self.width * float(current) / self.target) if self.target else self.width
        if filled > 0:
            line += "=" * (filled - 1) + (">" if current < self.target else "=")
        return line + "." * (self.width - filled) + "]"

    def _metrics(self):
        out = ""
        for k in self._order:
            total, count = self._totals[k]
            v = total / max(count, 1)
            out += " - %s: %s" % (k, ("%.4f" % v) if abs(v) > 1e-3 else ("%.4e" % v))
        return out


def _format_eta(eta):
    if eta > 3600:
        return "%d:%02d:%02d" % (eta // 3600, (eta % 3600) // 60, eta % 60)
    if eta > 60:
        return "%d:%02d" % (eta // 60, eta % 60)
    return "%ds" % eta


def _per_unit(seconds):
    if seconds >= 1:
        return "%.0fs/sample" % seconds
    if seconds >= 1e-3:
        return "%.0fms/sample" % (seconds * 1e3)
    return "%.0fus/sample" % (seconds * 1e6)


def print_summary(model, line_length=None, positions=None, print_fn=None):
    """Keras's table: Layer (type), Output Shape, Param # (and Connected to for models
    that are not a plain stack)."""
    from minitf.keras.engine import InputLayer, keras_history
    from minitf.keras.training import Sequential
    print_fn = print_fn or print
    sequential = isinstance(model, Sequential) or all(
        len(n.input_tensors) <= 1 for l in model.layers for n in l._inbound_nodes)
    if sequential:
        line_length = line_length or 65
        positions = positions or [.45, .85, 1.]
        header = ["Layer (type)", "Output Shape", "Param #"]
    else:
        line_length = line_length or 98
        positions = positions or [.33, .55, .67, 1.]
        header = ["Layer (type)", "Output Shape", "Param #", "Connected to"]
    if positions[-1] <= 1:
        positions = [int(line_length * p) for p in positions]

    def row(fields):
        line = ""
        for i, f in enumerate(fields):
            line = (line + str(f))[:positions[i]]
            line += " " * (positions[i] - len(line))
        print_fn(line)

    print_fn('Model: "%s"' % model.name)
    print_fn("_" * line_length)
    row(header)
    print_fn("=" * line_length)
    layers = model.layers if not sequential or not isinstance(model, Sequential) \
        else model.layers
    if sequential and not isinstance(model, Sequential):
        layers = model.layers
    for i, layer in enumerate(layers):
        try:
            shape = layer.output_shape
        except AttributeError:
            shape = "multiple"
        if isinstance(shape, tuple):
            shape = "(" + ", ".join("None" if d is None else str(d) for d in shape) + \
                ("," if len(shape) == 1 else "") + ")"
        name = "%s (%s)" % (layer.name, type(layer).__name__)
        params = layer.count_params() if layer.built else 0
        if sequential:
            row([name, shape, params])
        else:
            connected = []
            for node in layer._inbound_nodes[:1]:
                for t in node.input_tensors:
                    h = keras_history(t)
                    connected.append("%s[%d][%d]" % (h[0].name, h[1], h[2]))
            row([name, shape, params, connected[0] if connected else ""])
            for c in connected[1:]:
                row(["", "", "", c])
        print_fn(("=" if i == len(layers) - 1 else "_") * line_length)
    trainable = int(sum(int(np.prod(w.shape.as_list())) for w in model.trainable_weights))
    total = model.count_params()
    print_fn("Total params: {:,}".format(total))
    print_fn("Trainable params: {:,}".format(trainable))
    print_fn("Non-trainable params: {:,}".format(total - trainable))
    print_fn("_" * line_length)
    del InputLayer
