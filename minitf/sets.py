"""tf.sets: set operations along the last dimension (TF 1.15's set_* names and the TF 2
spellings it also exports)."""

from minitf.ops.set_ops import set_difference, set_intersection, set_size, set_union

intersection, union, difference, size = set_intersection, set_union, set_difference, set_size

__all__ = ["difference", "intersection", "set_difference", "set_intersection", "set_size",
           "set_union", "size", "union"]
