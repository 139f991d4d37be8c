"""tf.data.Options (TF 1.15): per-pipeline settings, attached with `with_options` and merged
over a pipeline's inputs. minitf accepts and merges them as TF does; none changes how minitf
runs a pipeline (it has no graph rewrites, its threads are set by `map`'s num_parallel_calls)."""

import warnings


class _OptionsBase:
    """Options objects: a fixed set of typed attributes (None: not set); setting an unknown
    attribute is an AttributeError, a value of the wrong type a TypeError, as in TF."""

    _FIELDS = {}  # name: type (or a tuple of types), or an _OptionsBase subclass

    def __init__(self):
        for name, kind in self._FIELDS.items():
            object.__setattr__(self, name, kind() if _is_options(kind) else None)

    def __setattr__(self, name, value):
        if name not in self._FIELDS:
            raise AttributeError("Cannot set the property %s on %s." % (name, type(self).__name__))
        kind = self._FIELDS[name]
        if value is not None and not isinstance(value, kind) or (
                isinstance(value, bool) and kind in (int, float)):
            raise TypeError("Property \"%s\" must be of type %s, got: %r (type: %s)."
                            % (name, kind, value, type(value)))
        object.__setattr__(self, name, value)

    def __eq__(self, other):
        if type(other) is not type(self):
            return NotImplemented
        return all(getattr(self, k) == getattr(other, k) for k in self._FIELDS)

    def __ne__(self, other):
        result = self.__eq__(other)
        return result if result is NotImplemented else not result

    __hash__ = None

    def __repr__(self):
        return "%s(%s)" % (type(self).__name__, ", ".join(
            "%s=%r" % (k, getattr(self, k)) for k in self._FIELDS))

    def _merged(self, other):
        """A new object: `other`'s set values over this one's (TF warns when a set value
        changes, and the later one wins)."""
        out = type(self)()
        for name, kind in self._FIELDS.items():
            mine, theirs = getattr(self, name), getattr(other, name)
            if _is_options(kind):
                value = mine._merged(theirs)
            else:
                value = mine if theirs is None else theirs
                if mine is not None and theirs is not None and mine != theirs:
                    warnings.warn("Changing the value of option %s from %r to %r."
                                  % (name, mine, theirs))
            object.__setattr__(out, name, value)
        return out

    def merge(self, options):
        """These options with `options`' set values over them."""
        return self._merged(options)


def _is_options(kind):
    return isinstance(kind, type) and issubclass(kind, _OptionsBase)


class MapVectorizationOptions(_OptionsBase):
    _FIELDS = {"enabled": bool, "use_choose_fastest": bool}


class OptimizationOptions(_OptionsBase):
    _FIELDS = {"apply_default_optimizations": bool, "autotune": bool,
               "autotune_buffers": bool, "autotune_cpu_budget": int,
               "filter_fusion": bool, "filter_with_random_uniform_fusion": bool,
               "hoist_random_uniform": bool, "map_and_batch_fusion": bool,
               "map_and_filter_fusion": bool, "map_fusion": bool,
               "map_parallelization": bool, "map_vectorization": MapVectorizationOptions,
               "noop_elimination": bool, "parallel_batch": bool,
               "shuffle_and_repeat_fusion": bool}


class ThreadingOptions(_OptionsBase):
    _FIELDS = {"max_intra_op_parallelism": int, "private_threadpool_size": int}


class DistributeOptions(_OptionsBase):
    _FIELDS = {"auto_shard": bool, "num_devices": int}


class StatsOptions(_OptionsBase):
    _FIELDS = {"aggregator": object, "counter_prefix": str, "latency_all_edges": bool,
               "prefix": str}


class Options(_OptionsBase):
    """tf.data.Options: TF 1.15's attributes, all None (unset) at first."""

    _FIELDS = {"experimental_deterministic": bool,
               "experimental_distribute": DistributeOptions,
               "experimental_optimization": OptimizationOptions,
               "experimental_slack": bool,
               "experimental_stats": StatsOptions,
               "experimental_threading": ThreadingOptions}
