"""tf.train.Checkpoint and tf.train.CheckpointManager: TF's object-based checkpoints, in graph
mode (TF 1.15's tf.train.Checkpoint).

A Checkpoint names objects, not graph variables: its keyword arguments are its children, an
optimizer's children are its non-slot variables (Adam's beta1_power), and each variable is
stored under the path of local names that leads to it from the root,
`model/layer/kernel/.ATTRIBUTES/VARIABLE_VALUE`; an optimizer's slot for a variable under
`<variable's path>/.OPTIMIZER_SLOT/<optimizer's path>/<slot name>/...`. The checkpoint also
holds that object graph, a serialized TrackableObjectGraph, under `_CHECKPOINTABLE_OBJECT_GRAPH`;
restoring walks it from the root, matching children by local name, so a variable's graph name
never matters. The files are TF's V2 bundles (minitf/train/bundle.py): TF 2.21 restores
minitf's checkpoints and minitf restores TF's.

Saving reads the variables with one Session.run and writes the bundle; restoring matches the
objects when the restore runs (so objects created between `restore` and `run_restore_ops`,
an optimizer's slots for instance, are restored, as TF's deferred restoration does) and reads
each value straight into its variable.
"""

import collections
import glob
import os
import time

import numpy as np

from minitf import errors
from minitf.framework.context import default_session_for
from minitf.framework.graph import get_default_graph
from minitf.ops import variables as variables_module
from minitf.protos import trackable_object_graph_pb2
from minitf.train import bundle, checkpoint_state
from minitf.train.optimizer import Optimizer
from minitf.train.saver import _check_checkpoint_matches, _restore_in_place, open_checkpoint

__all__ = ["Checkpoint", "CheckpointManager"]

OBJECT_GRAPH_KEY = "_CHECKPOINTABLE_OBJECT_GRAPH"
_VARIABLE_VALUE = "VARIABLE_VALUE"
_ObjectGraph = trackable_object_graph_pb2.TrackableObjectGraph


def _is_trackable(obj):
    return isinstance(obj, (variables_module.Variable, Optimizer, Checkpoint))


def _children(obj, graph):
    """An object's (local name, child) pairs in TF's order: a Checkpoint's in the order they
    were set (its keyword arguments sorted), an optimizer's non-slot variables of `graph` by
    name."""
    if isinstance(obj, Checkpoint):
        return list(obj._tracked.items())
    if isinstance(obj, Optimizer):
        return sorted((name, var) for (name, g), var in obj._non_slot.items() if g is graph)
    return []


def _escape(name):
    """A local name as it appears in a checkpoint key ('/' separates the path's names)."""
    return name.replace(".", "..").replace("/", ".S")


