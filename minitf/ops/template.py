"""tf.make_template: wraps a function so that its first call creates the variables it gets
with tf.get_variable, and every later call reuses them (TF1's variable sharing)."""

import functools
import traceback

from minitf.framework.graph import GraphKeys, get_collection, get_collection_ref
from minitf.ops.variable_scope import (_get_unique_variable_scope, _pure_variable_scope,
                                       variable_scope)

__all__ = ["make_template"]


def make_template(name_, func_, create_scope_now_=False, unique_name_=None, custom_getter_=None,
                  **kwargs):
    """A callable running `func_(*args, **kwargs, **these kwargs)` in one variable scope: named
    `name_` made unique (`name_`, `name__1`...) on the first call (or now, with
    `create_scope_now_`), or exactly `unique_name_`; reusing on every call after the first.
    `custom_getter_` becomes the scope's custom getter. Each call opens a fresh name scope
    (`scale/mul`, `scale_1/mul`), as TF's."""
    if kwargs:
        func_ = functools.partial(func_, **kwargs)
    return Template(name_, func_, create_scope_now=create_scope_now_, unique_name=unique_name_,
                    custom_getter=custom_getter_)


class Template:
    """What make_template returns: call it like the function it wraps."""

    def __init__(self, name, func, create_scope_now=False, unique_name=None, custom_getter=None):
        if name is None:
            raise ValueError("name cannot be None.")
        self._func = func
        self._stacktrace = traceback.format_stack()[:-2]
        self._name = name
        self._unique_name = unique_name
        self._custom_getter = custom_getter
        self._variable_scope = None
        if create_scope_now:
            with _pure_variable_scope(unique_name or _get_unique_variable_scope(name),
                                      custom_getter=custom_getter) as vs:
                self._variable_scope = vs
        self._variables_created = False

    def __call__(self, *args, **kwargs):
        if self._variable_scope is not None:
            with variable_scope(self._variable_scope, reuse=self._variables_created or None):
                return self._call_func(args, kwargs)
        with variable_scope(self._unique_name, self._name,
                            custom_getter=self._custom_getter) as vs:
            self._variable_scope = vs
            return self._call_func(args, kwargs)

    def _call_func(self, args, kwargs):
        try:
            if not self._variables_created:
                result = self._func(*args, **kwargs)
                self._variables_created = True
                return result
            trainable = get_collection_ref(GraphKeys.TRAINABLE_VARIABLES)
            trainable_at_start = len(trainable)
            result = self._func(*args, **kwargs)
            if len(trainable) != trainable_at_start:
                raise ValueError("Trainable variable created when calling a template after the "
                                 "first time, perhaps you used tf.Variable when you meant "
                                 "tf.get_variable: %s" % (trainable[trainable_at_start:],))
            return result
        except Exception as exc:
            # As TF: the message also says where the template was made.
            if exc.args and isinstance(exc.args[0], str):
                trace = "".join(_after_common_part(self._stacktrace, traceback.format_stack()))
                exc.args = ("%s\n\noriginally defined at:\n%s" % (exc.args[0], trace),) \
                    + exc.args[1:]
            raise

    @property
    def name(self):
        return self._name

    @property
    def func(self):
        return self._func

    @property
    def variable_scope(self):
        return self._variable_scope

    @property
    def variable_scope_name(self):
        """The variable scope's name with a '/' (None before it exists)."""
        if self._variable_scope is None:
            return None
        name = self._variable_scope.name
        return name if not name or name.endswith("/") else name + "/"

    def _created(self, key):
        return get_collection(key, self.variable_scope_name) if self._variables_created else []

    @property
    def global_variables(self):
        return self._created(GraphKeys.GLOBAL_VARIABLES)

    @property
    def local_variables(self):
        return self._created(GraphKeys.LOCAL_VARIABLES)

    @property
    def variables(self):
        return self.global_variables + self.local_variables

    @property
    def trainable_variables(self):
        return self._created(GraphKeys.TRAINABLE_VARIABLES)

    @property
    def non_trainable_variables(self):
        trainable = set(self.trainable_variables)
        return [v for v in self.global_variables if v not in trainable]


def _after_common_part(stack, base):
    """The frames of `stack` after those it shares with `base` (at least its last one)."""
    for i, (frame, other) in enumerate(zip(stack, base)):
        if frame != other:
            return stack[i:]
    return stack[-1:]
