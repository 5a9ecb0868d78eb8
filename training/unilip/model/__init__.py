"""UniLIP in PyTorch: one module per component, assembled in `unilip.py`."""

from .condition import ConditionTrace, build_condition, trace_condition
from .errors import ModelInputError
from .llm import KVCache
from .unilip import UniLIP

__all__ = ["ConditionTrace", "KVCache", "ModelInputError", "UniLIP", "build_condition", "trace_condition"]
