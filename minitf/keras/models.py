"""keras.models: the model classes, HDF5 saving and loading, configs and JSON, clone_model."""

from minitf.keras.saving import load_model, model_from_config, model_from_json, save_model
from minitf.keras.training import Model, Sequential


def clone_model(model, input_tensors=None, clone_function=None):
    """A new model of the same architecture with new (freshly initialised) weights, built from
    the model's config as Keras's clone_model does. Lambda layers keep their functions."""
    from minitf.keras.engine import Network
    from minitf.keras.layers import Lambda
    if input_tensors is not None or clone_function is not None:
        raise NotImplementedError("clone_model: input_tensors and clone_function are not "
                                  "implemented in minitf")
    functions = {}

    def collect(m):
        for layer in m.layers:
            if isinstance(layer, Lambda):
                functions[layer.name] = layer.function
            elif isinstance(layer, Network):
                collect(layer)

    collect(model)
    return model_from_config({"class_name": type(model).__name__,
                              "config": model.get_config()}, custom_objects=functions)


__all__ = ["Model", "Sequential", "load_model", "save_model", "model_from_config",
           "model_from_json", "clone_model"]
