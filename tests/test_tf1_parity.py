"""minitf runs the TF1 programs of tests/tf1_parity_programs.py as TensorFlow does: the same
values (to 1e-5 relative in float32, 1e-10 in float64), op names and types, static shapes,
dtypes, variable names, collections, printed text, and error classes and messages.

`RECORDED` (at the end) holds what the programs gave with TensorFlow 2.21's
`tensorflow.compat.v1` (`tf.disable_v2_behavior()`; tf_keras 2.21 with TF_USE_LEGACY_KERAS=1 for
`tf.layers`), printed by running tests/tf1_parity_programs.py in a TensorFlow venv. Where minitf
differs on purpose, the tables below say how and why.
"""

import re

import numpy as np
import pytest

import minitf as tf
from tests.tf1_parity_programs import PROGRAMS, run_program

# -- comparing with what TensorFlow gave ---------------------------------------------------------

# TF 2.x reworded a few TF1 messages; these rewrites give TF1's wording back.
TF1_WORDING = [
    (r"for '\{\{node ([^}]+)\}\} = (\w+)\[.*?\]\(.*?\)'", r"for '\1' (op: '\2')"),
    (r"for Tensor (\S+), which has shape (.+)$", r"for Tensor '\1', which has shape '\2'"),
    (r'^Argument `fetch` = (.*) has invalid type "(\w+)" must be',
     r"Fetch argument \1 has invalid type <class '\2'>, must be"),
]

# Messages where minitf says something else, as (pattern, replacement) turning TF's message into
# minitf's, with the reason.
MESSAGE_DIFFERENCES = {
    # minitf checks grad_ys against ys up front; TF fails later, in the Sum gradient's Reshape.
    ("second_derivatives", "grad_error"): (
        r"^.*$", "grad_ys[0] has shape (2,), but ys[0] (Sum:0) has shape ()"),
    # minitf's shape functions do not add TF's 'input tensors computed as partial shapes'.
    ("array_pipeline", "reshape_error"): (r" and with input tensors computed as .*$", "."),
    # The permutation is an attribute in minitf (docs/differences.md), not an input.
    ("array_pipeline", "transpose_error"): (r", \[2\]\.$", "."),
    # minitf's conversion error does not name the op's parameter.
    ("counters_and_fetches", "dtype_error"): (
        r"^Expected (\w+) passed to .* got (.*) instead\. Error: .*$",
        r"Expected \1, got \2 instead."),
}

# The op an error names, where minitf's differs: TF guards a float-data Assert with a cond
# (minitf has no control flow), and TF's reader of an uninitialized variable fails where
# minitf's variable op itself does.
FAILING_OP_DIFFERENCES = {
    ("printing_and_asserts", "assert_error"): "all_positive/Assert",
    ("saver_round_trip", "unrestored_error"): "net/w",
}

# Observations where minitf deliberately differs: the value minitf gives instead.
VALUE_DIFFERENCES = {
    # tf.Assert with float data returns TF's AssertGuard cond's Merge op; minitf the Assert op.
    ("printing_and_asserts", "op_names"): [
        ("PrintV2", "PrintV2"), ("all_positive/Assert", "Assert"), ("small/Assert", "Assert")],
    ("printing_and_asserts", "control_inputs"): ["all_positive/Assert", "small/Assert"],
}

# Ops TF makes and minitf does not, by design (docs/differences.md): reduction axes,
# permutations, one_hot depths, split and concat axes are attributes in minitf, not Const inputs.
ATTRIBUTE_CONSTS = re.compile(r"^((\w+/)*Const(_\d+)?|.*/(reduction_indices|dimension|axis|perm|"
                              r"depth|split_dim|dim)):Const$")
# ... and other TF-only ops, by name prefix: TF reshapes softmax cross-entropy inputs to 2-D
# (minitf's op takes any rank) and keeps a dead Shape of sparse labels; tf.print formats in a
# StringFormat op (one PrintV2 in minitf); TF converts tf.Assert's data twice and guards float
# data with a cond.
TF_ONLY_OPS = {
    "mlp_adam": ("softmax_cross_entropy_with_logits/", "SparseSoftmaxCrossEntropyWithLogits/Shape"),
    "printing_and_asserts": ("StringFormat:", "all_positive/AssertGuard/", "small/Assert/data_0"),
}
MINITF_ONLY_OPS = {"printing_and_asserts": ["all_positive/Assert:Assert"]}


def tf1_message(message):
    for pattern, replacement in TF1_WORDING:
        message = re.sub(pattern, replacement, message)
    return message


def check_error(key, ours, theirs):
    (cls, message, op), (tf_cls, tf_message, tf_op) = ours, theirs
    assert cls == tf_cls, "%s: %s instead of TF's %s (%s)" % (key, cls, tf_cls, message)
    expected = tf1_message(tf_message)
    if key in MESSAGE_DIFFERENCES:
        pattern, replacement = MESSAGE_DIFFERENCES[key]
        assert re.search(pattern, expected), "%s: stale MESSAGE_DIFFERENCES entry" % (key,)
        expected = re.sub(pattern, replacement, expected)
    # minitf may add context after TF's words (the op, shapes, a hint); it keeps TF's words.
    assert expected.rstrip(".") in message, "%s:\n  TF:     %s\n  minitf: %s" % (
        key, expected, message)
    assert op == FAILING_OP_DIFFERENCES.get(key, tf_op), "%s: failing op %s, TF's %s" % (
        key, op, tf_op)


def check_ops(program, ours, theirs):
    ours, theirs = set(ours), set(theirs)
    tf_only = {o for o in theirs - ours if not ATTRIBUTE_CONSTS.match(o)
               and not o.startswith(TF_ONLY_OPS.get(program, ()))}
    assert not tf_only, "ops TF has and minitf lacks: %s" % sorted(tf_only)
    assert sorted(ours - theirs) == MINITF_ONLY_OPS.get(program, []), \
        "ops minitf has and TF lacks: %s" % sorted(ours - theirs)


def check_same(ours, theirs, where):
    """Recursive comparison: values to 1e-5 (float32) / 1e-10 (float64) relative, everything
    else exactly."""
    if isinstance(theirs, tuple) and len(theirs) == 3 and isinstance(theirs[0], str) and \
            isinstance(theirs[1], list):  # a value()
        assert ours[:2] == theirs[:2], "%s: dtype/shape %s, TF %s" % (where, ours[:2], theirs[:2])
        if theirs[0].startswith("float"):
            tol = 1e-10 if theirs[0] == "float64" else 1e-5
            np.testing.assert_allclose(ours[2], theirs[2], rtol=tol, atol=tol / 10,
                                       err_msg=where)
        else:
            assert ours[2] == theirs[2], "%s: %r, TF %r" % (where, ours[2], theirs[2])
    elif isinstance(theirs, (list, tuple)):
        assert len(ours) == len(theirs), "%s: %r, TF %r" % (where, ours, theirs)
        for i, (a, b) in enumerate(zip(ours, theirs)):
            check_same(a, b, "%s[%d]" % (where, i))
    else:
        assert ours == theirs, "%s: %r, TF %r" % (where, ours, theirs)


@pytest.mark.parametrize("program", PROGRAMS, ids=lambda p: p.__name__)
def test_program_behaves_as_in_tensorflow(program):
    name = program.__name__
    ours, theirs = run_program(tf, program), RECORDED[name]
    assert sorted(ours) == sorted(theirs)
    for key in sorted(theirs):
        if key.endswith("_error"):
            check_error((name, key), ours[key], theirs[key])
        elif key == "ops":
            check_ops(name, ours[key], theirs[key])
        elif (name, key) in VALUE_DIFFERENCES:
            assert ours[key] != theirs[key], "stale VALUE_DIFFERENCES entry %s" % key
            check_same(ours[key], VALUE_DIFFERENCES[name, key], "%s.%s" % (name, key))
        else:
            check_same(ours[key], theirs[key], "%s.%s" % (name, key))


