"""Keras 2's HDF5 files (h5py): `model.save` / `load_model`, `save_weights` / `load_weights`,
and the JSON model configs (`to_json`, `model_from_json`).

The layout is the one TF 1.15's tf.keras and Keras 2.2-2.3 write, so files go both ways between
minitf and Keras (docs/keras.md, "Saving"):

    /                      attrs keras_version, backend, model_config (JSON),
                           training_config (JSON: loss, metrics, loss_weights, optimizer config)
    /model_weights         attrs layer_names (every layer, in model.layers order)
    /model_weights/<layer> attrs weight_names (the layer's weights: trainable first)
    /model_weights/<layer>/<weight name>   one dataset per weight ("dense/kernel:0")
    /optimizer_weights     attrs weight_names; the optimizer's iterations and slots in
                           Keras's order (iter, then each slot kind for every weight)

A weights-only file is the `model_weights` part at the root. Files are written to memory and
renamed into place (minitf.train.bundle.write_file_atomically), so a save that fails leaves
the previous file as it was.
"""

import io
import json
import os
import warnings

import numpy as np

from minitf.keras import backend as K

# HDF5 object headers hold at most 64 KiB: longer attributes are split as Keras does
# (layer_names0, layer_names1, ...).
_HDF5_ATTR_LIMIT = 64512
KERAS_VERSION = "2.2.4-tf"


def _h5py(what):
    try:
        import h5py
    except ImportError:  # pragma: no cover - h5py is a dependency
        raise ImportError("`%s` requires h5py (pip install h5py)." % what) from None
    return h5py


def is_hdf5_path(filepath):
    return str(filepath).endswith((".h5", ".keras", ".hdf5"))


# -- attributes -----------------------------------------------------------------------------------

