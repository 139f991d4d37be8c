"""Recorder (runs in the TF venv, never in the tests): TF's output argument names of the op
types minitf registers, written to minitf/framework/tf_output_args.py. A FunctionDef body
names a node's output 'node:<output arg>:<index in that arg>', so exporting minitf functions
for TF needs TF's names for each op's outputs.

    PYTHONPATH=. /work/devvenv/bin/python -c "import minitf.framework.registry as r, minitf; \
        print(' '.join(sorted(r.REGISTRY)), 'BroadcastGradientArgs')" > /tmp/optypes.txt
    /work/tfvenv/bin/python tests/record_tf_output_args.py /tmp/optypes.txt
"""

import sys

from tensorflow.python.framework import op_def_registry

types = open(sys.argv[1]).read().split()
table = {}
for name in types:
    op = op_def_registry.get(name)
    if op is None:
        continue
    args = tuple(a.name for a in op.output_arg)
    if args != ("output",):
        table[name] = args
lines = ['"""TF\'s output argument names, for op types whose outputs are not one list called',
         '"output" (recorded from TF 2.21 by tests/record_tf_output_args.py; see',
         'framework/graph_def.py: a FunctionDef body names outputs \'node:<arg>:<index>\')."""',
         "", "TF_OUTPUT_ARGS = {"]
lines += ["    %r: %r," % (k, v) for k, v in sorted(table.items())]
lines += ["}", ""]
open("minitf/framework/tf_output_args.py", "w").write("\n".join(lines))
print(len(table), "of", len(types))