class _View:
    """The object graph from a root as TF numbers it: breadth first, children in order, then
    the optimizers' slot variables (slot names sorted, then the variables in node order)."""

    def __init__(self, root, graph):
        self.nodes, self.paths, self.refs = [root], [()], [[]]
        ids = {id(root): 0}
        queue = collections.deque([0])
        while queue:
            node = queue.popleft()
            for name, child in _children(self.nodes[node], graph):
                if id(child) not in ids:
                    ids[id(child)] = len(self.nodes)
                    self.nodes.append(child)
                    self.paths.append(self.paths[node] + (_escape(name),))
                    self.refs.append([])
                    queue.append(ids[id(child)])
                self.refs[node].append((name, ids[id(child)]))
        self.slots = collections.defaultdict(list)  # optimizer node: [(variable, name, slot)]
        self.keys = {}
        for node, path in enumerate(self.paths):
            if isinstance(self.nodes[node], variables_module.Variable):
                self.keys[node] = "/".join(path) + "/.ATTRIBUTES/" + _VARIABLE_VALUE
        non_slot = len(self.nodes)
        for opt_id in range(non_slot):
            optimizer = self.nodes[opt_id]
            if not isinstance(optimizer, Optimizer):
                continue
            for slot_name in optimizer.get_slot_names():
                for var_id in range(non_slot):
                    var = self.nodes[var_id]
                    slot = (optimizer.get_slot(var, slot_name)
                            if isinstance(var, variables_module.Variable) else None)
                    if slot is None:
                        continue
                    slot_id = len(self.nodes)
                    self.nodes.append(slot)
                    self.refs.append([])
                    self.slots[opt_id].append((var_id, slot_name, slot_id))
                    self.keys[slot_id] = "%s/.OPTIMIZER_SLOT/%s/%s/.ATTRIBUTES/%s" % (
                        "/".join(self.paths[var_id]), "/".join(self.paths[opt_id]),
                        _escape(slot_name), _VARIABLE_VALUE)

    def variables(self):
        """[(node id, variable)] of every variable in the graph, in node order."""
        return [(i, v) for i, v in enumerate(self.nodes) if i in self.keys]

    def proto(self):
        """The TrackableObjectGraph TF writes for this graph."""
        graph = _ObjectGraph()
        for node, obj in enumerate(self.nodes):
            proto = graph.nodes.add()
            for name, child in self.refs[node]:
                proto.children.add(node_id=child, local_name=name)
            if node in self.keys:
                proto.attributes.add(name=_VARIABLE_VALUE, full_name=obj.op.name,
                                     checkpoint_key=self.keys[node])
            for var_id, slot_name, slot_id in self.slots.get(node, ()):
                proto.slot_variables.add(original_variable_node_id=var_id, slot_name=slot_name,
                                         slot_variable_node_id=slot_id)
        _mark_checkpoint_values(graph)
        return graph


def _mark_checkpoint_values(graph):
    """TF's has_checkpoint_values: whether a node, or a node below it, holds values."""
    parents = collections.defaultdict(set)
    for node, proto in enumerate(graph.nodes):
        for child in proto.children:
            parents[child.node_id].add(node)
    holding = {n for n, p in enumerate(graph.nodes) if p.attributes or p.slot_variables}
    queue = list(holding)
    while queue:
        for parent in parents.pop(queue.pop(), ()):
            if parent not in holding:
                holding.add(parent)
                queue.append(parent)
    for node, proto in enumerate(graph.nodes):
        proto.has_checkpoint_values.value = node in holding


def _node_names(graph):
    """TF's readable names of a checkpoint's nodes: (root).model.layer, and for a slot
    "<optimizer>'s state 'm' for <variable>"."""
    names, queue = {0: "(root)"}, collections.deque([0])
    while queue:
        node = queue.popleft()
        for child in graph.nodes[node].children:
            if child.node_id not in names:
                names[child.node_id] = names[node] + "." + child.local_name
                queue.append(child.node_id)
    for node, proto in enumerate(graph.nodes):
        for slot in proto.slot_variables:
            names[slot.slot_variable_node_id] = "%s's state '%s' for %s" % (
                names.get(node), slot.slot_name, names.get(slot.original_variable_node_id))
    return names


def _session(session, what):
    """`session`, or the default session (TF1's errors when there is none)."""
    graph = get_default_graph() if session is None else session.graph
    return default_session_for(graph, session, what)


