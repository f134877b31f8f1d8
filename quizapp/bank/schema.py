"""The JSON Schema of a deck file, derived from the model, for editors' YAML language servers."""

from __future__ import annotations

from typing import Annotated, Any

from quizapp.bank.model import QUESTION_TYPES, DeckHeader, Question


def deck_schema() -> dict[str, Any]:
    """A JSON Schema (draft 2020-12) for one deck file."""
    from pydantic import Field, TypeAdapter

    question: Any = Annotated[Question, Field(discriminator="type")]
    questions = TypeAdapter(list[question]).json_schema(ref_template="#/$defs/{model}")
    header = TypeAdapter(DeckHeader).json_schema(ref_template="#/$defs/{model}")
    defs = {**header.pop("$defs", {}), **questions.pop("$defs", {})}
    schema: dict[str, Any] = {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": "https://quizapp.invalid/deck.schema.json",
        **header,
        "title": "quizapp deck",
        "description": (
            "One deck of interview questions. Question types: " + ", ".join(QUESTION_TYPES)
        ),
    }
    schema["properties"]["questions"] = questions
    schema["required"] = [*schema.get("required", []), "questions"]
    schema["$defs"] = defs
    return schema