def save_attributes(group, name, data):
    """Stores a list of strings as attribute `name`, split into name0, name1... when too big."""
    encoded = np.array([d.encode("utf8") for d in data]) if data else np.array([], "S1")
    if encoded.itemsize > _HDF5_ATTR_LIMIT:
        raise RuntimeError("The following attributes cannot be saved to HDF5 file because they "
                           "are larger than %d bytes: %s" % (_HDF5_ATTR_LIMIT, [
                               d for d in data if len(d.encode("utf8")) > _HDF5_ATTR_LIMIT]))
    chunks = max(1, -(-encoded.nbytes // _HDF5_ATTR_LIMIT))
    while chunks > 1 and any(part.nbytes > _HDF5_ATTR_LIMIT
                             for part in np.array_split(encoded, chunks)):
        chunks += 1
    if chunks == 1:
        group.attrs[name] = encoded
    else:
        for i, part in enumerate(np.array_split(encoded, chunks)):
            group.attrs["%s%d" % (name, i)] = part


def load_attributes(group, name):
    """A list of strings saved by save_attributes (whole or in chunks)."""
    if name in group.attrs:
        values = list(group.attrs[name])
    else:
        values, i = [], 0
        while "%s%d" % (name, i) in group.attrs:
            values.extend(group.attrs["%s%d" % (name, i)])
            i += 1
    return [v.decode("utf8") if isinstance(v, bytes) else str(v) for v in values]


def _attr_str(value):
    return value.decode("utf8") if isinstance(value, bytes) else str(value)


# -- weights --------------------------------------------------------------------------------------

def _layer_weights(layer):
    return layer.trainable_weights + layer.non_trainable_weights


def save_weights_to_group(group, layers):
    save_attributes(group, "layer_names", [layer.name for layer in layers])
    group.attrs["backend"] = K.backend().encode("utf8")
    group.attrs["keras_version"] = KERAS_VERSION.encode("utf8")
    for layer in sorted(layers, key=lambda l: l.name):
        g = group.create_group(layer.name)
        weights = _layer_weights(layer)
        values = K.batch_get_value(weights)
        names = [w.name for w in weights]
        if len(set(names)) != len(names):
            raise ValueError("Layer %s has two weights named alike (%s); HDF5 needs distinct "
                             "names" % (layer.name, names))
        save_attributes(g, "weight_names", names)
        for name, value in zip(names, values):
            g.create_dataset(name, data=np.asarray(value))


def _check_shapes(layer, index, weights, values):
    for w, v in zip(weights, values):
        expected = tuple(w.shape.as_list())
        if expected != tuple(np.shape(v)):
            raise ValueError('Layer #%d (named "%s"), weight %s has shape %s, but the saved '
                             "weight has shape %s." % (index, layer.name, w.name, expected,
                                                      tuple(np.shape(v))))


def _saved_layers(group):
    """[(layer name, [weight arrays])] of the layers with weights in a weights group."""
    out = []
    for name in load_attributes(group, "layer_names"):
        g = group[name]
        weight_names = load_attributes(g, "weight_names")
        out.append((name, [np.asarray(g[w]) for w in weight_names]))
    return out


def load_weights_from_group(group, layers):
    """Keras's load by order: the n-th layer with weights gets the n-th saved layer's."""
    layers = [layer for layer in layers if _layer_weights(layer)]
    saved = [(name, values) for name, values in _saved_layers(group) if values]
    if len(saved) != len(layers):
        raise ValueError("You are trying to load a weight file containing %d layers into a model "
                         "with %d layers (saved: %s; model: %s)."
                         % (len(saved), len(layers), [n for n, _ in saved],
                            [l.name for l in layers]))
    tuples = []
    for k, (layer, (name, values)) in enumerate(zip(layers, saved)):
        weights = _layer_weights(layer)
        if len(values) != len(weights):
            raise ValueError('Layer #%d (named "%s" in the current model) was found to '
                             "correspond to layer %s in the save file. However the new layer %s "
                             "expects %d weights, but the saved weights have %d elements."
                             % (k, layer.name, name, layer.name, len(weights), len(values)))
        _check_shapes(layer, k, weights, values)
        tuples.extend(zip(weights, values))
    K.batch_set_value(tuples)


def load_weights_from_group_by_name(group, layers, skip_mismatch=False):
    """Keras's load by name: each saved layer's weights go to the layers of the same name;
    layers the file does not have keep theirs."""
    by_name = {}
    for layer in layers:
        by_name.setdefault(layer.name, []).append(layer)
    tuples = []
    for k, (name, values) in enumerate(_saved_layers(group)):
        for layer in by_name.get(name, []):
            weights = _layer_weights(layer)
            if len(values) != len(weights):
                if skip_mismatch:
                    warnings.warn("Skipping loading of weights for layer %s due to mismatch in "
                                  "number of weights (%d vs %d)." % (layer.name, len(weights),
                                                                     len(values)))
                    continue
                raise ValueError('Layer #%d (named "%s") expects %d weight(s), but the saved '
                                 "weights have %d element(s)." % (k, layer.name, len(weights),
                                                                  len(values)))
            try:
                _check_shapes(layer, k, weights, values)
            except ValueError as e:
                if not skip_mismatch:
                    raise
                warnings.warn("Skipping loading of weights for layer %s: %s" % (layer.name, e))
                continue
            tuples.extend(zip(weights, values))
    K.batch_set_value(tuples)


# -- optimizer state ------------------------------------------------------------------------------

def _optimizer_weights(optimizer):
    return optimizer.keras_weights() if hasattr(optimizer, "keras_weights") else []


def save_optimizer_weights(f, optimizer):
    weights = _optimizer_weights(optimizer)
    if not weights:
        return
    group = f.create_group("optimizer_weights")
    names = ["training/%s/%s" % (optimizer.name, n) for n in optimizer.keras_weight_names()]
    save_attributes(group, "weight_names", names)
    for name, value in zip(names, K.batch_get_value(weights)):
        group.create_dataset(name, data=np.asarray(value))


def load_optimizer_weights(f, model):
    """Puts the saved optimizer state (by order, as Keras) into the compiled model's optimizer;
    on a mismatch warns and keeps a fresh optimizer, as Keras does."""
    if "optimizer_weights" not in f:
        return
    group = f["optimizer_weights"]
    values = [np.asarray(group[n]) for n in load_attributes(group, "weight_names")]
    model._make_function("train")  # makes the slots
    weights = _optimizer_weights(model.optimizer)
    shapes_ok = len(weights) == len(values) and all(
        tuple(w.shape.as_list()) == tuple(v.shape) for w, v in zip(weights, values))
    if not shapes_ok:
        warnings.warn("Error in loading the saved optimizer state. As a result, your model is "
                      "starting with a freshly initialized optimizer. (The file has %d "
                      "optimizer weights, the optimizer %d.)" % (len(values), len(weights)))
        return
    K.batch_set_value(list(zip(weights, values)))


# -- files ----------------------------------------------------------------------------------------

def _write_atomically(filepath, fill, overwrite=True):
    """Builds the HDF5 file in memory with fill(h5py.File), then writes it to a temporary file
    renamed onto `filepath`; a failure leaves an existing file untouched. An open h5py.File or
    Group is written into directly."""
    h5py = _h5py("save")
    if isinstance(filepath, (h5py.File, h5py.Group)):
        fill(filepath)
        return
    filepath = os.fspath(filepath)
    if not overwrite and os.path.isfile(filepath) and not _ask_to_overwrite(filepath):
        return
    buffer = io.BytesIO()
    with h5py.File(buffer, "w") as f:
        fill(f)
    from minitf.train.bundle import write_file_atomically
    directory = os.path.dirname(filepath)
    if directory and not os.path.isdir(directory):
        os.makedirs(directory, exist_ok=True)
    write_file_atomically(filepath, [buffer.getvalue()])


def _ask_to_overwrite(filepath):
    answer = input("[WARNING] %s already exists - overwrite? [y/n]" % filepath).strip().lower()
    while answer not in ("y", "n"):
        answer = input('Enter "y" (overwrite) or "n" (cancel).').strip().lower()
    if answer == "n":
        return False
    print("[TIP] Next time specify overwrite=True!")
    return True


def _open(filepath, what):
    h5py = _h5py(what)
    if isinstance(filepath, (h5py.File, h5py.Group)):
        return _Unclosed(filepath)
    filepath = os.fspath(filepath)
    if not os.path.exists(filepath):
        raise OSError("Unable to open file (no such file: '%s')" % filepath)
    if os.path.isdir(filepath) or not h5py.is_hdf5(filepath):
        raise OSError("Unable to load %s: '%s' is not an HDF5 file (minitf reads Keras's HDF5 "
                      "format only, not SavedModel directories)" % (what, filepath))
    return h5py.File(filepath, "r")


class _Unclosed:
    def __init__(self, group):
        self.group = group

    def __enter__(self):
        return self.group

    def __exit__(self, *exc):
        return False


def save_weights(model, filepath, overwrite=True):
    _check_built(model)
    _write_atomically(filepath, lambda f: save_weights_to_group(f, model.layers), overwrite)


def load_weights(model, filepath, by_name=False, skip_mismatch=False):
    if skip_mismatch and not by_name:
        raise ValueError("When calling model.load_weights, skip_mismatch can only be set to "
                         "True when by_name is True.")
    _check_built(model)
    with _open(filepath, "load_weights") as f:
        if "layer_names" not in f.attrs and "layer_names0" not in f.attrs \
                and "model_weights" in f:
            f = f["model_weights"]
        if by_name:
            load_weights_from_group_by_name(f, model.layers, skip_mismatch)
        else:
            load_weights_from_group(f, model.layers)


def _check_built(model):
    if not getattr(model, "_is_graph_network", True) or not model.built:
        raise ValueError("This model has not yet been built: its weights do not exist yet. "
                         "Build it first (call it on data, `build(input_shape)`, or give the "
                         "first layer an input_shape).")


def _json_default(obj):
    if isinstance(obj, np.generic):
        return obj.item()
    if isinstance(obj, np.ndarray):
        return obj.tolist()
    if hasattr(obj, "as_numpy_dtype"):
        return obj.name
    if callable(obj) and hasattr(obj, "__name__"):
        return obj.__name__
    raise TypeError("Not JSON Serializable: %r" % (obj,))


def model_config(model):
    return {"class_name": type(model).__name__, "config": model.get_config()}


def _training_config(model):
    from minitf.keras import optimizers
    if isinstance(model.optimizer, optimizers.TFOptimizer):
        warnings.warn("TensorFlow optimizers do not make it possible to access optimizer "
                      "attributes or optimizer state after instantiation. As a result, we "
                      "cannot save the optimizer as part of the model save file. You will have "
                      "to compile your model again after loading it.")
        return None
    args = model._compile_args
    return dict(args, optimizer_config={"class_name": type(model.optimizer).__name__,
                                        "config": model.optimizer.get_config()})


def save_model(model, filepath, overwrite=True, include_optimizer=True):
    """keras.models.save_model: the architecture, weights and (compiled models) training
    config and optimizer state in one HDF5 file, written atomically."""
    _check_built(model)
    config = json.dumps(model_config(model), default=_json_default)
    training = None
    if include_optimizer and getattr(model, "_compiled", False):
        training = _training_config(model)

    def fill(f):
        f.attrs["keras_version"] = KERAS_VERSION.encode("utf8")
        f.attrs["backend"] = K.backend().encode("utf8")
        f.attrs["model_config"] = config.encode("utf8")
        save_weights_to_group(f.create_group("model_weights"), model.layers)
        if training is not None:
            f.attrs["training_config"] = json.dumps(training, default=_json_default) \
                .encode("utf8")
            save_optimizer_weights(f, model.optimizer)

    _write_atomically(filepath, fill, overwrite)


def model_from_config(config, custom_objects=None):
    """The model (or layer) of a {"class_name", "config"} dict, new weights."""
    from minitf.keras.layers import deserialize
    if isinstance(config, list):
        raise TypeError("`model_from_config` expects a dictionary, not a list. Maybe you meant "
                        "to use `Sequential.from_config(config)`?")
    return deserialize(config, custom_objects)


def model_from_json(json_string, custom_objects=None):
    """The model of `model.to_json()` (or Keras's), with new weights; custom_objects names
    custom layer classes and the functions of Lambda layers."""
    return model_from_config(json.loads(json_string), custom_objects)


def load_model(filepath, custom_objects=None, compile=True):
    """A model from an HDF5 file of model.save (minitf's or Keras's): rebuilt from its config,
    weights set (by layer name), compiled as saved and with the optimizer's state restored
    unless compile=False. A missing or non-HDF5 file raises OSError."""
    from minitf.keras import optimizers
    with _open(filepath, "load_model") as f:
        if "model_config" not in f.attrs:
            raise ValueError("No model found in config file.")
        model = model_from_config(json.loads(_attr_str(f.attrs["model_config"])),
                                  custom_objects)
        # by name: the config keeps the names, and the file's layer order may be Keras's
        load_weights_from_group_by_name(f["model_weights"], model.layers)
        if not compile or "training_config" not in f.attrs:
            if compile:
                warnings.warn("No training configuration found in save file: the model was "
                              "*not* compiled. Compile it manually.")
            return model
        training = json.loads(_attr_str(f.attrs["training_config"]))
        optimizer = optimizers.deserialize(training["optimizer_config"], custom_objects)
        custom = custom_objects or {}

        def resolve(obj):
            if isinstance(obj, str) and obj in custom:
                return custom[obj]
            if isinstance(obj, list):
                return [resolve(o) for o in obj]
            if isinstance(obj, dict):
                return {k: resolve(v) for k, v in obj.items()}
            return obj

        model.compile(optimizer, loss=resolve(training["loss"]),
                      metrics=resolve(training.get("metrics")),
                      loss_weights=training.get("loss_weights"),
                      sample_weight_mode=training.get("sample_weight_mode"),
                      weighted_metrics=resolve(training.get("weighted_metrics")))
        load_optimizer_weights(f, model)
    return model
