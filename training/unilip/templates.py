"""The prompt templates a package ships (manifest `templates`) and how they become token ids.

A template is the user turn; it is rendered through the ChatML chat template with a generation prompt,
followed by the assistant prefix `<img>`; `<image>` expands to the image's context tokens.
"""
from __future__ import annotations

from unilip.chat_template import IMAGE_PLACEHOLDER, IMG_START, expand_image_placeholders
from unilip.tokenizer import Tokenizer

TEMPLATES = {
    "generate": "Generate an image: {prompt}",
    "generate_null": "Generate an image.",
    "edit": "Edit the image: {instruction}\n" + IMAGE_PLACEHOLDER,
    "edit_null": "Edit the image.\n" + IMAGE_PLACEHOLDER,
    "assistant_prefix": IMG_START,
    "image": IMAGE_PLACEHOLDER,
}
# What a model trained to route answers instead of text (manifest `routing.answers`).
ROUTE_ANSWERS = {"generate": IMG_START + "generate", "edit": IMG_START + "edit"}


class TemplateError(ValueError):
    """A prompt that cannot be filled into its template."""


def fill(template: str, **fields: str) -> str:
    try:
        return template.format(**fields)
    except (KeyError, IndexError, ValueError) as e:
        raise TemplateError(f"cannot fill template {template!r} with {sorted(fields)}") from e


def image_prompt_ids(tokenizer: Tokenizer, user_text: str, tokens_per_image: int) -> list[int]:
    """Ids of a generate/edit prompt: chat-rendered user turn + assistant prefix, images expanded."""
    chat = tokenizer.apply_chat_template([{"role": "user", "content": user_text}], add_generation_prompt=True)
    return tokenizer.encode(expand_image_placeholders(chat + TEMPLATES["assistant_prefix"], tokens_per_image))


def generate_prompts(tokenizer: Tokenizer, prompt: str, tokens_per_image: int) -> tuple[list[int], list[int]]:
    """(conditional ids, null ids) for a text-to-image request."""
    cond = fill(TEMPLATES["generate"], prompt=prompt)
    return (image_prompt_ids(tokenizer, cond, tokens_per_image),
            image_prompt_ids(tokenizer, TEMPLATES["generate_null"], tokens_per_image))


def edit_prompts(tokenizer: Tokenizer, instruction: str, tokens_per_image: int) -> tuple[list[int], list[int]]:
    """(conditional ids, null ids) for an edit request; both carry the source image."""
    cond = fill(TEMPLATES["edit"], instruction=instruction)
    return (image_prompt_ids(tokenizer, cond, tokens_per_image),
            image_prompt_ids(tokenizer, TEMPLATES["edit_null"], tokens_per_image))
