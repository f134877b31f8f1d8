"""Errors the progress store raises, each with a message meant to be shown to the user as is."""

from __future__ import annotations


class StoreError(Exception):
    """Something stopped the progress store from doing what was asked; nothing was half-written."""


class NewerSchemaError(StoreError):
    """The database was written by a newer quizapp; this one refuses to write to it."""


class StoreBusyError(StoreError):
    """Another process held the database longer than the busy timeout."""


class StoreFullError(StoreError):
    """The disk (or the database's size limit) is full; the record was not saved."""


class NothingToUndoError(StoreError):
    """There is no recorded answer that can be undone."""