class Checkpoint:
    """Groups trackable objects (variables, optimizers, other Checkpoints) to save and restore
    them by name (TF 1.15's tf.train.Checkpoint in graph mode).

        ckpt = tf.train.Checkpoint(model=tf.train.Checkpoint(kernel=w), optimizer=opt)
        path = ckpt.save("run/ckpt", session=sess)        # run/ckpt-1
        ckpt.restore(path).run_restore_ops(sess)

    Attributes set later are tracked too when their values are trackable. minitf tracks
    Variables, tf.train optimizers and Checkpoints (no Keras objects, lists or dicts)."""

    def __init__(self, **kwargs):
        object.__setattr__(self, "_tracked", {})
        object.__setattr__(self, "_save_counter", None)
        object.__setattr__(self, "_save_assigns", {})  # graph: the counter's assign_add
        for name, value in sorted(kwargs.items()):
            if not _is_trackable(value):
                raise ValueError("`Checkpoint` was expecting a trackable object (an object "
                                 "derived from `Trackable`), got %s. If you believe this object "
                                 "should be trackable (i.e. it is part of the TensorFlow Python "
                                 "API and manages state), please open an issue." % (value,))
            setattr(self, name, value)

    def __setattr__(self, name, value):
        if not name.startswith("_"):
            if _is_trackable(value):
                self._tracked[name] = value
            else:
                self._tracked.pop(name, None)
        object.__setattr__(self, name, value)

    @property
    def save_counter(self):
        """The int64 variable `save` increments (created when first needed, as a child named
        save_counter, in the default graph)."""
        self._maybe_create_save_counter()
        return self._save_counter

    def _maybe_create_save_counter(self):
        if self._save_counter is None:
            counter = variables_module.Variable(np.int64(0), name="save_counter",
                                                trainable=False)
            object.__setattr__(self, "_save_counter", counter)
            self._tracked["save_counter"] = counter
        return self._save_counter

    def write(self, file_prefix, session=None):
        """Writes the checkpoint `file_prefix` (no numbering, no `checkpoint` state file) and
        returns it."""
        session = _session(session, "write")
        view = _View(self, session.graph)
        variables = view.variables()
        values = session.run([v for _, v in variables])
        tensors = {view.keys[node]: value for (node, _), value in zip(variables, values)}
        tensors[OBJECT_GRAPH_KEY] = np.array(view.proto().SerializeToString(), dtype=object)
        return bundle.write_bundle(os.fspath(file_prefix), tensors)

    def save(self, file_prefix, session=None):
        """Increments save_counter and writes `<file_prefix>-<save_counter>`, naming it in the
        directory's `checkpoint` file (relative paths); returns the path."""
        session = _session(session, "save")
        number = session.run(self._count_save(session))
        file_prefix = os.fspath(file_prefix)
        path = self.write("%s-%d" % (file_prefix, number), session=session)
        checkpoint_state.update_checkpoint_state(os.path.dirname(file_prefix), path, [path],
                                                 save_relative_paths=True)
        return path

    def _count_save(self, session):
        """The op that adds one to save_counter (a new counter is initialized first)."""
        with session.graph.as_default():
            if self._save_counter is None:
                session.run(self._maybe_create_save_counter().initializer)
            if session.graph not in self._save_assigns:
                self._save_assigns[session.graph] = self._save_counter.assign_add(1)
        return self._save_assigns[session.graph]

    def restore(self, save_path):
        """A status whose `run_restore_ops(session)` restores the checkpoint `save_path` into
        the objects that match it (None: an InitializationOnlyStatus, nothing to restore)."""
        if save_path is None:
            return InitializationOnlyStatus(self)
        save_path = os.fspath(save_path)
        reader = open_checkpoint(save_path)
        if OBJECT_GRAPH_KEY not in reader:
            raise errors.NotFoundError(
                None, None, "%s is a name-based checkpoint (it has no %s): restore it with "
                "tf.train.Saver" % (save_path, OBJECT_GRAPH_KEY))
        graph = _ObjectGraph()
        graph.ParseFromString(bytes(reader.get_tensor(OBJECT_GRAPH_KEY).item()))
        self._maybe_create_save_counter()  # restored with the rest, as in TF
        return CheckpointLoadStatus(self, save_path, reader, graph)


class _Status:
    """What the two statuses share: the objects of the root's graph."""

    def __init__(self, root):
        self._root = root

    def _view(self, graph):
        return _View(self._root, graph)

    def expect_partial(self):
        """Nothing to silence: minitf warns about no unmatched values. Returns the status."""
        return self

    def _initialize(self, session, skip):
        """Runs the initializers of the root's variables not in `skip` (ids)."""
        inits = [v.initializer for _, v in self._view(session.graph).variables()
                 if id(v) not in skip]
        if inits:
            session.run(inits)


