"""tf.nn.rnn_cell: TF1's recurrent cells and wrappers (also tf.contrib.rnn)."""

from minitf.ops.rnn_cell_impl import (BasicLSTMCell, BasicRNNCell, DropoutWrapper, GRUCell,
                                      LSTMCell, LSTMStateTuple, MultiRNNCell, ResidualWrapper,
                                      RNNCell)

__all__ = ["RNNCell", "BasicRNNCell", "BasicLSTMCell", "LSTMCell", "GRUCell", "MultiRNNCell",
           "DropoutWrapper", "ResidualWrapper", "LSTMStateTuple"]
