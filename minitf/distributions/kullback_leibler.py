"""KL divergences between distributions: the registry of KL functions keyed by a pair of
classes (tf.distributions.RegisterKL fills it), kl_divergence (looked up through both class
hierarchies, as TF does) and cross_entropy."""

from minitf.framework.graph import control_dependencies, name_scope
from minitf.ops import array_ops, math_ops
from minitf.ops.logging_ops import Assert

__all__ = ["RegisterKL", "kl_divergence", "cross_entropy"]

_DIVERGENCES = {}


def _registered_kl(type_a, type_b):
    """The KL function for the pair of classes nearest (in summed MRO distance) to (type_a,
    type_b); ties go to the one met first, nearer to type_a."""
    best, best_distance = None, None
    for distance_a, parent_a in enumerate(type_a.__mro__):
        for distance_b, parent_b in enumerate(type_b.__mro__):
            fn = _DIVERGENCES.get((parent_a, parent_b))
            if fn is not None and (best is None or distance_a + distance_b < best_distance):
                best, best_distance = fn, distance_a + distance_b
    return best


def kl_divergence(distribution_a, distribution_b, allow_nan_stats=True, name=None):
    """KL[distribution_a || distribution_b], batchwise, by the registered KL function.

    NotImplementedError when no function is registered for the two classes or their bases.
    With allow_nan_stats=False the result is checked for NaN when run (InvalidArgumentError).
    """
    kl_fn = _registered_kl(type(distribution_a), type(distribution_b))
    if kl_fn is None:
        raise NotImplementedError(
            "No KL(distribution_a || distribution_b) registered for distribution_a type %s "
            "and distribution_b type %s" % (type(distribution_a).__name__,
                                            type(distribution_b).__name__))
    with name_scope("KullbackLeibler"):
        kl = kl_fn(distribution_a, distribution_b, name=name)
        if allow_nan_stats:
            return kl
        kl = array_ops.identity(kl, name="kl")
        no_nan = math_ops.logical_not(math_ops.reduce_any(math_ops.is_nan(kl)))
        check = Assert(no_nan, ["KL calculation between %s and %s returned NaN values (and "
                                "was called with allow_nan_stats=False). Values:"
                                % (distribution_a.name, distribution_b.name), kl])
        with control_dependencies([check]):
            return array_ops.identity(kl, name="checked_kl")


def cross_entropy(ref, other, allow_nan_stats=True, name=None):
    """H[ref, other] = E_ref[-log other(X)] = entropy(ref) + KL[ref || other]."""
    with name_scope(name, "cross_entropy"):
        return ref.entropy() + kl_divergence(ref, other, allow_nan_stats=allow_nan_stats)


class RegisterKL:
    """Decorator registering fn(a, b, name=None) as the KL divergence of a pair of classes.

        @tf.distributions.RegisterKL(MyDist, tf.distributions.Normal)
        def _kl(a, b, name=None): ...

    Registering a pair twice is a ValueError.
    """

    def __init__(self, dist_cls_a, dist_cls_b):
        self._key = (dist_cls_a, dist_cls_b)

    def __call__(self, kl_fn):
        if not callable(kl_fn):
            raise TypeError("kl_fn must be callable, received: %s" % kl_fn)
        if self._key in _DIVERGENCES:
            raise ValueError("KL(%s || %s) has already been registered to: %s"
                             % (self._key[0].__name__, self._key[1].__name__,
                                _DIVERGENCES[self._key]))
        _DIVERGENCES[self._key] = kl_fn
        return kl_fn