def test_the_recording_covers_every_program():
    assert sorted(RECORDED) == sorted(p.__name__ for p in PROGRAMS)


# -- what TensorFlow 2.21 gave (printed by tests/tf1_parity_programs.py; not edited by hand) ----

RECORDED = {}

RECORDED['linear_regression'] = {
    'W': ('float32', [3, 1], [[0.9763431549072266], [-1.8547395467758179], [0.533961296081543]]),
    'b': ('float32', [], 1.0171000957489014),
    'dtypes': ['float32', 'float32', 'float32', 'float32', 'float32', 'float32'],
    'feed_shape_error': ('ValueError',
                         'Cannot feed value of shape (32, 2) for Tensor x:0, which has shape (?, '
                         '3)',
                         None),
    'grad_scopes': ['gradients/MatMul_grad', 'gradients/Mean_grad', 'gradients/Square_grad',
                    'gradients/add_grad', 'gradients/sub_grad'],
    'losses': [('float32', [], 2.900343179702759), ('float32', [], 8.050765037536621),
               ('float32', [], 5.089016914367676), ('float32', [], 2.553797721862793),
               ('float32', [], 1.3648710250854492), ('float32', [], 3.6978821754455566),
               ('float32', [], 2.6577281951904297), ('float32', [], 1.2144198417663574),
               ('float32', [], 0.7847325801849365), ('float32', [], 1.9220107793807983),
               ('float32', [], 1.483701229095459), ('float32', [], 0.665039598941803)],
    'matmul_error': ('ValueError',
                     "Dimensions must be equal, but are 3 and 4 for '{{node MatMul_1}} = "
                     'MatMul[T=DT_FLOAT, grad_a=false, grad_b=false, transpose_a=false, '
                     "transpose_b=false](x, ones)' with input shapes: [?,3], [4,1].",
                     None),
    'missing_feed_error': ('InvalidArgumentError',
                           "You must feed a value for placeholder tensor 'y' with dtype float and "
                           'shape [?,1]',
                           'y'),
    'names': ['x:0', 'y:0', 'W:0', 'b:0', 'add:0', 'Mean:0', 'GradientDescent', 'init'],
    'ops': ['Const:Const', 'GradientDescent/learning_rate:Const',
            'GradientDescent/update_W/ApplyGradientDescent:ApplyGradientDescent',
            'GradientDescent/update_b/ApplyGradientDescent:ApplyGradientDescent',
            'GradientDescent:NoOp', 'MatMul:MatMul', 'Mean:Mean', 'Square:Square',
            'W/Assign:Assign', 'W/read:Identity', 'W:VariableV2', 'add:Add', 'b/Assign:Assign',
            'b/initial_value:Const', 'b/read:Identity', 'b:VariableV2', 'init:NoOp', 'sub:Sub',
            'x:Placeholder', 'y:Placeholder', 'zeros:Const'],
    'predictions': ('float32', [4, 1],
                    [[0.4239204525947571], [1.5437474250793457], [-0.06289029121398926],
                     [-0.2617924213409424]]),
    'shapes': ['(?, 3)', '(?, 1)', '(3, 1)', '()', '(?, 1)', '()'],
    'trainable': ['W:0', 'b:0'],
}

RECORDED['logistic_regression'] = {
    'accuracy': ('float32', [], 1.0),
    'b': ('float64', [1], [-0.03464546187833591]),
    'dtype_error': ('TypeError',
                    "Input 'y' of 'Mul' Op has type float32 that does not match type float64 of "
                    "argument 'x'.",
                    None),
    'dtypes': ['float64', 'float64', 'float64', 'float64', 'float64', 'float64', 'float64',
               'float64', 'float32'],
    'grad_scopes': ['train/gradients/loss/Mean_grad',
                    'train/gradients/loss/logistic_loss/Exp_grad',
                    'train/gradients/loss/logistic_loss/Log1p_grad',
                    'train/gradients/loss/logistic_loss/Neg_grad',
                    'train/gradients/loss/logistic_loss/Select_1_grad',
                    'train/gradients/loss/logistic_loss/Select_grad',
                    'train/gradients/loss/logistic_loss/mul_grad',
                    'train/gradients/loss/logistic_loss/sub_grad',
                    'train/gradients/loss/logistic_loss_grad', 'train/gradients/model/MatMul_grad',
                    'train/gradients/model/logits_grad'],
    'names': ['inputs/x:0', 'model/w:0', 'model/b:0', 'model/logits:0', 'model/Sigmoid:0',
              'loss/logistic_loss:0', 'loss/Mean:0', 'eval/Cast:0', 'eval/Mean:0',
              'train/GradientDescent'],
    'ops': ['eval/Cast:Cast', 'eval/Cast_1:Cast', 'eval/Const:Const', 'eval/Equal:Equal',
            'eval/Greater/y:Const', 'eval/Greater:Greater', 'eval/Mean:Mean',
            'inputs/x:Placeholder', 'inputs/y:Placeholder', 'loss/Const:Const', 'loss/Mean:Mean',
            'loss/logistic_loss/Exp:Exp', 'loss/logistic_loss/GreaterEqual:GreaterEqual',
            'loss/logistic_loss/Log1p:Log1p', 'loss/logistic_loss/Neg:Neg',
            'loss/logistic_loss/Select:Select', 'loss/logistic_loss/Select_1:Select',
            'loss/logistic_loss/mul:Mul', 'loss/logistic_loss/sub:Sub',
            'loss/logistic_loss/zeros_like:ZerosLike', 'loss/logistic_loss:Add',
            'model/MatMul:MatMul', 'model/Sigmoid:Sigmoid', 'model/b/Assign:Assign',
            'model/b/read:Identity', 'model/b:VariableV2', 'model/logits:Add',
            'model/w/Assign:Assign', 'model/w/initial_value:Const', 'model/w/read:Identity',
            'model/w:VariableV2', 'model/zeros:Const', 'train/GradientDescent/learning_rate:Const',
            'train/GradientDescent/update_model/b/ApplyGradientDescent:ApplyGradientDescent',
            'train/GradientDescent/update_model/b/Cast:Cast',
            'train/GradientDescent/update_model/w/ApplyGradientDescent:ApplyGradientDescent',
            'train/GradientDescent/update_model/w/Cast:Cast', 'train/GradientDescent:NoOp'],
    'shapes': ['(?, 2)', '(2, 1)', '(1,)', '(?, 1)', '(?, 1)', '(?, 1)', '()', '(?, 1)', '()'],
    'trajectory': [('float64', [], 0.7364705131677998), ('float64', [], 0.3538772817334739),
                   ('float64', [], 0.2441549951665122), ('float64', [], 0.19177492983331784),
                   ('float64', [], 0.16031031837094983), ('float64', [], 0.13900867494256808)],
    'w': ('float64', [2, 1], [[1.0720493776058873], [0.6158019168644311]]),
    'xent': ('float64', [4, 1],
             [[0.2119281408722966], [0.008757406443581148], [0.03556062797148868],
              [0.09327562134399825]]),
}

