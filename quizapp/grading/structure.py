"""Findings about a layer's structure: its parameters named or shaped unlike torch's.

These need no flawed implementation to reproduce them: the state_dict check records every key,
shape and parameter name, and comparing them with torch's says what is different. Real code
often has these next to numeric mistakes (gamma/beta, weights of shape (1, C)), and naming them
separately keeps them from hiding the rest.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from quizapp.grading.report import Diagnosis
from quizapp.grading.suite import Check, Recorded

KEYS_CHECK = "state_dict keys ("


def structure_ids(family: str) -> tuple[str, str]:
    """The ids of the two structural findings for a family of drills (`batchnorm`, ...)."""
    return f"{family}.param-names", f"{family}.param-shape"


def structure_findings(
    family: str,
    failing: Sequence[Check],
    refs: Mapping[str, Recorded],
    got: Mapping[str, Recorded],
) -> list[Diagnosis]:
    """Parameter names and shapes unlike torch's, from the first failing state_dict check."""
    for check in failing:
        if not check.name.startswith(KEYS_CHECK) or check.name not in got:
            continue
        ref, mine = refs[check.name].meta, got[check.name].meta
        want_names = list(ref.get("parameters", []))
        have_names = list(mine.get("parameters", []))
        if not want_names or not isinstance(mine.get("state_dict"), list):
            continue
        want = {e[0]: tuple(e[1]) for e in ref["state_dict"] if e[0] in want_names}
        have = {e[0]: tuple(e[1]) for e in mine["state_dict"] if e[0] in have_names}
        names_id, shape_id = structure_ids(family)
        found: list[Diagnosis] = []
        if len(have) == len(want) and set(have) != set(want):
            found.append(
                Diagnosis(
                    names_id,
                    f"Your parameters are named {', '.join(sorted(have))}; torch's are "
                    f"{', '.join(sorted(want))}. A state_dict saved by torch does not load into "
                    "your layer, nor yours into torch's: register them under torch's names.",
                )
            )
        shapes_differ = (
            any(have[k] != want[k] for k in set(have) & set(want))
            if set(have) == set(want)
            else len(have) == len(want) and sorted(have.values()) != sorted(want.values())
        )
        if shapes_differ:
            shown = ", ".join(f"{k} {have[k]}" for k in sorted(have))
            torch_shown = ", ".join(f"{k} {want[k]}" for k in sorted(want))
            found.append(
                Diagnosis(
                    shape_id,
                    f"Your parameters have shapes {shown}; torch's have {torch_shown}. They "
                    "broadcast in the forward pass, but state_dicts do not interchange and "
                    "gradients come back in the wrong shape: keep them 1-D, one value per "
                    "feature, and reshape inside forward.",
                )
            )
        return found
    return []
