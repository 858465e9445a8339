"""The user's own rewrite rules (Theano's local optimizers and register_specialize).

A rule is a function of a node (``x.owner``: ``node.op`` is the op's name,
``node.inputs`` its inputs) returning a list with the replacement of the node's one
output, or None / False / [] when it does not apply::

    from hypatia.tensor.rewriting.basic import node_rewriter, register_specialize

    @register_specialize
    @node_rewriter(["exp"])
    def exp_of_log(node):
        (x,) = node.inputs
        if x.owner is not None and x.owner.op == "log":
            return [x.owner.inputs[0]]
        return None

It runs in its phase after the built-in rules, on every node of the tracked ops of
every function compiled afterwards; ``Mode.excluding(name)`` switches it off
(the name is the function's unless given: ``register_specialize(fn, "name")``).
A replacement of another dtype is cast back; one of another rank or static shape is
dropped. DebugMode checks that a rule's replacement computes the same values as
what it replaced (BadOptimization otherwise).
"""
from ... import _core

__all__ = ["node_rewriter", "local_optimizer", "register_canonicalize", "register_stabilize", "register_specialize",
           "unregister"]


class NodeRewriter:
    """A rule: ``fn(node)`` tried on nodes whose op is in ``tracks`` (None: any op)."""

    def __init__(self, fn, tracks):
        self.fn = fn
        self.tracks = tracks
        self.__name__ = getattr(fn, "__name__", "rule")
        self.__doc__ = getattr(fn, "__doc__", None)

    def transform(self, node):
        return self.fn(node)

    def __call__(self, node):
        return self.fn(node)

    def __repr__(self):
        return f"<NodeRewriter {self.__name__}>"


def _op_name(op):
    if isinstance(op, str):
        return op
    name = getattr(op, "__name__", None) or getattr(op, "name", None)
    if isinstance(name, str):
        return name
    raise TypeError(f"node_rewriter: track ops by name ('exp') or by the op function (T.exp), not {op!r}")


def node_rewriter(tracks):
    """Decorator: the function becomes a rule tried on nodes of the ``tracks`` ops (a
    list of op names or op functions such as ``T.exp``; None for every op)."""
    names = None if tracks is None else [_op_name(t) for t in tracks]

    def wrap(fn):
        return NodeRewriter(fn, names)

    return wrap


local_optimizer = node_rewriter  # Theano's name


def _as_replacement(result, name):
    if result is None or result is False:
        return None
    if isinstance(result, dict):
        result = list(result.values())
    if isinstance(result, (list, tuple)):
        if len(result) == 0:
            return None
        if len(result) != 1:
            raise ValueError(f"rewrite rule {name!r}: returned {len(result)} replacements; a node with one output "
                             "takes one")
        result = result[0]
    if not isinstance(result, _core.TensorVariable):
        result = _core.as_tensor_variable(result)
    return result


def _register(phase, rule, name, *tags):
    del tags  # Theano's tags ('fast_run', ...): every rule runs in every mode that runs its phase
    if not isinstance(rule, NodeRewriter):
        if not callable(rule):
            raise TypeError(f"register_{phase}: expected a function of a node, not {rule!r}")
        rule = NodeRewriter(rule, None)
    rule_name = name or rule.__name__

    def apply(variable):
        return _as_replacement(rule.fn(variable.owner), rule_name)

    for op in rule.tracks or [""]:
        suffix = "" if rule.tracks is None or len(rule.tracks) == 1 else f"@{op}"
        _core.register_rewrite(phase, rule_name + suffix, op, apply)
    rule.registered_names = [rule_name + ("" if rule.tracks is None or len(rule.tracks) == 1 else f"@{op}")
                             for op in rule.tracks or [""]]
    return rule


def _registrar(phase):
    def register(rule=None, name=None, *tags):
        if isinstance(rule, str) or rule is None:  # @register_specialize("name") or @register_specialize()
            given = rule if isinstance(rule, str) else name

            def wrap(fn):
                return _register(phase, fn, given, *tags)

            return wrap
        return _register(phase, rule, name, *tags)

    register.__name__ = f"register_{phase}"
    register.__doc__ = (f"Registers a rule (a node_rewriter, or a function of a node) in the {phase} phase; "
                        "usable as a decorator, with or without a name.")
    return register


register_canonicalize = _registrar("canonicalize")
register_stabilize = _registrar("stabilize")
register_specialize = _registrar("specialize")


def unregister(rule):
    """Removes a rule registered here (by the object the register_* call returned, or
    by name); False when none had that name."""
    names = getattr(rule, "registered_names", None) or [rule]
    return all([_core.unregister_rewrite(n) for n in names])