RECORDED['mlp_adam'] = {
    'adam_m': ('float32', [8],
               [-0.15019944310188293, -0.00017545910668559372, -0.0475967638194561,
                -0.06833195686340332, 0.006811847444623709, -0.025677412748336792,
                -0.002458890900015831, -0.0036031666677445173]),
    'adam_v': ('float32', [8],
               [0.0007207482703961432, 3.79741209144413e-07, 0.00011820322106359527,
                0.00017320053302682936, 2.5951489988074172e-06, 5.237064397078939e-05,
                9.034005415742286e-06, 1.957347194547765e-06]),
    'correct': ('bool', [16],
                [True, False, False, False, False, False, False, False, False, True, False, True,
                 False, False, False, True]),
    'dtypes': ['float32', 'float32', 'float32', 'float32', 'int64', 'float32', 'bool'],
    'global_step': ('int64', [], 5),
    'globals': ['hidden/kernel:0', 'hidden/bias:0', 'dense/kernel:0', 'dense/bias:0',
                'global_step:0', 'beta1_power:0', 'beta2_power:0', 'hidden/kernel/Adam:0',
                'hidden/kernel/Adam_1:0', 'hidden/bias/Adam:0', 'hidden/bias/Adam_1:0',
                'dense/kernel/Adam:0', 'dense/kernel/Adam_1:0', 'dense/bias/Adam:0',
                'dense/bias/Adam_1:0'],
    'grad_scopes': ['gradients/Mean_grad',
                    'gradients/SparseSoftmaxCrossEntropyWithLogits/SparseSoftmaxCrossEntropyWithLogits_grad',
                    'gradients/dense/BiasAdd_grad', 'gradients/dense/MatMul_grad',
                    'gradients/hidden/BiasAdd_grad', 'gradients/hidden/MatMul_grad',
                    'gradients/hidden/Relu_grad'],
    'labels_error': ('ValueError',
                     '`labels.shape.rank` must equal `logits.shape.rank - 1`. Received: '
                     'labels.shape=(?, 3) of rank 2 and logits.shape=(?, 3) of rank 2',
                     None),
    'names': ['hidden/Relu:0', 'dense/BiasAdd:0', 'Mean:0', 'Mean_1:0', 'global_step:0',
              'ExponentialDecay:0', 'Equal:0', 'Adam'],
    'ops': ['Adam/Assign:Assign', 'Adam/Assign_1:Assign', 'Adam/beta1:Const', 'Adam/beta2:Const',
            'Adam/epsilon:Const', 'Adam/mul:Mul', 'Adam/mul_1:Mul', 'Adam/update:NoOp',
            'Adam/update_dense/bias/ApplyAdam:ApplyAdam',
            'Adam/update_dense/kernel/ApplyAdam:ApplyAdam',
            'Adam/update_hidden/bias/ApplyAdam:ApplyAdam',
            'Adam/update_hidden/kernel/ApplyAdam:ApplyAdam', 'Adam/value:Const', 'Adam:AssignAdd',
            'ArgMax/dimension:Const', 'ArgMax:ArgMax', 'Const:Const', 'Const_1:Const',
            'Equal:Equal', 'ExponentialDecay/Cast/x:Const', 'ExponentialDecay/Cast:Cast',
            'ExponentialDecay/Cast_1/x:Const', 'ExponentialDecay/Cast_2:Cast',
            'ExponentialDecay/Floor:Floor', 'ExponentialDecay/Pow:Pow',
            'ExponentialDecay/initial_learning_rate:Const', 'ExponentialDecay/truediv:RealDiv',
            'ExponentialDecay:Mul', 'Mean:Mean', 'Mean_1:Mean',
            'SparseSoftmaxCrossEntropyWithLogits/Shape:Shape',
            'SparseSoftmaxCrossEntropyWithLogits/SparseSoftmaxCrossEntropyWithLogits:SparseSoftmaxCrossEntropyWithLogits',
            'beta1_power/Assign:Assign', 'beta1_power/initial_value:Const',
            'beta1_power/read:Identity', 'beta1_power:VariableV2', 'beta2_power/Assign:Assign',
            'beta2_power/initial_value:Const', 'beta2_power/read:Identity',
            'beta2_power:VariableV2', 'dense/BiasAdd:BiasAdd', 'dense/MatMul:MatMul',
            'dense/bias/Adam/Assign:Assign', 'dense/bias/Adam/Initializer/zeros:Const',
            'dense/bias/Adam/read:Identity', 'dense/bias/Adam:VariableV2',
            'dense/bias/Adam_1/Assign:Assign', 'dense/bias/Adam_1/Initializer/zeros:Const',
            'dense/bias/Adam_1/read:Identity', 'dense/bias/Adam_1:VariableV2',
            'dense/bias/Assign:Assign', 'dense/bias/Initializer/Const:Const',
            'dense/bias/read:Identity', 'dense/bias:VariableV2', 'dense/kernel/Adam/Assign:Assign',
            'dense/kernel/Adam/Initializer/zeros:Const', 'dense/kernel/Adam/read:Identity',
            'dense/kernel/Adam:VariableV2', 'dense/kernel/Adam_1/Assign:Assign',
            'dense/kernel/Adam_1/Initializer/zeros:Const', 'dense/kernel/Adam_1/read:Identity',
            'dense/kernel/Adam_1:VariableV2', 'dense/kernel/Assign:Assign',
            'dense/kernel/Initializer/Const:Const', 'dense/kernel/read:Identity',
            'dense/kernel:VariableV2', 'global_step/Assign:Assign',
            'global_step/Initializer/zeros:Const', 'global_step/read:Identity',
            'global_step:VariableV2', 'hidden/BiasAdd:BiasAdd', 'hidden/MatMul:MatMul',
            'hidden/Relu:Relu', 'hidden/bias/Adam/Assign:Assign',
            'hidden/bias/Adam/Initializer/zeros:Const', 'hidden/bias/Adam/read:Identity',
            'hidden/bias/Adam:VariableV2', 'hidden/bias/Adam_1/Assign:Assign',
            'hidden/bias/Adam_1/Initializer/zeros:Const', 'hidden/bias/Adam_1/read:Identity',
            'hidden/bias/Adam_1:VariableV2', 'hidden/bias/Assign:Assign',
            'hidden/bias/Initializer/zeros:Const', 'hidden/bias/read:Identity',
            'hidden/bias:VariableV2', 'hidden/kernel/Adam/Assign:Assign',
            'hidden/kernel/Adam/Initializer/zeros:Const', 'hidden/kernel/Adam/read:Identity',
            'hidden/kernel/Adam:VariableV2', 'hidden/kernel/Adam_1/Assign:Assign',
            'hidden/kernel/Adam_1/Initializer/zeros:Const', 'hidden/kernel/Adam_1/read:Identity',
            'hidden/kernel/Adam_1:VariableV2', 'hidden/kernel/Assign:Assign',
            'hidden/kernel/Initializer/Const:Const', 'hidden/kernel/read:Identity',
            'hidden/kernel:VariableV2', 'one_hot/depth:Const', 'one_hot/off_value:Const',
            'one_hot/on_value:Const', 'one_hot:OneHot',
            'softmax_cross_entropy_with_logits/Rank:Const',
            'softmax_cross_entropy_with_logits/Rank_1:Const',
            'softmax_cross_entropy_with_logits/Rank_2:Const',
            'softmax_cross_entropy_with_logits/Reshape:Reshape',
            'softmax_cross_entropy_with_logits/Reshape_1:Reshape',
            'softmax_cross_entropy_with_logits/Reshape_2:Reshape',
            'softmax_cross_entropy_with_logits/Shape:Shape',
            'softmax_cross_entropy_with_logits/Shape_1:Shape',
            'softmax_cross_entropy_with_logits/Shape_2:Shape',
            'softmax_cross_entropy_with_logits/Slice/begin:Pack',
            'softmax_cross_entropy_with_logits/Slice/size:Const',
            'softmax_cross_entropy_with_logits/Slice:Slice',
            'softmax_cross_entropy_with_logits/Slice_1/begin:Pack',
            'softmax_cross_entropy_with_logits/Slice_1/size:Const',
            'softmax_cross_entropy_with_logits/Slice_1:Slice',
            'softmax_cross_entropy_with_logits/Slice_2/begin:Const',
            'softmax_cross_entropy_with_logits/Slice_2/size:Pack',
            'softmax_cross_entropy_with_logits/Slice_2:Slice',
            'softmax_cross_entropy_with_logits/Sub/y:Const',
            'softmax_cross_entropy_with_logits/Sub:Sub',
            'softmax_cross_entropy_with_logits/Sub_1/y:Const',
            'softmax_cross_entropy_with_logits/Sub_1:Sub',
            'softmax_cross_entropy_with_logits/Sub_2/y:Const',
            'softmax_cross_entropy_with_logits/Sub_2:Sub',
            'softmax_cross_entropy_with_logits/concat/axis:Const',
            'softmax_cross_entropy_with_logits/concat/values_0:Const',
            'softmax_cross_entropy_with_logits/concat:ConcatV2',
            'softmax_cross_entropy_with_logits/concat_1/axis:Const',
            'softmax_cross_entropy_with_logits/concat_1/values_0:Const',
            'softmax_cross_entropy_with_logits/concat_1:ConcatV2',
            'softmax_cross_entropy_with_logits:SoftmaxCrossEntropyWithLogits', 'x:Placeholder',
            'y:Placeholder'],
    'shapes': ['(?, 8)', '(?, 3)', '()', '()', '()', '()', '(?,)'],
    'slots': ['m', 'v'],
    'steps': [[('float32', [], 1.9731334447860718), ('float32', [], 1.9731334447860718),
               ('float32', [], 0.05000000074505806)],
              [('float32', [], 1.5697202682495117), ('float32', [], 1.5697202682495117),
               ('float32', [], 0.05000000074505806)],
              [('float32', [], 1.2845675945281982), ('float32', [], 1.2845675945281982),
               ('float32', [], 0.02500000037252903)],
              [('float32', [], 1.1928281784057617), ('float32', [], 1.1928281784057617),
               ('float32', [], 0.02500000037252903)],
              [('float32', [], 1.1296777725219727), ('float32', [], 1.1296777725219727),
               ('float32', [], 0.012500000186264515)]],
    'trainable': ['hidden/kernel:0', 'hidden/bias:0', 'dense/kernel:0', 'dense/bias:0'],
}

