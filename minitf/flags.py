"""tf.flags / tf.app.flags: command-line flags as TF1 programs define and read them
(DEFINE_string / integer / float / boolean / list / enum and FLAGS), parsed as absl parses
them: `--name=value`, `--name value`, `-name=value`, `--flag` / `--noflag` for booleans, `--`
ends the flags. Reading an attribute of FLAGS before any parse parses sys.argv, keeping
unknown arguments (TF1's wrapper does the same, so FLAGS work inside Jupyter)."""

import sys

__all__ = ["FLAGS", "Error", "DuplicateFlagError", "IllegalFlagValueError",
           "UnrecognizedFlagError", "UnparsedFlagAccessError", "DEFINE_string",
           "DEFINE_integer", "DEFINE_float", "DEFINE_boolean", "DEFINE_bool", "DEFINE_list",
           "DEFINE_enum"]


class Error(Exception):
    """The base class of flag errors (absl.flags.Error)."""


class DuplicateFlagError(Error):
    """A flag name is defined twice."""


class IllegalFlagValueError(Error):
    """A flag's default or parsed value does not fit its type."""


class UnrecognizedFlagError(Error):
    """An argument names no defined flag (only when unknown flags are not tolerated)."""


class UnparsedFlagAccessError(Error):
    """Kept for absl compatibility; minitf parses sys.argv on first access instead."""


def _parse_bool(text):
    if isinstance(text, bool):
        return text
    word = str(text).lower()
    if word in ("true", "t", "1"):
        return True
    if word in ("false", "f", "0"):
        return False
    raise ValueError("Non-boolean argument to boolean flag", text)


def _parse_list(text):
    if isinstance(text, (list, tuple)):
        return list(text)
    return [item.strip() for item in str(text).split(",") if item.strip()]


class _Flag:
    def __init__(self, name, default, help, parse, kind, module):
        self.name, self.help, self.parse, self.kind, self.module = name, help, parse, kind, module
        self.default = None if default is None else self._convert(default)
        self.value = self.default
        self.present = False

    def _convert(self, text):
        try:
            return self.parse(text)
        except (ValueError, TypeError) as e:
            raise IllegalFlagValueError("flag --%s=%s: %s" % (self.name, text, e)) from None

    def set(self, text):
        self.value = self._convert(text)
        self.present = True


class FlagValues:
    """The registry of defined flags and their values (tf.flags.FLAGS is the one instance
    programs use). Call it with an argv list to parse; read and set flags as attributes."""

    def __init__(self):
        object.__setattr__(self, "_flags", {})
        object.__setattr__(self, "_parsed", False)

    # -- defining ----------------------------------------------------------------------------------
    def _define(self, name, default, help, parse, kind):
        if name in self._flags:
            raise DuplicateFlagError(
                "The flag '%s' is defined twice. First from %s, Second from %s. Description "
                "from first occurrence: %s" % (name, self._flags[name].module, _caller_module(),
                                                self._flags[name].help))
        self._flags[name] = _Flag(name, default, help, parse, kind, _caller_module())

    # -- parsing -----------------------------------------------------------------------------------
    def __call__(self, argv, known_only=False):
        """Parses `argv` (argv[0] is the program); returns argv[0] and the arguments that
        are not flags (and, with known_only, the unknown flags), in their order."""
        if isinstance(argv, str) or not isinstance(argv, (list, tuple)):
            raise TypeError("argv should be a tuple/list of strings, got %r" % (argv,))
        args = list(argv[1:])
        rest = []
        i = 0
        while i < len(args):
            arg = args[i]
            i += 1
            if arg == "--":
                rest.extend(args[i - 1:])  # absl keeps the "--"
                break
            if not arg.startswith("-") or arg == "-":
                rest.append(arg)
                continue
            body = arg[2:] if arg.startswith("--") else arg[1:]
            name, has_value, value = body.partition("=")
            flag = self._flags.get(name)
            if flag is None and not has_value and name.startswith("no") and \
                    name[2:] in self._flags and self._flags[name[2:]].kind == "bool":
                self._flags[name[2:]].set(False)
                continue
            if flag is None:
                if name in ("help", "h", "helpfull", "?"):
                    print(self.usage())
                    raise SystemExit(0)
                if known_only:
                    rest.append(arg)
                    continue
                raise UnrecognizedFlagError("Unknown command line flag '%s'" % name)
            if not has_value:
                if flag.kind == "bool":
                    value = True
                elif i < len(args):
                    value = args[i]
                    i += 1
                else:
                    raise Error("Missing value for flag %s" % arg)
            flag.set(value)
        object.__setattr__(self, "_parsed", True)
        return argv[:1] + rest

    def is_parsed(self):
        return self._parsed

    def mark_as_parsed(self):
        object.__setattr__(self, "_parsed", True)

    def unparse_flags(self):
        """Back to the defaults, not parsed (the next attribute read parses sys.argv again)."""
        for flag in self._flags.values():
            flag.value, flag.present = flag.default, False
        object.__setattr__(self, "_parsed", False)

    # -- reading and setting -----------------------------------------------------------------------
    def __getattr__(self, name):
        flags = self.__dict__["_flags"]
        if name not in flags:
            raise AttributeError(name)
        if not self.__dict__["_parsed"]:
            self(sys.argv, known_only=True)  # TF1's wrapper: parse on first access
        return flags[name].value

    def __setattr__(self, name, value):
        if name not in self._flags:
            raise AttributeError("Unknown flag %s: define it first (tf.flags.DEFINE_*)" % name)
        flag = self._flags[name]
        flag.value = value if value is None else flag._convert(value)

    def __delattr__(self, name):
        if name not in self._flags:
            raise AttributeError(name)
        del self._flags[name]

    def __contains__(self, name):
        return name in self._flags

    def __iter__(self):
        return iter(self._flags)

    def __getitem__(self, name):
        return self._flags[name]

    def flag_values_dict(self):
        """{name: value} of every defined flag."""
        return {name: flag.value for name, flag in self._flags.items()}

    def usage(self):
        lines = ["Flags:"]
        for name in sorted(self._flags):
            flag = self._flags[name]
            lines.append("  --%s: %s\n    (default: %r)" % (name, flag.help, flag.default))
        return "\n".join(lines)


