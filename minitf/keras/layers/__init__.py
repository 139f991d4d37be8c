"""keras.layers."""

from minitf.keras.engine import Input, InputLayer, Layer
from minitf.keras.layers.core import (ELU, Activation, Add, Average, BatchNormalization,
                                      Concatenate, Dense, Dot, Dropout, Embedding, Flatten,
                                      Lambda, LeakyReLU, Maximum, Minimum, Multiply, Permute,
                                      PReLU, ReLU, RepeatVector, Reshape, Softmax, Subtract, add,
                                      average, concatenate, dot, maximum, minimum, multiply,
                                      subtract)
from minitf.keras.layers.convolutional import (AveragePooling1D, AveragePooling2D, AvgPool1D,
                                               AvgPool2D, Conv1D, Conv2D, Conv2DTranspose,
                                               Convolution1D, Convolution2D, Cropping2D,
                                               Deconv2D, Deconvolution2D, DepthwiseConv2D,
                                               GlobalAveragePooling1D,
                                               GlobalAveragePooling2D, GlobalAvgPool1D,
                                               GlobalAvgPool2D, GlobalMaxPool1D,
                                               GlobalMaxPool2D, GlobalMaxPooling1D,
                                               GlobalMaxPooling2D, MaxPool1D, MaxPool2D,
                                               MaxPooling1D, MaxPooling2D, SeparableConv2D,
                                               SeparableConvolution2D, UpSampling2D,
                                               ZeroPadding2D)
from minitf.keras.layers.recurrent import GRU, LSTM, Bidirectional, SimpleRNN, TimeDistributed