class InitializationOnlyStatus(_Status):
    """The status of restore(None): no checkpoint, so initialize_or_restore initializes."""

    _MESSAGE = "No checkpoint specified (save_path=None); nothing is being restored."

    def assert_consumed(self):
        raise AssertionError(self._MESSAGE)

    def assert_existing_objects_matched(self):
        raise AssertionError(self._MESSAGE)

    def run_restore_ops(self, session=None):
        """Nothing to restore."""

    def initialize_or_restore(self, session=None):
        """Runs the initializers of every variable the root reaches."""
        session = _session(session, "initialize_or_restore")
        self._initialize(session, set())


class CheckpointLoadStatus(_Status):
    """The status of restore(save_path): runs and checks the restore (TF's assertions)."""

    def __init__(self, root, save_path, reader, graph):
        super().__init__(root)
        self._save_path, self._reader, self._graph = save_path, reader, graph

    def _match(self, graph):
        """({checkpoint node: object}, [unresolved slot references]) for the root's objects
        now: children matched by local name from the root, then slots through their
        optimizer and original variable."""
        matched, queue = {0: self._root}, collections.deque([0])
        while queue:
            node = queue.popleft()
            children = dict(_children(matched[node], graph))
            for ref in self._graph.nodes[node].children:
                child = children.get(ref.local_name)
                if child is not None and ref.node_id not in matched:
                    matched[ref.node_id] = child
                    queue.append(ref.node_id)
        unresolved = []
        for node, obj in list(matched.items()):
            for ref in self._graph.nodes[node].slot_variables:
                var = matched.get(ref.original_variable_node_id)
                slot = obj.get_slot(var, ref.slot_name) if (
                    isinstance(obj, Optimizer) and var is not None) else None
                if slot is None:
                    unresolved.append(ref)
                else:
                    matched[ref.slot_variable_node_id] = slot
        return matched, unresolved

    def _targets(self, graph):
        """(key, dtype, static shape, VariableV2 op) of each matched variable with a value."""
        matched, _ = self._match(graph)
        targets = []
        for node, obj in sorted(matched.items()):
            if not isinstance(obj, variables_module.Variable):
                continue
            for attribute in self._graph.nodes[node].attributes:
                if attribute.name == _VARIABLE_VALUE:
                    targets.append((attribute.checkpoint_key, obj.dtype, obj.shape, obj.op))
        return targets

    def run_restore_ops(self, session=None):
        """Assigns the checkpoint's values to the matched variables (all are checked first:
        a mismatched shape or dtype changes none)."""
        self._restore(_session(session, "run_restore_ops"))

    def _restore(self, session):
        """run_restore_ops; returns the ids of the VariableV2 ops it assigned."""
        targets = self._targets(session.graph)
        _check_checkpoint_matches(self._reader, self._save_path, targets)
        _restore_in_place(session, self._reader, targets)
        return {id(t[3]) for t in targets}

    def initialize_or_restore(self, session=None):
        """Restores the matched variables and initializes the root's others."""
        session = _session(session, "initialize_or_restore")
        restored = self._restore(session)
        self._initialize(session, {id(v) for _, v in self._view(session.graph).variables()
                                   if id(v.op) in restored})

    def assert_existing_objects_matched(self):
        """Raises AssertionError unless every variable the root reaches has a value in the
        checkpoint (the checkpoint may hold more)."""
        graph = get_default_graph()
        matched, _ = self._match(graph)
        bound = {id(obj) for obj in matched.values()}
        unused = [v for _, v in self._view(graph).variables() if id(v) not in bound]
        if unused:
            shown = min(10, len(unused))
            raise AssertionError(
                "Found %d Python objects that were not bound to checkpointed values, likely due "
                "to changes in the Python program. Showing %d of %d unmatched objects: %s"
                % (len(unused), shown, len(unused), unused[:shown]))
        return self

    def assert_consumed(self):
        """Raises AssertionError unless the checkpoint and the root's objects match both
        ways: every value restored, every variable given one."""
        self.assert_existing_objects_matched()
        matched, unresolved = self._match(get_default_graph())
        names = _node_names(self._graph)
        for node, proto in enumerate(self._graph.nodes):
            if proto.attributes and node not in matched:
                raise AssertionError("Unresolved object in checkpoint %s: %s"
                                     % (names.get(node), proto))
        if unresolved:
            raise AssertionError("Unresolved slot restorations: %s"
                                 % [names.get(r.slot_variable_node_id) for r in unresolved])
        return self