def _caller_module():
    frame = sys._getframe(3)
    return frame.f_globals.get("__name__", "?")


FLAGS = FlagValues()


def DEFINE_string(name, default, help, flag_values=FLAGS, **kwargs):  # noqa: N802 - TF's name
    """Defines a string flag."""
    flag_values._define(name, default, help, str, "string")


def DEFINE_integer(name, default, help, lower_bound=None, upper_bound=None,  # noqa: N802
                   flag_values=FLAGS, **kwargs):
    """Defines an integer flag (optionally bounded)."""
    def parse(text):
        value = text if isinstance(text, int) and not isinstance(text, bool) else int(text)
        if (lower_bound is not None and value < lower_bound) or \
                (upper_bound is not None and value > upper_bound):
            raise ValueError("%d is not in the range [%s, %s]" % (value, lower_bound, upper_bound))
        return value
    flag_values._define(name, default, help, parse, "int")


def DEFINE_float(name, default, help, lower_bound=None, upper_bound=None,  # noqa: N802
                 flag_values=FLAGS, **kwargs):
    """Defines a float flag (optionally bounded)."""
    def parse(text):
        value = float(text)
        if (lower_bound is not None and value < lower_bound) or \
                (upper_bound is not None and value > upper_bound):
            raise ValueError("%s is not in the range [%s, %s]" % (value, lower_bound, upper_bound))
        return value
    flag_values._define(name, default, help, parse, "float")


def DEFINE_boolean(name, default, help, flag_values=FLAGS, **kwargs):  # noqa: N802
    """Defines a boolean flag: `--name`, `--noname`, `--name=true/false/1/0`."""
    flag_values._define(name, default, help, _parse_bool, "bool")


DEFINE_bool = DEFINE_boolean


def DEFINE_list(name, default, help, flag_values=FLAGS, **kwargs):  # noqa: N802
    """Defines a flag holding a list of strings, given comma-separated."""
    flag_values._define(name, default, help, _parse_list, "list")


def DEFINE_enum(name, default, enum_values, help, flag_values=FLAGS, **kwargs):  # noqa: N802
    """Defines a string flag that must be one of `enum_values`."""
    def parse(text):
        if text not in enum_values:
            raise ValueError("value should be one of <%s>" % "|".join(enum_values))
        return text
    flag_values._define(name, default, help, parse, "enum")
