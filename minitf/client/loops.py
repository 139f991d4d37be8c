"""A tf.while_loop compiled into one Python function: the condition's and the body's emitted
code inlined in a real Python `while`, so an iteration costs their kernels and a few local
assignments, not two plan calls with their feed lists and result lists.

Usage (the While kernel):

    loop = compile_loop(state, (cond_outputs, cond_args), (body_outputs, body_args), n_vars,
                        n_stacked, keep=False, has_maximum=False)
    loop_vars, i = loop.run(values, limit, history, stacks)

Both sub-graphs are fed the loop's data arguments in one order (the loop variables, then the
captured values); their plans are emitted with their own name prefixes and share the argument
names (`v0`... for loop variables, `x0`... for captured values), so the body's results become
the next iteration's `v`s by one tuple assignment. `history` (when `keep`) gets each
iteration's loop variables and the values the gradient kept; `stacks[k]` each iteration's k-th
stacked output.
"""

from minitf import errors
from minitf.client.buffers import NESTED_POOL_MIN_ELEMENTS, worth_pooling
from minitf.client.plan import Plan


class Loop:
    """The fused loop function, and what Plan needs to name the op of a failing kernel."""

    def __init__(self, state, cond, body, n_vars, n_stacked, keep, has_maximum):
        names = ["v%d" % j if j < n_vars else "x%d" % (j - n_vars) for j in range(len(cond[1]))]
        self.cond = Plan(state, cond[0], cond[1], nested=True, prefix="a_", feed_names=names)
        self.body = Plan(state, body[0], body[1], nested=True, prefix="b_", feed_names=names)
        self._filename = "<minitf while loop %x>" % id(self)
        loop_vars = ", ".join(names[:n_vars])
        lines = ["def run(_args, limit, history, stacks):",
                 "    %s, = _args" % ", ".join(names) if names else "    pass"]
        lines += ["    _s%d = stacks[%d].append" % (k, k) for k in range(n_stacked)]
        if keep:
            lines.append("    _h = history.append")
        lines += ["    i = 0", "    while i < limit:" if has_maximum else "    while True:"]
        self._line_to_op = {}
        self._inline(lines, self.cond)
        lines += ["        if not %s:" % self.cond.results[0], "            break"]
        self._inline(lines, self.body)
        results = self.body.results
        if keep:
            lines.append("        _h(((%s,), [%s]))" % (loop_vars, ", ".join(
                results[n_vars + n_stacked:])))
        for k in range(n_stacked):
            lines.append("        _s%d(%s)" % (k, results[n_vars + k]))
        if not keep:  # the pool takes back what the last iteration's loop variables held
            returned = set(" ".join(results[:n_vars + n_stacked]).replace(",", " ").split())
            lines += ["        _give(%s)" % name for name, t in zip(names, body[1][:n_vars])
                      if name not in returned and worth_pooling(t, NESTED_POOL_MIN_ELEMENTS)]
        if n_vars:
            lines.append("        %s, = %s," % (loop_vars, ", ".join(results[:n_vars])))
        lines += ["        i += 1", "    return (%s,), i" % loop_vars]
        self.source = "\n".join(lines) + "\n"
        namespace = dict(self.cond.namespace)
        namespace.update(self.body.namespace)
        exec(compile(self.source, self._filename, "exec"), namespace)
        self._run = namespace["run"]

    def _inline(self, lines, plan):
        """Appends `plan`'s statements, indented into the loop, and maps their line numbers to
        their ops."""
        for k, statement in enumerate(plan.statements):
            lines.append("    " + statement)
            step = plan.statement_ops.get(k)
            if step is not None:
                self._line_to_op[len(lines)] = step

    def run(self, values, limit, history, stacks):
        """(the final loop variables, the number of iterations run)."""
        try:
            return self._run(values, limit, history, stacks)
        except errors.OpError:
            raise
        except Exception as e:
            raise Plan._op_error(self, e) from e
