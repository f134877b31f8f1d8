"""Suite-wide test settings."""

from __future__ import annotations

from hypothesis import settings

# No per-example time limit: speed is measured by the benchmark (tests/benchmarks), and a
# 200 ms deadline only makes property tests flaky on a loaded two-core CI machine.
settings.register_profile("quizapp", deadline=None)
settings.load_profile("quizapp")
