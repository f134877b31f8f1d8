"""Keeping the app alive through an unexpected error in a screen's handler.

Textual stops a widget's message loop when one of its handlers raises, so a global catch is not
enough: handlers that call into the layers below are wrapped with `guarded`, which logs the
traceback to `errors.log` in the data folder and shows a readable notification instead. Under a
test harness (a headless app) the error is re-raised so a bug can never hide.
"""

from __future__ import annotations

import functools
import inspect
import traceback
from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Any, ParamSpec, TypeVar

from textual.app import App
from textual.dom import DOMNode

P = ParamSpec("P")
R = TypeVar("R")


def report_error(app: App[Any], error: BaseException, log_folder: Any) -> None:
    """Log `error` under `log_folder` and tell the user, without stopping the app."""
    log = log_folder / "errors.log"
    try:
        log.parent.mkdir(parents=True, exist_ok=True)
        with log.open("a", encoding="utf-8") as fh:
            fh.write(f"--- {datetime.now().isoformat()}\n")
            fh.write("".join(traceback.format_exception(error)))
        where = f"details in {log}"
    except OSError:
        where = "the details could not be saved"
    app.notify(
        f"Something went wrong: {error!r}. Your progress is saved; {where}.",
        title="Unexpected error",
        severity="error",
        timeout=15,
    )


def guarded(method: Callable[..., Any]) -> Callable[..., Awaitable[None]]:
    """Wrap a screen's handler or action so an exception is reported, not fatal."""

    @functools.wraps(method)
    async def wrapper(self: DOMNode, *args: Any, **kwargs: Any) -> None:
        try:
            result = method(self, *args, **kwargs)
            if inspect.isawaitable(result):
                await result
        except Exception as exc:  # the boundary between the UI and everything below it
            app = self.app
            flag = getattr(app, "reraise_errors", None)
            if app.is_headless if flag is None else flag:
                raise
            report_error(app, exc, app.study.folder)  # type: ignore[attr-defined]

    return wrapper