RECORDED['shared_tower'] = {
    'exists_error': ('ValueError',
                     'Variable tower/w already exists, disallowed. Did you mean to set reuse=True '
                     'or reuse=tf.AUTO_REUSE in VarScope?',
                     None),
    'globals': ['tower/w:0', 'tower/b:0', 'head/scale:0'],
    'grad_scopes': [],
    'missing_error': ('ValueError',
                      'Variable tower/z does not exist, or was not created with '
                      'tf.get_variable(). Did you mean to set reuse=tf.AUTO_REUSE in VarScope?',
                      None),
    'names': ['tower/Relu:0', 'tower/Relu_1:0', 'tower_1/Relu:0', 'head/scale:0', 'head/scale:0',
              'mul:0'],
    'ops': ['Abs:Abs', 'Sum/reduction_indices:Const', 'Sum:Sum', 'head/scale/Assign:Assign',
            'head/scale/Initializer/ones:Const', 'head/scale/read:Identity',
            'head/scale:VariableV2', 'left:Placeholder', 'mul:Mul', 'right:Placeholder', 'sub:Sub',
            'tower/MatMul:MatMul', 'tower/MatMul_1:MatMul', 'tower/Relu:Relu', 'tower/Relu_1:Relu',
            'tower/add:Add', 'tower/add_1:Add', 'tower/b/Assign:Assign',
            'tower/b/Initializer/zeros:Const', 'tower/b/read:Identity', 'tower/b:VariableV2',
            'tower/w/Assign:Assign', 'tower/w/Initializer/Const:Const', 'tower/w/read:Identity',
            'tower/w:VariableV2', 'tower_1/MatMul:MatMul', 'tower_1/Relu:Relu', 'tower_1/add:Add',
            'tower_1/mul/y:Const', 'tower_1/mul:Mul'],
    'same_scale': True,
    'scope_name': 'tower',
    'shape_error': ('ValueError',
                    'Trying to share variable tower/w, but specified shape (2, 2) and found shape '
                    '(3, 2).',
                    None),
    'shapes': ['(?, 2)', '(2, 2)', '(?, 2)', '(?,)'],
    'values': [('float32', [2, 2],
                [[0.40000003576278687, 1.0], [0.4000000059604645, 0.4000000059604645]]),
               ('float32', [2, 2],
                [[0.20000000298023224, 0.30000001192092896], [0.0, 0.30000001192092896]]),
               ('float32', [2, 2],
                [[0.8000000715255737, 2.0], [0.800000011920929, 0.800000011920929]]),
               ('float32', [2], [1.4000000953674316, 0.800000011920929])],
}

RECORDED['second_derivatives'] = {
    'grad_error': ('ValueError',
                   "Cannot reshape a tensor with 2 elements to shape [1] (1 elements) for '{{node "
                   'gradients_6/Sum_grad/Reshape}} = Reshape[T=DT_DOUBLE, '
                   "Tshape=DT_INT32](gradients_6/grad_ys_0, gradients_6/Sum_grad/Reshape/shape)' "
                   'with input shapes: [2], [1] and with input tensors computed as partial '
                   'shapes: input[1] = [1].',
                   None),
    'grad_scopes': ['gradients/Exp_grad', 'gradients/Log_grad', 'gradients/Sin_grad',
                    'gradients/Sum_grad', 'gradients/add_1_grad', 'gradients/mul_1_grad',
                    'gradients/mul_2_grad', 'gradients/mul_grad', 'gradients/pow_grad',
                    'gradients/sub_grad', 'gradients_1/add_1_grad',
                    'gradients_1/gradients/Log_grad', 'gradients_1/gradients/Sin_grad',
                    'gradients_1/gradients/mul_2_grad', 'gradients_1/gradients/pow_grad',
                    'gradients_1/mul_2_grad', 'gradients_2/Exp_grad',
                    'gradients_2/gradients/Sin_grad', 'gradients_2/gradients/mul_1_grad',
                    'gradients_2/gradients/mul_grad', 'gradients_2/gradients/pow_grad',
                    'gradients_3/Sum_1_grad', 'gradients_3/mul_4_grad', 'gradients_5/mul_5_grad',
                    'my_grads/Square_grad', 'my_grads/Tanh_grad'],
    'names': ['Sum:0', 'gradients', 'gradients', 'gradients_1', 'gradients_2',
              'gradients_3/mul_4_grad', 'gradients_5', 'my_grads/Tanh_grad'],
    'none': [True, True],
    'ops': ['Const:Const', 'Const_1:Const', 'Exp:Exp', 'Log:Log', 'Sin:Sin', 'Square:Square',
            'StopGradient:StopGradient', 'Sum:Sum', 'Sum_1:Sum', 'Tanh:Tanh', 'add:Add',
            'add_1/x:Const', 'add_1:Add', 'add_2:Add', 'mul:Mul', 'mul_1:Mul', 'mul_2:Mul',
            'mul_3:Mul', 'mul_4:Mul', 'mul_5:Mul', 'mul_6/y:Const', 'mul_6:Mul', 'ones:Const',
            'pow/y:Const', 'pow:Pow', 'sub:Sub', 'x:Placeholder', 'y/Assign:Assign',
            'y/initial_value:Const', 'y/read:Identity', 'y:VariableV2', 'z:Placeholder'],
    'shapes': ['(3,)', '(3,)', '(3,)', '(3,)', '(3,)', '(3,)'],
    'values': [('float64', [], 7.532470855416239),
               ('float64', [3], [1.3246248747010383, 2.620967031878803, 6.756172074348779]),
               ('float64', [3], [0.5772304506442483, 0.2530055572262392, 7.7951811792738335]),
               ('float64', [3], [-1.0190880383893877, -2.2224443212458778, -2.4991878539938437]),
               ('float64', [3], [2.175083590297368, -1.1186302835574387, 5.55164718747095]),
               ('float64', [3], [0.15, 0.7, 2.2]), ('float64', [3], [2.0, -1.0, 5.0]),
               ('float64', [3], [0.5331818782014544, -0.7672323100919164, 0.5750806044028614])],
}

