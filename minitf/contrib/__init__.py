"""tf.contrib: the parts of TF1's contrib that tutorials import (one submodule per area)."""

from minitf.contrib import framework  # noqa: F401
from minitf.contrib import layers  # noqa: F401
from minitf.contrib import legacy_seq2seq  # noqa: F401
from minitf.contrib import lookup  # noqa: F401
from minitf.contrib import losses  # noqa: F401
from minitf.contrib import metrics  # noqa: F401
from minitf.contrib import rnn  # noqa: F401
from minitf.contrib import seq2seq  # noqa: F401
from minitf.contrib import slim  # noqa: F401
from minitf.contrib import training  # noqa: F401
from minitf.contrib import crf  # noqa: F401
from minitf.contrib import opt  # noqa: F401
from minitf.contrib import image  # noqa: F401
