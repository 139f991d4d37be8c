"""keras.layers."""

from minitf.keras.engine import Input, InputLayer, Layer
from minitf.keras.layers.core import (ELU, Activation, Add, Average, BatchNormalization,
                                      Concatenate, Dense, Dot, Dropout, Embedding, Flatten,
                                      Lambda, LeakyReLU, Maximum, Minimum, Multiply, Permute,
                                      PReLU, ReLU, RepeatVector, Reshape, Softmax, Subtract, add,
                                      average, concatenate, dot, maximum, minimum, multiply,
                                      subtract)
