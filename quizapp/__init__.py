"""quizapp: terminal interview prep for ML engineers (normalization and regularization)."""

__version__ = "0.1.0"
