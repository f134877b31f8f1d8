"""Text in several languages: the `{en, zh}` mapping every text field of the bank may be.

Kept apart from the question model so the first screen, which shows deck titles, never pays
for defining the question classes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Annotated, Any, Literal, TypeAlias

LANGUAGES = ("en", "zh")
Lang: TypeAlias = Literal["en", "zh"]

# Pydantic reads `__pydantic_config__` from plain dataclasses: unknown keys are errors, and
# strings are never silently turned into numbers or booleans beyond YAML's own typing.
_STRICT_KEYS = {"extra": "forbid"}


class _AtLeastOneCharacter:
    """Pydantic metadata: a string of at least one character.

    annotated_types' `MinLen(1)` says the same, but importing that package costs ~5 ms on
    the first screen's path, and only validation (pydantic) ever reads this.
    """

    def __get_pydantic_core_schema__(self, source: Any, handler: Any) -> Any:
        schema = handler(source)
        schema["min_length"] = 1  # pydantic-core's str schema; the JSON Schema says minLength
        return schema


NonEmptyStr = Annotated[str, _AtLeastOneCharacter()]


@dataclass(frozen=True, slots=True, kw_only=True)
class LocalizedText:
    """Text in several languages; English is required, others fall back to it."""

    __pydantic_config__ = _STRICT_KEYS
    en: NonEmptyStr
    zh: NonEmptyStr | None = None


Text: TypeAlias = NonEmptyStr | LocalizedText


def text_in(value: Text, lang: Lang) -> str:
    """The text in `lang`, falling back to English where that language is missing."""
    if isinstance(value, str):
        return value
    if lang == "zh" and value.zh:
        return value.zh
    return value.en


def has_language(value: Text, lang: Lang) -> bool:
    """Whether `value` has its own text in `lang` (English always counts as present)."""
    if lang == "en":
        return True
    return isinstance(value, LocalizedText) and bool(value.zh)


_CJK = (
    r"\u2e80-\u2fff\u3000-\u303f\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff"
    r"\uf900-\ufaff\uff00-\uffef"
)
_BREAK_BETWEEN_CJK = re.compile(rf"(?<=[{_CJK}])[ \t]*\n[ \t]*(?=[{_CJK}])")
_BREAK = re.compile(r"[ \t]*\n[ \t]*")


def unwrap(source: str) -> str:
    """The text as one paragraph: line breaks between CJK characters vanish, others are spaces."""
    return _BREAK.sub(" ", _BREAK_BETWEEN_CJK.sub("", source.strip()))
