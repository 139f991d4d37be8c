"""slim.utils (TF's contrib.layers utils): the end-point names layers give their outputs
(`outputs_collections`: the tensor's `aliases`) and the dict of a model's end points that slim's
networks return (convert_collection_to_dict)."""

import collections

from minitf.framework.graph import add_to_collections, get_collection, get_default_graph

__all__ = ["append_tensor_alias", "collect_named_outputs", "convert_collection_to_dict",
           "gather_tensors_aliases", "get_tensor_aliases"]


def append_tensor_alias(tensor, alias):
    """Appends `alias` (a trailing '/' dropped) to the tensor's `aliases`; returns it."""
    alias = alias[:-1] if alias.endswith("/") else alias
    if hasattr(tensor, "aliases"):
        tensor.aliases.append(alias)
    else:
        tensor.aliases = [alias]
    return tensor


def collect_named_outputs(collections_, alias, outputs):
    """Adds `outputs` to `collections_` (none: nothing) with `alias` appended to its aliases;
    returns `outputs`."""
    if collections_:
        append_tensor_alias(outputs, alias)
        add_to_collections(collections_, outputs)
    return outputs


def get_tensor_aliases(tensor):
    """The tensor's aliases; else its op's name (for output 0) or its name."""
    if hasattr(tensor, "aliases"):
        return tensor.aliases
    return [tensor.op.name] if tensor.name.endswith(":0") else [tensor.name]


def gather_tensors_aliases(tensors):
    """The aliases of all `tensors`, in order."""
    return [alias for tensor in tensors for alias in get_tensor_aliases(tensor)]


def convert_collection_to_dict(collection, clear_collection=False):
    """An OrderedDict {alias: tensor} of the collection's tensors (a network's end points);
    with clear_collection, the collection is emptied."""
    output = collections.OrderedDict((alias, tensor) for tensor in get_collection(collection)
                                     for alias in get_tensor_aliases(tensor))
    if clear_collection:
        get_default_graph().clear_collection(collection)
    return output
