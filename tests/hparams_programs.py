"""HParams programs run by tests/record_hparams.py with TF 1.x's contrib HParams (the copy
tensor2tensor 1.15.7 ships) and by tests/test_hparams.py with minitf's: each takes the module
that has `HParams` and `parse_values`, and returns something JSON can hold."""

import json


def base(m):
    return m.HParams(learning_rate=0.1, layers=3, name="mlp", sizes=[64, 32], rates=[0.5],
                     use_bias=True, note=None)


PROGRAMS = {
    "values": lambda m: sorted(base(m).values().items()),
    "str and repr": lambda m: [str(base(m)), repr(base(m))],
    "attributes": lambda m: [base(m).learning_rate, base(m).sizes, base(m).note],
    "parse scalars": lambda m: sorted(
        base(m).parse("learning_rate=0.5, layers=4,name=cnn,use_bias=false").values().items()),
    "parse lists": lambda m: base(m).parse("sizes=[1 2,3],rates=[1e-3]").values()["sizes"]
    + base(m).parse("rates=[1e-3, 2]").values()["rates"],
    "parse bools": lambda m: [base(m).parse("use_bias=%s" % t).use_bias
                              for t in ("True", "false", "0", "7")],
    "parse int into float": lambda m: base(m).parse("learning_rate=2").learning_rate,
    "parse float into int": lambda m: base(m).parse("layers=2.5").layers,
    "parse bad bool": lambda m: base(m).parse("use_bias=yes").use_bias,
    "parse unknown": lambda m: base(m).parse("dropout=0.1").values(),
    "parse malformed": lambda m: base(m).parse("layers=[1,2").values(),
    "parse twice": lambda m: base(m).parse("layers=1,layers=2").values(),
    "parse list into scalar": lambda m: base(m).parse("layers=[1,2]").values(),
    "parse scalar into list": lambda m: base(m).parse("sizes=5").values(),
    "parse index": lambda m: base(m).parse("sizes[1]=5").values(),
    "parse empty value": lambda m: base(m).parse("name=").name,
    "parse None-typed": lambda m: base(m).parse("note=x").note,
    "parse_values index": lambda m: sorted(
        (k, sorted(v.items()) if isinstance(v, dict) else v) for k, v in m.parse_values(
            "a[1]=3,a[0]=4,b=[x,y],c=2", {"a": int, "b": str, "c": float}).items()),
    "parse_values list to index": lambda m: m.parse_values("a[1]=[3]", {"a": int}),
    "parse_values index twice": lambda m: m.parse_values("a[1]=3,a[1]=4", {"a": int}),
    "parse_values scalar then index": lambda m: m.parse_values("a=1,a[1]=4", {"a": int}),
    "parse_values ignore unknown": lambda m: m.parse_values("z=1,a=2", {"a": int},
                                                            ignore_unknown=True),
    "set_hparam casts": lambda m: _set(m, [("learning_rate", 1), ("sizes", [1, 2]),
                                           ("note", "anything")]),
    "set_hparam str from int": lambda m: _set(m, [("name", 5)]),
    "set_hparam bool from int": lambda m: _set(m, [("use_bias", 1)]),
    "set_hparam int from float": lambda m: _set(m, [("layers", 2.0)]),
    "set_hparam float from str": lambda m: _set(m, [("learning_rate", "0.1")]),
    "set_hparam tuple for list": lambda m: _set(m, [("sizes", (1, 2))]),
    "set_hparam unknown": lambda m: _set(m, [("dropout", 0.5)]),
    "add_hparam": lambda m: _add(m, "dropout", 0.5),
    "add_hparam taken": lambda m: _add(m, "layers", 5),
    "add_hparam reserved": lambda m: _add(m, "values", 5),
    "add_hparam empty list": lambda m: _add(m, "empty", []),
    "add_hparam tuple": lambda m: _add(m, "shape", (2, 3)),
    "del_hparam": lambda m: _delete(m),
    "override_from_dict": lambda m: sorted(base(m).override_from_dict(
        {"layers": 7, "sizes": [8]}).values().items()),
    "to_json": lambda m: [base(m).to_json(sort_keys=True),
                          base(m).to_json(indent=1, separators=(",", ":"), sort_keys=True)],
    "to_json drops callables": lambda m: m.HParams(f=len, x=1, fs=[len, 2]).to_json(
        sort_keys=True),
    "parse_json": lambda m: sorted(base(m).parse_json('{"layers": 9, "name": "z"}')
                                   .values().items()),
    "get": lambda m: [base(m).get("layers"), base(m).get("missing", 4),
                      base(m).get("sizes", [1]), base(m).get("learning_rate", 3)],
    "get bad default": lambda m: base(m).get("layers", 0.5),
    "get list default for scalar": lambda m: base(m).get("layers", [1]),
    "contains": lambda m: ["layers" in base(m), "missing" in base(m)],
    "model structure": lambda m: m.HParams(model_structure="s", a=1).get_model_structure(),
}


def _set(m, items):
    h = base(m)
    for name, value in items:
        h.set_hparam(name, value)
    return sorted(h.values().items())


def _add(m, name, value):
    h = base(m)
    h.add_hparam(name, value)
    return [sorted(h.values().items()), h.__dict__.get(name)]


def _delete(m):
    h = base(m)
    h.del_hparam("layers")
    h.del_hparam("missing")
    return [sorted(h.values().items()), hasattr(h, "layers"), "layers" in h]


def run(module, name):
    """{"value": the program's result as JSON} or {"error": [class name, message]}."""
    try:
        return {"value": json.loads(json.dumps(PROGRAMS[name](module)))}
    except Exception as e:  # the error is the recorded result
        return {"error": [type(e).__name__, str(e)]}


def run_all(module):
    return {name: run(module, name) for name in PROGRAMS}
