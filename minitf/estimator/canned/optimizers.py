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


def tf_checkpoint_keys(spec, optimizer, scope_name, config):
    """`spec` (a TRAIN one) with a Saver writing TF's checkpoint keys. TF 1.15 makes a canned
    estimator's variables one-part partitioned variables and runs its optimizer inside their
    variable scope `scope_name`, so a slot is named by cutting
    "<scope_name>/<var>/part_0/<Slot>" after len("<var>/part_0/") characters: DNNs write
    dnn/hiddenlayer_0/kernel/t_0/Adagrad, linear models linear/.../weights/part_0/Ftrl.
    minitf's variables are whole; the Saver gives their slots those keys, so checkpoints go
    both ways between TF and minitf, optimizer state included."""
    from minitf.framework.graph import GraphKeys, get_collection
    from minitf.train.monitored_session import Scaffold
    from minitf.train.saver import Saver
    if spec.mode != "train" or spec.scaffold.saver is not None:
        return spec
    variables = get_collection(GraphKeys.GLOBAL_VARIABLES)
    keys = {}
    for var in variables:
        for name in optimizer.get_slot_names():
            slot = optimizer.get_slot(var, name)
            if slot is None:
                continue
            suffix = slot.op.name[len(var.op.name) + 1:]
            scoped = "%s/%s/part_0/%s" % (scope_name, var.op.name, suffix)
            keys[slot] = "%s/%s" % (var.op.name, scoped[len(var.op.name) + len("/part_0") + 1:])
    var_list = {keys.get(v, v.op.name): v for v in variables}
    saver = Saver(var_list, sharded=True, max_to_keep=config.keep_checkpoint_max,
                  keep_checkpoint_every_n_hours=config.keep_checkpoint_every_n_hours,
                  save_relative_paths=True)
    return spec._replace(scaffold=Scaffold(saver=saver, copy_from_scaffold=spec.scaffold))