RECORDED['array_pipeline'] = {
    'concat_error': ('TypeError',
                     "Tensors in list passed to 'values' of 'ConcatV2' Op have types [float32, "
                     "int32] that don't all match.",
                     None),
    'dtypes': ['int64', 'int32', 'int32', 'int32', 'float32', 'float32', 'float32', 'float32',
               'float32', 'float32', 'float32', 'float32', 'float32', 'float32', 'float32',
               'int32', 'float32', 'int32', 'float32', 'float32'],
    'gather_error': ('InvalidArgumentError', 'indices[1] = 7 is not in [0, 2)', 'GatherV2_1'),
    'grad_scopes': [],
    'names': ['ArgMax:0', 'Cast:0', 'Shape:0', 'ExpandDims:0', 'Reshape:0', 'GatherV2:0',
              'concat:0', 'strided_slice_1:0', 'Mean:0', 'strided_slice_3:0', 'one_hot:0', 'Pad:0',
              'strided_slice_2:0', 'split:1', 'Squeeze:0', 'stack:0', 'transpose:0', 'Tile:0',
              'Select:0', 'strided_slice:0'],
    'ops': ['ArgMax/dimension:Const', 'ArgMax:ArgMax', 'Cast:Cast', 'Const:Const',
            'ExpandDims/dim:Const', 'ExpandDims:ExpandDims', 'GatherV2/axis:Const',
            'GatherV2/indices:Const', 'GatherV2:GatherV2', 'Greater/y:Const', 'Greater:Greater',
            'Greater_1/y:Const', 'Greater_1:Greater', 'Mean/reduction_indices:Const', 'Mean:Mean',
            'Pad/paddings:Const', 'Pad:Pad', 'Reshape/shape:Const', 'Reshape:Reshape',
            'Select:Select', 'Shape:Shape', 'Squeeze:Squeeze', 'Sum/reduction_indices:Const',
            'Sum:Sum', 'Tile/multiples:Const', 'Tile:Tile', 'batch:Placeholder',
            'concat/axis:Const', 'concat:ConcatV2', 'ids:Placeholder', 'mul/y:Const', 'mul:Mul',
            'one_hot/Const:Const', 'one_hot/Const_1:Const', 'one_hot/depth:Const',
            'one_hot:OneHot', 'split/split_dim:Const', 'split:SplitV', 'stack:Pack',
            'strided_slice/stack:Const', 'strided_slice/stack_1:Const',
            'strided_slice/stack_2:Const', 'strided_slice:StridedSlice',
            'strided_slice_1/stack:Const', 'strided_slice_1/stack_1:Const',
            'strided_slice_1/stack_2:Const', 'strided_slice_1:StridedSlice',
            'strided_slice_2/stack:Const', 'strided_slice_2/stack_1:Const',
            'strided_slice_2/stack_2:Const', 'strided_slice_2:StridedSlice',
            'strided_slice_3/stack:Const', 'strided_slice_3/stack_1:Const',
            'strided_slice_3/stack_2:Const', 'strided_slice_3:StridedSlice',
            'strided_slice_4/stack:Const', 'strided_slice_4/stack_1:Const',
            'strided_slice_4/stack_2:Const', 'strided_slice_4:StridedSlice',
            'strided_slice_5/stack:Const', 'strided_slice_5/stack_1:Const',
            'strided_slice_5/stack_2:Const', 'strided_slice_5:StridedSlice',
            'strided_slice_6/stack:Const', 'strided_slice_6/stack_1:Const',
            'strided_slice_6/stack_2:Const', 'strided_slice_6:StridedSlice',
            'strided_slice_7/stack:Const', 'strided_slice_7/stack_1:Const',
            'strided_slice_7/stack_2:Const', 'strided_slice_7:StridedSlice',
            'strided_slice_8/stack:Const', 'strided_slice_8/stack_1:Const',
            'strided_slice_8/stack_2:Const', 'strided_slice_8:StridedSlice',
            'transpose/perm:Const', 'transpose:Transpose', 'zeros_like:ZerosLike'],
    'reshape_error': ('ValueError',
                      "Dimension size must be evenly divisible by 24 but is 25 for '{{node "
                      'Reshape_1}} = Reshape[T=DT_FLOAT, Tshape=DT_INT32](batch, '
                      "Reshape_1/shape)' with input shapes: [?,4,6], [2] and with input tensors "
                      'computed as partial shapes: input[1] = [5,5].',
                      None),
    'shapes': ['(?,)', '(?,)', '(3,)', '(?, 1)', '(?, 24)', '(?, 2, 6)', '(?, 4, 8)', '(?, 4)',
               '(?, 1, 1)', '(?, 1, 3)', '(?, 5)', '(?, 9)', '(4, 6)', '(?, 4, 4)', '(?, 6)',
               '(?, 2)', '(?, 6, 4)', '(?, 3)', '(?, 4, 6)', '(?, 2, 3)'],
    'transpose_error': ('ValueError',
                        "Dimension must be 3 but is 2 for '{{node transpose_1}} = "
                        "Transpose[T=DT_FLOAT, Tperm=DT_INT32](batch, transpose_1/perm)' with "
                        'input shapes: [?,4,6], [2].',
                        None),
    'values': [('int64', [2], [3, 3]), ('int32', [2], [0, 1]), ('int32', [3], [2, 4, 6]),
               ('int32', [2, 1], [[4], [1]]),
               ('float32', [2, 24],
                [[-10.0, -9.0, -8.0, -7.0, -6.0, -5.0, -4.0, -3.0, -2.0, -1.0, 0.0, 1.0, 2.0, 3.0,
                  4.0, 5.0, 6.0, 7.0, 8.0, 9.0, 10.0, 11.0, 12.0, 13.0],
                 [14.0, 15.0, 16.0, 17.0, 18.0, 19.0, 20.0, 21.0, 22.0, 23.0, 24.0, 25.0, 26.0,
                  27.0, 28.0, 29.0, 30.0, 31.0, 32.0, 33.0, 34.0, 35.0, 36.0, 37.0]]),
               ('float32', [2, 2, 6],
                [[[8.0, 9.0, 10.0, 11.0, 12.0, 13.0], [-10.0, -9.0, -8.0, -7.0, -6.0, -5.0]],
                 [[32.0, 33.0, 34.0, 35.0, 36.0, 37.0], [14.0, 15.0, 16.0, 17.0, 18.0, 19.0]]]),
               ('float32', [2, 4, 8],
                [[[-10.0, -9.0, -8.0, -7.0, -6.0, -5.0, -10.0, -9.0],
                  [-4.0, -3.0, -2.0, -1.0, 0.0, 1.0, -4.0, -3.0],
                  [2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 2.0, 3.0],
                  [8.0, 9.0, 10.0, 11.0, 12.0, 13.0, 8.0, 9.0]],
                 [[14.0, 15.0, 16.0, 17.0, 18.0, 19.0, 14.0, 15.0],
                  [20.0, 21.0, 22.0, 23.0, 24.0, 25.0, 20.0, 21.0],
                  [26.0, 27.0, 28.0, 29.0, 30.0, 31.0, 26.0, 27.0],
                  [32.0, 33.0, 34.0, 35.0, 36.0, 37.0, 32.0, 33.0]]]),
               ('float32', [2, 4], [[-5.0, 1.0, 7.0, 13.0], [19.0, 25.0, 31.0, 37.0]]),
               ('float32', [2, 1, 1], [[[1.5]], [[25.5]]]),
               ('float32', [2, 1, 3], [[[2.0, 3.0, 4.0]], [[26.0, 27.0, 28.0]]]),
               ('float32', [2, 5], [[-1.0, -1.0, -1.0, -1.0, 2.0], [-1.0, 2.0, -1.0, -1.0, -1.0]]),
               ('float32', [2, 9],
                [[0.0, -10.0, -9.0, -8.0, -7.0, -6.0, -5.0, 0.0, 0.0],
                 [0.0, 14.0, 15.0, 16.0, 17.0, 18.0, 19.0, 0.0, 0.0]]),
               ('float32', [4, 6],
                [[-10.0, -9.0, -8.0, -7.0, -6.0, -5.0], [-4.0, -3.0, -2.0, -1.0, 0.0, 1.0],
                 [2.0, 3.0, 4.0, 5.0, 6.0, 7.0], [8.0, 9.0, 10.0, 11.0, 12.0, 13.0]]),
               ('float32', [2, 4, 4],
                [[[-8.0, -7.0, -6.0, -5.0], [-2.0, -1.0, 0.0, 1.0], [4.0, 5.0, 6.0, 7.0],
                  [10.0, 11.0, 12.0, 13.0]],
                 [[16.0, 17.0, 18.0, 19.0], [22.0, 23.0, 24.0, 25.0], [28.0, 29.0, 30.0, 31.0],
                  [34.0, 35.0, 36.0, 37.0]]]),
               ('float32', [2, 6],
                [[-10.0, -9.0, -8.0, -7.0, -6.0, -5.0], [14.0, 15.0, 16.0, 17.0, 18.0, 19.0]]),
               ('int32', [2, 2], [[4, 8], [1, 2]]),
               ('float32', [2, 6, 4],
                [[[-10.0, -4.0, 2.0, 8.0], [-9.0, -3.0, 3.0, 9.0], [-8.0, -2.0, 4.0, 10.0],
                  [-7.0, -1.0, 5.0, 11.0], [-6.0, 0.0, 6.0, 12.0], [-5.0, 1.0, 7.0, 13.0]],
                 [[14.0, 20.0, 26.0, 32.0], [15.0, 21.0, 27.0, 33.0], [16.0, 22.0, 28.0, 34.0],
                  [17.0, 23.0, 29.0, 35.0], [18.0, 24.0, 30.0, 36.0], [19.0, 25.0, 31.0, 37.0]]]),
               ('int32', [2, 3], [[4, 4, 4], [1, 1, 1]]),
               ('float32', [2, 4, 6],
                [[[0.0, 0.0, 0.0, 0.0, 0.0, 0.0], [0.0, 0.0, 0.0, 0.0, 0.0, 0.0],
                  [0.0, 0.0, 0.0, 0.0, 0.0, 0.0], [0.0, 0.0, 0.0, 11.0, 12.0, 13.0]],
                 [[14.0, 15.0, 16.0, 17.0, 18.0, 19.0], [20.0, 21.0, 22.0, 23.0, 24.0, 25.0],
                  [26.0, 27.0, 28.0, 29.0, 30.0, 31.0], [32.0, 33.0, 34.0, 35.0, 36.0, 37.0]]]),
               ('float32', [2, 2, 3],
                [[[-4.0, -2.0, 0.0], [2.0, 4.0, 6.0]], [[20.0, 22.0, 24.0], [26.0, 28.0, 30.0]]])],
}