class CheckpointManager:
    """Numbered checkpoints of one Checkpoint in a directory, the oldest deleted beyond
    `max_to_keep` (None keeps all), one kept per `keep_checkpoint_every_n_hours`; the
    directory's `checkpoint` file lists them (TF 1.15's tf.train.CheckpointManager). A new
    manager takes over the checkpoints the file lists."""

    def __init__(self, checkpoint, directory, max_to_keep, keep_checkpoint_every_n_hours=None,
                 checkpoint_name="ckpt"):
        if max_to_keep is not None and max_to_keep <= 0:
            raise ValueError("Expected a positive integer or `None` for `max_to_keep`, got %d."
                             % (max_to_keep,))
        self._checkpoint = checkpoint
        self._max_to_keep = max_to_keep
        self._keep_hours = keep_checkpoint_every_n_hours
        self._directory = os.fspath(directory)
        self._prefix = os.path.join(self._directory, checkpoint_name)
        self._save_counter_assign = None
        state = checkpoint_state.get_checkpoint_state(self._directory)
        now = time.time()
        self._maybe_delete = collections.OrderedDict()  # path: time saved
        if state is None:
            self._latest_checkpoint = None
            self._last_preserved = now - 1.0  # a manager re-created at once keeps all
            return
        self._latest_checkpoint = state.model_checkpoint_path
        self._last_preserved = state.last_preserved_timestamp
        stamps = list(state.all_model_checkpoint_timestamps) or (
            [self._last_preserved] * len(state.all_model_checkpoint_paths))
        for path, stamp in zip(state.all_model_checkpoint_paths, stamps):
            stamp = min(stamp, now)
            if stamp > self._last_preserved:
                self._maybe_delete[path] = stamp

    @property
    def directory(self):
        return self._directory

    @property
    def checkpoints(self):
        """The managed checkpoints' paths, oldest first."""
        return list(self._maybe_delete)

    @property
    def latest_checkpoint(self):
        """The newest checkpoint's path, or None."""
        return self._latest_checkpoint

    def save(self, checkpoint_number=None):
        """Saves `<directory>/<checkpoint_name>-<n>` with the default session, n the
        checkpoint's save_counter (incremented on every save) or `checkpoint_number` (an int
        or an integer variable such as the global step); returns the path."""
        session = _session(None, "save")
        number = session.run(self._checkpoint._count_save(session))
        if checkpoint_number is not None:
            number = checkpoint_number
            if not isinstance(number, (int, np.integer)):
                number = session.run(number)
        path = self._checkpoint.write("%s-%d" % (self._prefix, int(number)), session=session)
        self._maybe_delete.pop(path, None)  # an overwritten checkpoint moves to the end
        self._maybe_delete[path] = time.time()
        self._latest_checkpoint = path
        self._record_state()  # the new checkpoint is listed before anything is deleted
        self._sweep()
        self._record_state()
        return path

    def _sweep(self):
        if not self._max_to_keep:
            return
        while len(self._maybe_delete) > self._max_to_keep:
            path, stamp = self._maybe_delete.popitem(last=False)
            if self._keep_hours and stamp - self._keep_hours * 3600.0 >= self._last_preserved:
                self._last_preserved = stamp  # kept for good, no longer listed
                continue
            for name in [bundle.index_filename(path)] + glob.glob(
                    glob.escape(path) + ".data-?????-of-?????"):
                try:
                    os.remove(name)
                except FileNotFoundError:
                    pass

    def _record_state(self):
        checkpoint_state.update_checkpoint_state(
            os.path.dirname(self._prefix), self._latest_checkpoint, self.checkpoints,
            all_model_checkpoint_timestamps=list(self._maybe_delete.values()),
            last_preserved_timestamp=self._last_preserved, save_relative_paths=True)
