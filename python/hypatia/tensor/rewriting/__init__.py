"""The user's rewrite rules: see hypatia.tensor.rewriting.basic."""
from .basic import (  # noqa: F401
    local_optimizer,
    node_rewriter,
    register_canonicalize,
    register_specialize,
    register_stabilize,
    unregister,
)