RECORDED['optimizer_slots'] = {
    'adagrad_losses': [('float32', [], 2.8278000354766846), ('float32', [], 1.245914101600647),
                       ('float32', [], 0.6481296420097351)],
    'adagrad_slots': ['accumulator', 'adagrad/w/Adagrad:0', '(2, 1)'],
    'adagrad_values': [('float32', [2, 1], [[-0.27043744921684265], [0.1483747959136963]]),
                       ('float32', [], 0.6327640414237976),
                       ('float32', [2, 1], [[6.32210636138916], [12.858717918395996]])],
    'centered_losses': [('float32', [], 2.8278000354766846), ('float32', [], 2.699195146560669),
                        ('float32', [], 2.5858728885650635)],
    'centered_slots': ['mg', 'momentum', 'rms', 'centered/w/RMSProp_1:0', 'centered/w/RMSProp_2:0',
                       'centered/w/RMSProp:0', '(2, 1)', '(2, 1)', '(2, 1)'],
    'centered_values': [('float32', [2, 1], [[0.25364360213279724], [-0.3407226800918579]]),
                        ('float32', [], 0.1519552767276764),
                        ('float32', [2, 1], [[0.468700110912323], [-0.7350523471832275]]),
                        ('float32', [2, 1], [[0.014873332343995571], [-0.017897455021739006]]),
                        ('float32', [2, 1], [[1.53971529006958], [2.7237331867218018]])],
    'globals': ['momentum/w:0', 'momentum/b:0', 'momentum/w/Momentum:0', 'momentum/b/Momentum:0',
                'nesterov/w:0', 'nesterov/b:0', 'nesterov/w/Momentum:0', 'nesterov/b/Momentum:0',
                'rmsprop/w:0', 'rmsprop/b:0', 'rmsprop/w/RMSProp:0', 'rmsprop/w/RMSProp_1:0',
                'rmsprop/b/RMSProp:0', 'rmsprop/b/RMSProp_1:0', 'centered/w:0', 'centered/b:0',
                'centered/w/RMSProp:0', 'centered/w/RMSProp_1:0', 'centered/w/RMSProp_2:0',
                'centered/b/RMSProp:0', 'centered/b/RMSProp_1:0', 'centered/b/RMSProp_2:0',
                'adagrad/w:0', 'adagrad/b:0', 'adagrad/w/Adagrad:0', 'adagrad/b/Adagrad:0'],
    'grad_scopes': ['gradients/MatMul_grad', 'gradients/Mean_grad', 'gradients/Square_grad',
                    'gradients/add_grad', 'gradients/sub_grad', 'gradients_1/MatMul_1_grad',
                    'gradients_1/Mean_1_grad', 'gradients_1/Square_1_grad',
                    'gradients_1/add_1_grad', 'gradients_1/sub_1_grad',
                    'gradients_2/MatMul_2_grad', 'gradients_2/Mean_2_grad',
                    'gradients_2/Square_2_grad', 'gradients_2/add_2_grad',
                    'gradients_2/sub_2_grad', 'gradients_3/MatMul_3_grad',
                    'gradients_3/Mean_3_grad', 'gradients_3/Square_3_grad',
                    'gradients_3/add_3_grad', 'gradients_3/sub_3_grad',
                    'gradients_4/MatMul_4_grad', 'gradients_4/Mean_4_grad',
                    'gradients_4/Square_4_grad', 'gradients_4/add_4_grad',
                    'gradients_4/sub_4_grad'],
    'momentum_losses': [('float32', [], 2.8278000354766846), ('float32', [], 1.5110063552856445),
                        ('float32', [], 0.33819738030433655)],
    'momentum_slots': ['momentum', 'momentum/w/Momentum:0', '(2, 1)'],
    'momentum_values': [('float32', [2, 1], [[-0.5790275931358337], [0.7206031680107117]]),
                        ('float32', [], 1.0041648149490356),
                        ('float32', [2, 1], [[3.919140338897705], [-4.114840030670166]])],
    'nesterov_losses': [('float32', [], 2.8278000354766846), ('float32', [], 0.7227582335472107),
                        ('float32', [], 0.1156628206372261)],
    'nesterov_slots': ['momentum', 'nesterov/w/Momentum:0', '(2, 1)'],
    'nesterov_values': [('float32', [2, 1], [[-0.7998924255371094], [0.7072914242744446]]),
                        ('float32', [], 1.046194076538086),
                        ('float32', [2, 1], [[3.3262979984283447], [-2.5747320652008057]])],
    'ops': ['Const:Const', 'Const_1:Const', 'Const_2:Const', 'Const_3:Const', 'Const_4:Const',
            'MatMul/a:Const', 'MatMul:MatMul', 'MatMul_1/a:Const', 'MatMul_1:MatMul',
            'MatMul_2/a:Const', 'MatMul_2:MatMul', 'MatMul_3/a:Const', 'MatMul_3:MatMul',
            'MatMul_4/a:Const', 'MatMul_4:MatMul', 'Mean:Mean', 'Mean_1:Mean', 'Mean_2:Mean',
            'Mean_3:Mean', 'Mean_4:Mean', 'Square:Square', 'Square_1:Square', 'Square_2:Square',
            'Square_3:Square', 'Square_4:Square', 'add:Add', 'add_1:Add', 'add_2:Add', 'add_3:Add',
            'add_4:Add', 'centered/b/Assign:Assign', 'centered/b/RMSProp/Assign:Assign',
            'centered/b/RMSProp/Initializer/ones:Const', 'centered/b/RMSProp/read:Identity',
            'centered/b/RMSProp:VariableV2', 'centered/b/RMSProp_1/Assign:Assign',
            'centered/b/RMSProp_1/Initializer/zeros:Const', 'centered/b/RMSProp_1/read:Identity',
            'centered/b/RMSProp_1:VariableV2', 'centered/b/RMSProp_2/Assign:Assign',
            'centered/b/RMSProp_2/Initializer/zeros:Const', 'centered/b/RMSProp_2/read:Identity',
            'centered/b/RMSProp_2:VariableV2', 'centered/b/initial_value:Const',
            'centered/b/read:Identity', 'centered/b:VariableV2', 'centered/w/Assign:Assign',
            'centered/w/RMSProp/Assign:Assign', 'centered/w/RMSProp/Initializer/ones:Const',
            'centered/w/RMSProp/read:Identity', 'centered/w/RMSProp:VariableV2',
            'centered/w/RMSProp_1/Assign:Assign', 'centered/w/RMSProp_1/Initializer/zeros:Const',
            'centered/w/RMSProp_1/read:Identity', 'centered/w/RMSProp_1:VariableV2',
            'centered/w/RMSProp_2/Assign:Assign', 'centered/w/RMSProp_2/Initializer/zeros:Const',
            'centered/w/RMSProp_2/read:Identity', 'centered/w/RMSProp_2:VariableV2',
            'centered/w/initial_value:Const', 'centered/w/read:Identity', 'centered/w:VariableV2',
            'momentum/b/Assign:Assign', 'momentum/b/Momentum/Assign:Assign',
            'momentum/b/Momentum/Initializer/zeros:Const', 'momentum/b/Momentum/read:Identity',
            'momentum/b/Momentum:VariableV2', 'momentum/b/initial_value:Const',
            'momentum/b/read:Identity', 'momentum/b:VariableV2', 'momentum/w/Assign:Assign',
            'momentum/w/Momentum/Assign:Assign', 'momentum/w/Momentum/Initializer/zeros:Const',
            'momentum/w/Momentum/read:Identity', 'momentum/w/Momentum:VariableV2',
            'momentum/w/initial_value:Const', 'momentum/w/read:Identity', 'momentum/w:VariableV2',
            'nesterov/b/Assign:Assign', 'nesterov/b/Momentum/Assign:Assign',
            'nesterov/b/Momentum/Initializer/zeros:Const', 'nesterov/b/Momentum/read:Identity',
            'nesterov/b/Momentum:VariableV2', 'nesterov/b/initial_value:Const',
            'nesterov/b/read:Identity', 'nesterov/b:VariableV2', 'nesterov/w/Assign:Assign',
            'nesterov/w/Momentum/Assign:Assign', 'nesterov/w/Momentum/Initializer/zeros:Const',
            'nesterov/w/Momentum/read:Identity', 'nesterov/w/Momentum:VariableV2',
            'nesterov/w/initial_value:Const', 'nesterov/w/read:Identity', 'nesterov/w:VariableV2',
            'rmsprop/b/Assign:Assign', 'rmsprop/b/RMSProp/Assign:Assign',
            'rmsprop/b/RMSProp/Initializer/ones:Const', 'rmsprop/b/RMSProp/read:Identity',
            'rmsprop/b/RMSProp:VariableV2', 'rmsprop/b/RMSProp_1/Assign:Assign',
            'rmsprop/b/RMSProp_1/Initializer/zeros:Const', 'rmsprop/b/RMSProp_1/read:Identity',
            'rmsprop/b/RMSProp_1:VariableV2', 'rmsprop/b/initial_value:Const',
            'rmsprop/b/read:Identity', 'rmsprop/b:VariableV2', 'rmsprop/w/Assign:Assign',
            'rmsprop/w/RMSProp/Assign:Assign', 'rmsprop/w/RMSProp/Initializer/ones:Const',
            'rmsprop/w/RMSProp/read:Identity', 'rmsprop/w/RMSProp:VariableV2',
            'rmsprop/w/RMSProp_1/Assign:Assign', 'rmsprop/w/RMSProp_1/Initializer/zeros:Const',
            'rmsprop/w/RMSProp_1/read:Identity', 'rmsprop/w/RMSProp_1:VariableV2',
            'rmsprop/w/initial_value:Const', 'rmsprop/w/read:Identity', 'rmsprop/w:VariableV2',
            'sub/y:Const', 'sub:Sub', 'sub_1/y:Const', 'sub_1:Sub', 'sub_2/y:Const', 'sub_2:Sub',
            'sub_3/y:Const', 'sub_3:Sub', 'sub_4/y:Const', 'sub_4:Sub', 'train_adagrad:NoOp',
            'train_centered/decay:Const', 'train_centered/epsilon:Const',
            'train_centered/learning_rate:Const', 'train_centered/momentum:Const',
            'train_centered/update_centered/b/ApplyCenteredRMSProp:ApplyCenteredRMSProp',
            'train_centered/update_centered/w/ApplyCenteredRMSProp:ApplyCenteredRMSProp',
            'train_centered:NoOp', 'train_momentum/learning_rate:Const',
            'train_momentum/momentum:Const',
            'train_momentum/update_momentum/b/ApplyMomentum:ApplyMomentum',
            'train_momentum/update_momentum/w/ApplyMomentum:ApplyMomentum', 'train_momentum:NoOp',
            'train_nesterov/learning_rate:Const', 'train_nesterov/momentum:Const',
            'train_nesterov/update_nesterov/b/ApplyMomentum:ApplyMomentum',
            'train_nesterov/update_nesterov/w/ApplyMomentum:ApplyMomentum', 'train_nesterov:NoOp',
            'train_rmsprop/decay:Const', 'train_rmsprop/epsilon:Const',
            'train_rmsprop/learning_rate:Const', 'train_rmsprop/momentum:Const',
            'train_rmsprop/update_rmsprop/b/ApplyRMSProp:ApplyRMSProp',
            'train_rmsprop/update_rmsprop/w/ApplyRMSProp:ApplyRMSProp', 'train_rmsprop:NoOp'],
    'rmsprop_losses': [('float32', [], 2.8278000354766846), ('float32', [], 2.7016305923461914),
                       ('float32', [], 2.5335967540740967)],
    'rmsprop_slots': ['momentum', 'rms', 'rmsprop/w/RMSProp_1:0', 'rmsprop/w/RMSProp:0', '(2, 1)',
                      '(2, 1)'],
    'rmsprop_values': [('float32', [2, 1], [[0.23631829023361206], [-0.3192511200904846]]),
                       ('float32', [], 0.17114758491516113),
                       ('float32', [2, 1], [[0.025044141337275505], [-0.030314752832055092]]),
                       ('float32', [2, 1], [[1.536224126815796], [2.707479238510132]])],
}

