"""Which check suite grades which drill id (imported lazily: each pulls in torch)."""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from quizapp.grading.suite import DrillSuite

# drill id -> (module, factory function)
SUITES: dict[str, tuple[str, str]] = {
    "dropout": ("quizapp.grading.checks_dropout", "dropout"),
    "dropout2d": ("quizapp.grading.checks_dropout", "dropout2d"),
    "batchnorm1d": ("quizapp.grading.checks_batchnorm", "batchnorm1d"),
    "batchnorm2d": ("quizapp.grading.checks_batchnorm", "batchnorm2d"),
    "layernorm": ("quizapp.grading.checks_norms", "layernorm"),
    "rmsnorm": ("quizapp.grading.checks_norms", "rmsnorm"),
    "groupnorm": ("quizapp.grading.checks_norms", "groupnorm"),
    "fold_batchnorm": ("quizapp.grading.checks_fold", "fold_batchnorm"),
    "batchnorm_backward": ("quizapp.grading.checks_backward", "batchnorm_backward"),
}


def load_suite(drill_id: str) -> DrillSuite:
    """The check suite of a drill (KeyError if the drill has none)."""
    module_name, factory_name = SUITES[drill_id]
    factory: Callable[[], DrillSuite] = getattr(importlib.import_module(module_name), factory_name)
    return factory()
