"""Array ops under TF's module name (`array_ops`): the public functions, re-exported from the
modules that hold each op family (see docs/architecture.md, "The ops layer")."""

from minitf.ops.core import (placeholder, placeholder_with_default, identity, identity_n,
                             stop_gradient, shape,
                             reshape, fill, zeros, ones, zeros_like, ones_like, broadcast_to,
                             expand_dims, stack, unstack)
from minitf.ops.shape_ops import (shape_n, size, rank, squeeze, transpose, reverse, reverse_v2,
                                  ensure_shape, broadcast_static_shape, broadcast_dynamic_shape,
                                  roll, invert_permutation)
from minitf.ops.ranges import meshgrid, one_hot
from minitf.ops.join_split import concat, parallel_stack, split, tile
from minitf.ops.gather_scatter import (gather, gather_nd, scatter_nd, boolean_mask,
                                      tensor_scatter_nd_update, tensor_scatter_nd_add,
                                      tensor_scatter_nd_sub, tensor_scatter_nd_max,
                                      tensor_scatter_nd_min)
from minitf.ops.partition_ops import dynamic_partition, dynamic_stitch
from minitf.ops.space_batch_ops import (space_to_depth, depth_to_space, space_to_batch_nd,
                                       batch_to_space_nd, space_to_batch, batch_to_space,
                                       extract_image_patches, extract_volume_patches,
                                       required_space_to_batch_paddings)
from minitf.ops.index_ops import unravel_index, searchsorted
from minitf.ops.scatter_ops import (scatter_add, scatter_sub, scatter_update, scatter_mul,
                                    scatter_div, scatter_max, scatter_min, scatter_nd_update,
                                    scatter_nd_add, scatter_nd_sub, batch_scatter_update)
from minitf.ops.slicing import pad, slice, strided_slice, newaxis
from minitf.ops.core import bitcast, guarantee_const

__all__ = ["parallel_stack", "placeholder", "placeholder_with_default", "identity", "identity_n", "stop_gradient", "shape",
           "shape_n", "size", "rank", "reshape", "fill", "zeros", "ones", "zeros_like",
           "ones_like", "broadcast_to", "expand_dims", "squeeze", "stack", "unstack", "concat",
           "split", "transpose", "reverse", "tile", "pad", "gather", "gather_nd", "scatter_nd",
           "slice", "strided_slice", "one_hot", "boolean_mask", "newaxis", "meshgrid",
           "tensor_scatter_nd_update", "tensor_scatter_nd_add", "tensor_scatter_nd_sub",
           "tensor_scatter_nd_max", "tensor_scatter_nd_min", "tensor_scatter_update",
           "tensor_scatter_add", "tensor_scatter_sub", "scatter_add", "scatter_sub",
           "scatter_update", "scatter_mul", "scatter_div", "scatter_max", "scatter_min",
           "scatter_nd_update", "scatter_nd_add", "scatter_nd_sub", "dynamic_partition",
           "dynamic_stitch", "reverse_v2", "ensure_shape", "broadcast_static_shape",
           "broadcast_dynamic_shape", "unravel_index", "roll", "invert_permutation",
           "searchsorted", "space_to_depth", "depth_to_space", "space_to_batch_nd",
           "batch_to_space_nd", "space_to_batch", "batch_to_space", "extract_image_patches",
           "extract_volume_patches", "required_space_to_batch_paddings", "batch_scatter_update", "bitcast", "guarantee_const"]

# TF 1.15's shorter names of the same functions
tensor_scatter_update = tensor_scatter_nd_update
tensor_scatter_add = tensor_scatter_nd_add
tensor_scatter_sub = tensor_scatter_nd_sub