RECORDED['printing_and_asserts'] = {
    'assert_data_error': ('InvalidArgumentError', 'assertion failed: [too many values:] [6]',
                          'small/Assert'),
    'assert_error': ('InvalidArgumentError', 'assertion failed: [1 -2 3] [2]',
                     'all_positive/AssertGuard/Assert'),
    'control_inputs': ['all_positive/AssertGuard/Merge', 'small/Assert'],
    'grad_scopes': [],
    'logs': ('float32', [2], [0.0, 0.9999999403953552]),
    'names': ['Print:0', 'Print_1:0', 'Log:0', 'CheckNumerics:0'],
    'numerics_error': ('InvalidArgumentError', 'log went wrong : Tensor had Inf values',
                       'CheckNumerics'),
    'numerics_nan_error': ('InvalidArgumentError', 'log went wrong : Tensor had NaN values',
                           'CheckNumerics'),
    'op_names': [('PrintV2', 'PrintV2'), ('all_positive/AssertGuard/Merge', 'Merge'),
                 ('small/Assert', 'Assert')],
    'ops': ['All:All', 'CheckNumerics:CheckNumerics', 'Const:Const', 'Const_1:Const',
            'Greater/y:Const', 'Greater:Greater', 'Less/y:Const', 'Less:Less', 'Log:Log',
            'Log_1:Log', 'Print:Print', 'PrintV2:PrintV2', 'Print_1:Print', 'Shape:Shape',
            'Size:Size', 'Size_1:Size', 'StringFormat:StringFormat', 'Sum:Sum',
            'all_positive/AssertGuard/Assert/Switch:Switch',
            'all_positive/AssertGuard/Assert/Switch_1:Switch',
            'all_positive/AssertGuard/Assert/Switch_2:Switch',
            'all_positive/AssertGuard/Assert:Assert', 'all_positive/AssertGuard/Merge:Merge',
            'all_positive/AssertGuard/NoOp:NoOp', 'all_positive/AssertGuard/Switch:Switch',
            'all_positive/AssertGuard/control_dependency:Identity',
            'all_positive/AssertGuard/control_dependency_1:Identity',
            'all_positive/AssertGuard/pred_id:Identity',
            'all_positive/AssertGuard/switch_f:Identity',
            'all_positive/AssertGuard/switch_t:Identity', 'small/Assert/data_0:Const',
            'small/Assert:Assert', 'small/Const:Const', 'sub/y:Const', 'sub:Sub', 'x:Placeholder'],
    'printed': ['x and sum: [1 2 3 4...][21]\n', 'shape=[0]\n', 'total: 2.5 of [0.5 2]\n'],
    'shapes': ['()', '(?,)', '(?,)'],
    'shown': ('float32', [], 21.0),
}

