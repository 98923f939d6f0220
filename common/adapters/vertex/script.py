"""GeminiScriptWriter: the ScriptWriter port on Gemini with structured output.

Gemini answers JSON constrained by the `StoryDraft` schema; the answer is mapped onto a Story and
checked (common/adapters/vertex/script_schema.py). An answer that is cut off (MAX_TOKENS), is not
valid JSON, or does not make a valid story is asked for again, with what was wrong, a bounded
number of times; then the step fails with a ProviderError that says why. A refusal (safety) is a
ContentFilteredError at once.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from pydantic import ValidationError

from common.adapters.vertex.client import vertex_errors, wire_seed
from common.adapters.vertex.script_prompt import script_prompt
from common.adapters.vertex.script_schema import (
    StoryDraft,
    StoryProblem,
    draft_model,
    to_story,
    validation_summary,
)
from common.domain.assets import ScriptRequest
from common.domain.errors import ContentFilteredError, InvalidInputError, ProviderError
from common.domain.pacing import ELEVENLABS_RATES, SpeakingRates
from common.domain.story import Story

if TYPE_CHECKING:
    from google import genai

log = logging.getLogger(__name__)

# Finish reasons that mean the model refused the content.
REFUSED = frozenset(
    {"SAFETY", "PROHIBITED_CONTENT", "BLOCKLIST", "SPII", "RECITATION", "MODEL_ARMOR"}
)
IMAGE_REFUSED = frozenset({"IMAGE_SAFETY", "IMAGE_PROHIBITED_CONTENT", "IMAGE_RECITATION"})


def finish_reason(candidate: Any) -> str:
    """A candidate's finish reason as its wire name ('STOP', 'MAX_TOKENS'...), or ''."""
    reason = getattr(candidate, "finish_reason", None)
    return str(getattr(reason, "value", reason) or "")


def check_refusal(provider: str, response: Any) -> None:
    """ContentFilteredError when the prompt or the answer was blocked by a safety filter."""
    feedback = getattr(response, "prompt_feedback", None)
    block = getattr(feedback, "block_reason", None)
    if block:
        reason = getattr(block, "value", block)
        message = getattr(feedback, "block_reason_message", None) or ""
        raise ContentFilteredError(
            f"{provider} refused the prompt: {reason} {message}".strip(), provider=provider
        )
    for candidate in response.candidates or []:
        reason = finish_reason(candidate)
        if reason in REFUSED or reason in IMAGE_REFUSED:
            raise ContentFilteredError(
                f"{provider} refused to answer: finish reason {reason}", provider=provider
            )


class GeminiScriptWriter:
    """ScriptWriter on a Gemini model (`client` is a google-genai client on Vertex AI)."""

    def __init__(
        self,
        client: genai.Client,
        model: str,
        *,
        attempts: int = 3,
        rates: SpeakingRates = ELEVENLABS_RATES,
    ) -> None:
        if attempts < 1:
            raise ValueError("attempts must be at least 1")
        self._client = client
        self._model = model
        self._attempts = attempts
        # The narrator that will read the story: the prompt and the length check use its rates.
        self._rates = rates
        self.id = f"gemini/{model}"

    def write(self, request: ScriptRequest) -> Story:
        """A complete story for the prompt, sized to the requested duration."""
        if not request.prompt.strip():
            raise InvalidInputError("the prompt is empty", fields={"prompt": "must not be empty"})
        feedback = ""
        schema = draft_model(request.format)
        for attempt in range(1, self._attempts + 1):
            prompt = script_prompt(request, self._rates, feedback)
            response = self._ask(prompt, request.seed, schema)
            try:
                return to_story(self._draft(response, schema), request, self._rates)
            except StoryProblem as exc:
                feedback = str(exc)
                log.warning(
                    "%s: answer %d of %d unusable: %s", self.id, attempt, self._attempts, feedback
                )
        raise ProviderError(
            f"{self.id} gave no usable story in {self._attempts} attempts; last problem: "
            f"{feedback}",
            provider=self.id,
            retryable=False,
            code="invalid_response",
        )

    def _ask(self, prompt: str, seed: int, schema: type[StoryDraft]) -> Any:
        from google.genai import types

        config = types.GenerateContentConfig(
            response_mime_type="application/json",
            response_schema=schema,
            seed=wire_seed(seed),
        )
        with vertex_errors(self.id, "script generation"):
            return self._client.models.generate_content(
                model=self._model, contents=prompt, config=config
            )

    def _draft(self, response: Any, schema: type[StoryDraft]) -> StoryDraft:
        """The draft in the answer; StoryProblem when it is missing, cut off or malformed."""
        check_refusal(self.id, response)
        candidates = response.candidates or []
        if not candidates:
            raise StoryProblem("the answer had no candidates")
        if finish_reason(candidates[0]) == "MAX_TOKENS":
            raise StoryProblem(
                "the JSON was cut off at the output token limit (MAX_TOKENS): keep the "
                "narration and visual prompts shorter"
            )
        parsed = response.parsed
        if isinstance(parsed, schema):
            return parsed
        # The SDK leaves `parsed` None when the JSON does not validate: find out why.
        text = _text(candidates[0])
        if not text.strip():
            raise StoryProblem("the answer was empty")
        try:
            return schema.model_validate_json(text)
        except ValidationError as exc:
            raise StoryProblem(
                f"the JSON did not match the schema: {validation_summary(exc)}"
            ) from exc


def _text(candidate: Any) -> str:
    content = getattr(candidate, "content", None)
    parts = getattr(content, "parts", None) or []
    return "".join(p.text for p in parts if getattr(p, "text", None))
