"""The progress store: attempts, drill runs and review cards in SQLite, plus FSRS scheduling.

Start with `ProgressStore.open(data_dir)`; see `progress.py`. Nothing here imports a UI toolkit.
"""
