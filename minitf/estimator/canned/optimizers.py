"""The optimizer a canned estimator trains with: an Optimizer, a callable making one, or one
of TF's names ('Adagrad', 'Adam', 'Ftrl', 'RMSProp', 'SGD') at the estimator's learning rate."""

from minitf.train.adagrad import AdagradOptimizer
from minitf.train.adam import AdamOptimizer
from minitf.train.ftrl import FtrlOptimizer
from minitf.train.gradient_descent import GradientDescentOptimizer
from minitf.train.optimizer import Optimizer
from minitf.train.rmsprop import RMSPropOptimizer

_BY_NAME = {"Adagrad": AdagradOptimizer, "Adam": AdamOptimizer, "Ftrl": FtrlOptimizer,
            "RMSProp": RMSPropOptimizer, "SGD": GradientDescentOptimizer}


def get_optimizer_instance(opt, learning_rate=None):
    """`opt` as an Optimizer (a name is made at `learning_rate`; a callable is called)."""
    if isinstance(opt, str):
        if opt not in _BY_NAME:
            raise ValueError("Unsupported optimizer name: {}. Supported names are: {}".format(
                opt, tuple(sorted(_BY_NAME))))
        if not learning_rate:
            raise ValueError("learning_rate must be specified when opt is string.")
        return _BY_NAME[opt](learning_rate=learning_rate)
    if callable(opt) and not isinstance(opt, Optimizer):
        opt = opt()
    if not isinstance(opt, Optimizer):
        raise ValueError("The given object is not an Optimizer instance. Given: {}".format(opt))
    return opt
