"""tf.debugging: assertions and numeric checks (the same functions are also at the top level)."""

from minitf.ops.logging_ops import (Assert, assert_equal, assert_greater, assert_greater_equal,
                                    assert_integer, assert_less, assert_less_equal,
                                    assert_negative, assert_non_negative, assert_non_positive,
                                    assert_none_equal, assert_positive, assert_proper_iterable,
                                    assert_rank,
                                    assert_rank_at_least, assert_scalar, assert_type,
                                    check_numerics, assert_near, assert_rank_in,
                                    assert_same_float_dtype, is_non_decreasing, is_numeric_tensor,
                                    is_strictly_increasing, verify_tensor_all_finite)
from minitf.ops.math_ops import is_finite, is_inf, is_nan
from minitf.ops.shape_assertions import assert_shapes

__all__ = ["Assert", "assert_equal", "assert_greater", "assert_greater_equal", "assert_integer",
           "assert_less", "assert_less_equal", "assert_negative", "assert_non_negative",
           "assert_non_positive", "assert_none_equal", "assert_positive",
           "assert_proper_iterable", "assert_rank",
           "assert_rank_at_least", "assert_scalar", "assert_type", "check_numerics",
           "is_finite", "is_inf", "is_nan", "assert_near", "assert_rank_in",
           "assert_same_float_dtype", "is_non_decreasing", "is_strictly_increasing",
           "assert_all_finite", "is_numeric_tensor", "assert_shapes"]

assert_all_finite = verify_tensor_all_finite  # (TF 1.15's tf.debugging name for it)
