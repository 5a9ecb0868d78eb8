"""The ChatML chat template, as Jinja (for the JS tokenizer) and as Python (for training and export).

Both render the same text: `<|im_start|>{role}\\n{content}<|im_end|>\\n` per message, then
`<|im_start|>assistant\\n` when a generation prompt is asked for. Content is a string or a list of parts;
an image part renders as the `<image>` placeholder, which the runtime expands to
`<img>` + N x `<IMG_CONTEXT>` + `</img>` before tokenizing.
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

IM_START = "<|im_start|>"
IM_END = "<|im_end|>"
IMG_START = "<img>"
IMG_END = "</img>"
IMG_CONTEXT = "<IMG_CONTEXT>"
IMAGE_PLACEHOLDER = "<image>"
ROLES = ("system", "user", "assistant")

CHAT_TEMPLATE = (
    "{%- for message in messages -%}"
    "{{- '<|im_start|>' + message['role'] + '\\n' -}}"
    "{%- if message['content'] is string -%}"
    "{{- message['content'] -}}"
    "{%- else -%}"
    "{%- for part in message['content'] -%}"
    "{%- if part['type'] == 'image' -%}{{- '<image>' -}}"
    "{%- elif part['type'] == 'text' -%}{{- part['text'] -}}"
    "{%- endif -%}"
    "{%- endfor -%}"
    "{%- endif -%}"
    "{{- '<|im_end|>\\n' -}}"
    "{%- endfor -%}"
    "{%- if add_generation_prompt -%}{{- '<|im_start|>assistant\\n' -}}{%- endif -%}"
)

Message = Mapping[str, Any]


class ChatTemplateError(ValueError):
    """A conversation the template cannot render (unknown role, malformed content part)."""


def _render_content(content: object, index: int) -> str:
    if isinstance(content, str):
        return content
    if not isinstance(content, Sequence):
        raise ChatTemplateError(f"message {index}: content must be a string or a list of parts")
    out = []
    for part in content:
        kind = part.get("type") if isinstance(part, Mapping) else None
        if kind == "image":
            out.append(IMAGE_PLACEHOLDER)
        elif kind == "text" and isinstance(part.get("text"), str):
            out.append(part["text"])
        else:
            raise ChatTemplateError(f"message {index}: a part must be {{type: 'text', text}} or {{type: 'image'}}")
    return "".join(out)


def render_chat(messages: Sequence[Message], add_generation_prompt: bool = False) -> str:
    """Render messages exactly as CHAT_TEMPLATE does."""
    out = []
    for i, message in enumerate(messages):
        role = message.get("role")
        if role not in ROLES:
            raise ChatTemplateError(f"message {i}: role must be one of {ROLES}, got {role!r}")
        out.append(f"{IM_START}{role}\n{_render_content(message.get('content'), i)}{IM_END}\n")
    if add_generation_prompt:
        out.append(f"{IM_START}assistant\n")
    return "".join(out)


def expand_image_placeholders(text: str, tokens_per_image: int) -> str:
    """Replace each `<image>` with `<img>` + tokens_per_image x `<IMG_CONTEXT>` + `</img>`."""
    if tokens_per_image < 1:
        raise ChatTemplateError(f"tokens_per_image must be >= 1, got {tokens_per_image}")
    return text.replace(IMAGE_PLACEHOLDER, IMG_START + IMG_CONTEXT * tokens_per_image + IMG_END)