RECORDED['saver_round_trip'] = {
    'changed': [('float32', [2, 2], [[0.0, 0.0], [0.0, 0.0]]), ('float32', [2], [9.0, 9.0]),
                ('int32', [], 2), ('float32', [1, 2], [[9.0, 9.0]])],
    'collections': ['outputs', 'trainable_variables', 'variables'],
    'global': ['net/w:0', 'net/b:0', 'counter:0'],
    'grad_scopes': [],
    'latest': 'weights',
    'listed': [('counter', []), ('net/b', [2]), ('net/w', [2, 2])],
    'loaded': ('float32', [2, 2], [[1.0, 2.0], [3.0, 4.0]]),
    'missing_error': ('ValueError', 'The passed save_path is not a valid checkpoint: <dir>/none',
                      None),
    'ops': ['AssignAdd/value:Const', 'AssignAdd:AssignAdd', 'MatMul:MatMul', 'add:Add',
            'counter/Assign:Assign', 'counter/initial_value:Const', 'counter/read:Identity',
            'counter:VariableV2', 'net/b/Assign:Assign', 'net/b/initial_value:Const',
            'net/b/read:Identity', 'net/b:VariableV2', 'net/w/Assign:Assign',
            'net/w/initial_value:Const', 'net/w/read:Identity', 'net/w:VariableV2', 'ones:Const',
            'partial/Assign:Assign', 'partial/Const:PlaceholderWithDefault',
            'partial/RestoreV2/shape_and_slices:Const', 'partial/RestoreV2/tensor_names:Const',
            'partial/RestoreV2:RestoreV2', 'partial/SaveV2/shape_and_slices:Const',
            'partial/SaveV2/tensor_names:Const', 'partial/SaveV2:SaveV2',
            'partial/control_dependency:Identity', 'partial/filename/input:Const',
            'partial/filename:PlaceholderWithDefault', 'partial/restore_all:NoOp',
            'save/Assign:Assign', 'save/Assign_1:Assign', 'save/Assign_2:Assign',
            'save/Const:PlaceholderWithDefault', 'save/RestoreV2/shape_and_slices:Const',
            'save/RestoreV2/tensor_names:Const', 'save/RestoreV2:RestoreV2',
            'save/SaveV2/shape_and_slices:Const', 'save/SaveV2/tensor_names:Const',
            'save/SaveV2:SaveV2', 'save/control_dependency:Identity', 'save/filename/input:Const',
            'save/filename:PlaceholderWithDefault', 'save/restore_all:NoOp'],
    'outputs': ['add:0', 'AssignAdd:0'],
    'partial': [('float32', [2, 2], [[1.0, 2.0], [3.0, 4.0]]), ('float32', [2], [0.5, -0.5])],
    'paths': ['model.ckpt-1', 'weights'],
    'restored': [('float32', [2, 2], [[1.0, 2.0], [3.0, 4.0]]), ('float32', [2], [0.5, -0.5]),
                 ('int32', [], 1), ('float32', [1, 2], [[4.5, 5.5]])],
    'scoped': ['net/w:0', 'net/b:0'],
    'trainable': ['net/w:0', 'net/b:0'],
    'unrestored_error': ('FailedPreconditionError', 'Attempting to use uninitialized value net/w',
                         'net/w/read'),
}

RECORDED['counters_and_fetches'] = {
    'after_reset': [('int32', [], 0), ('float32', [], 0.0)],
    'assign_error': ('ValueError',
                     "Shapes must be equal rank, but are 0 and 1 for '{{node Assign_3}} = "
                     'Assign[T=DT_INT32, use_locking=true, validate_shape=true](count, '
                     "Assign_3/value)' with input shapes: [], [2].",
                     None),
    'control_inputs': ['AssignAdd', 'AssignAdd_1'],
    'doubled': ('float32', [], 19.0),
    'dtype_error': ('TypeError',
                    "Expected int32 passed to parameter 'value' of op 'AssignAdd', got 1.5 of "
                    "type 'float' instead. Error: Expected int32, but got 1.5 of type 'float'.",
                    None),
    'fetch_error': ('TypeError',
                    'Argument `fetch` = 3 has invalid type "int" must be a string or Tensor. (Can '
                    'not convert a int into a Tensor or Operation.)',
                    None),
    'grad_scopes': [],
    'names': ['AssignAdd:0', 'AssignAdd_1:0', 'mean:0', 'read_2:0', 'Assign_2:0'],
    'nested': [('int32', [], 4), ('float32', [], 9.5), ('int32', [], 4)],
    'op_names': ['update', 'NoOp', 'group_deps', 'NoOp'],
    'ops': ['Assign/value:Const', 'Assign:Assign', 'AssignAdd:AssignAdd',
            'AssignAdd_1/value:Const', 'AssignAdd_1:AssignAdd', 'Assign_1/value:Const',
            'Assign_1:Assign', 'Assign_2:Assign', 'Cast:Cast', 'count/Assign:Assign',
            'count/initial_value:Const', 'count/read:Identity', 'count:VariableV2',
            'group_deps:NoOp', 'mean:Identity', 'mul/y:Const', 'mul:Mul', 'read:Identity',
            'read_1:Identity', 'read_2:Identity', 'total/Assign:Assign',
            'total/initial_value:Const', 'total/read:Identity', 'total:VariableV2',
            'truediv:RealDiv', 'update:NoOp', 'x:Placeholder'],
    'runs': [[('total', 'count'), ('float32', [], 1.0), ('float32', [], 1.0), ('int32', [], 1)],
             [('total', 'count'), ('float32', [], 1.5), ('float32', [], 3.0), ('int32', [], 2)],
             [('total', 'count'), ('float32', [], 3.0), ('float32', [], 9.0), ('int32', [], 3)]],
    'shapes': ['()', '()', '()', '()', '()'],
    'ticked': [True, ('int32', [], 4)],
    'ticked_control_inputs': ['update'],
}
