"""tf.contrib.rnn: the names TF1 programs import the recurrent cells and static_rnn by."""

from minitf.nn.rnn_cell import (BasicLSTMCell, BasicRNNCell, DropoutWrapper, GRUCell, LSTMCell,
                                LSTMStateTuple, MultiRNNCell, ResidualWrapper, RNNCell)
from minitf.ops.rnn import static_bidirectional_rnn, static_rnn

__all__ = ["RNNCell", "BasicRNNCell", "BasicLSTMCell", "LSTMCell", "GRUCell", "MultiRNNCell",
           "DropoutWrapper", "ResidualWrapper", "LSTMStateTuple", "static_rnn",
           "static_bidirectional_rnn"]
