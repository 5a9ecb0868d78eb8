"""Conversations the MLLM learns from, rendered exactly as the runtime renders them (ChatML through the
package's chat template), with loss only on the assistant's tokens.

Three kinds: questions about an image (multi-turn), draw requests answered `<img>generate`, and edit
requests (an image in the conversation) answered `<img>edit`, so the runtime can let the model route.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from unilip import world
from unilip.chat_template import expand_image_placeholders, render_chat
from unilip.templates import ROUTE_ANSWERS
from unilip.tokenizer import Tokenizer
from unilip.world.routes import CHAT_REQUESTS

IGNORE = -100
# Mix of conversation kinds (questions, draw requests, edit requests). Routing is learnt in a fraction
# of the run (100% at 0.15 each); questions need every step they can get.
KIND_WEIGHTS = (0.85, 0.075, 0.075)
MAX_QA_TURNS = 3
IMAGE_FIRST_RATE = 0.7
# Share of chats whose image was drawn by the assistant earlier in the chat, not uploaded.
DRAWN_IMAGE_RATE = 0.2
CAPTION_RATE = 0.2
# Objects in a focus chat's scene (fewest, most): at least two, so every question type can be asked and
# a question must pick its object out.
FOCUS_OBJECTS = (2, 4)


@dataclass(frozen=True)
class Chat:
    messages: list[dict]
    scene: world.Scene | None  # the one image of the chat, if any


@dataclass(frozen=True)
class EncodedChat:
    ids: list[int]
    labels: list[int]
    scene: world.Scene | None


def image_turn(text: str, image_first: bool = True) -> list[dict]:
    """A user turn with one image; parts are concatenated as the chat template (and the runtime) does."""
    parts = [{"type": "image"}, {"type": "text", "text": text}]
    return parts if image_first else parts[::-1]


def _any_order(rng: np.random.Generator, text: str) -> list[dict]:
    # Clients send the image before or after the text; the model must read both.
    return image_turn(text, image_first=rng.random() < IMAGE_FIRST_RATE)


def _opening(rng: np.random.Generator, scene: world.Scene, first_text: str, split: str) -> list[dict]:
    """The turn that brings the scene's image into the chat: a user upload asking `first_text`, or (as a
    chat goes on after a drawing) a draw request answered by the image, then `first_text`."""
    if rng.random() < DRAWN_IMAGE_RATE:
        return [{"role": "user", "content": world.draw_request(rng, split=split)},
                {"role": "assistant", "content": [{"type": "image"}]},
                {"role": "user", "content": first_text}]
    return [{"role": "user", "content": _any_order(rng, first_text)}]


def qa_chat(rng: np.random.Generator, split: str = "train") -> Chat:
    scene = world.sample_scene(rng, split=split)
    qas = world.qa_pairs(scene, rng, split)
    turns = int(rng.integers(1, MAX_QA_TURNS + 1))
    picked = [qas[int(i)] for i in rng.choice(len(qas), size=min(turns, len(qas)), replace=False)]
    first, answer = picked[0].question, picked[0].answer
    if rng.random() < CAPTION_RATE:
        first, answer = str(rng.choice(CHAT_REQUESTS)), world.caption(scene, rng)
    messages = _opening(rng, scene, first, split) + [{"role": "assistant", "content": answer}]
    for qa in picked[1:]:
        messages += [{"role": "user", "content": qa.question}, {"role": "assistant", "content": qa.answer}]
    return Chat(messages, scene)


def draw_chat(rng: np.random.Generator, split: str = "train") -> Chat:
    """A draw request, sometimes after an image question (drawing wins over the image in context)."""
    messages: list[dict] = []
    scene = None
    if rng.random() < 0.3:
        base = qa_chat(rng, split)
        messages, scene = base.messages, base.scene
    messages += [{"role": "user", "content": world.draw_request(rng, split=split)},
                 {"role": "assistant", "content": ROUTE_ANSWERS["generate"]}]
    return Chat(messages, scene)


def edit_chat(rng: np.random.Generator, split: str = "train") -> Chat:
    scene = world.sample_scene(rng, split=split)
    instruction = world.edit_request(scene, rng, split=split)
    if rng.random() < 0.5:
        messages = _opening(rng, scene, instruction, split)
    else:
        qa = world.qa_pairs(scene, rng, split)[0]
        messages = _opening(rng, scene, qa.question, split) + [
            {"role": "assistant", "content": qa.answer},
            {"role": "user", "content": instruction},
        ]
    messages.append({"role": "assistant", "content": ROUTE_ANSWERS["edit"]})
    return Chat(messages, scene)


def focus_chat(rng: np.random.Generator, qtypes: tuple[str, ...], split: str = "train") -> Chat:
    """One question of `qtypes` right after an image of FOCUS_OBJECTS objects, and nothing else: the mix
    asks each kind of question too rarely, after too much else, for reading one object of several."""
    asked: list[world.QA] = []
    while not asked:  # "where" alone has no question when the objects differ only by their places
        n_objects = int(rng.integers(FOCUS_OBJECTS[0], FOCUS_OBJECTS[1] + 1))
        scene = world.sample_scene(rng, split=split, n_objects=n_objects)
        asked = [qa for qa in world.qa_pairs(scene, rng, split) if qa.qtype in qtypes]
        # Drawn only when asked for, so the other types' chats stay those of runs made before it existed.
        where = world.where_qa(scene, rng) if "where" in qtypes else None
        asked += [where] if where else []
    qa = asked[int(rng.integers(len(asked)))]
    return Chat([{"role": "user", "content": image_turn(qa.question)}, {"role": "assistant", "content": qa.answer}],
                scene)


def sample_chat(rng: np.random.Generator, split: str = "train") -> Chat:
    kind = rng.choice(3, p=KIND_WEIGHTS)
    return (qa_chat, draw_chat, edit_chat)[int(kind)](rng, split)


def encode_chat(chat: Chat, tokenizer: Tokenizer, tokens_per_image: int) -> EncodedChat:
    """Token ids of the whole chat and labels that are IGNORE except on assistant answers (+ `<|im_end|>`)."""

    def ids_of(messages: list[dict], generation_prompt: bool) -> list[int]:
        text = render_chat(messages, add_generation_prompt=generation_prompt)
        return tokenizer.encode(expand_image_placeholders(text, tokens_per_image))

    ids = ids_of(chat.messages, False)
    labels = [IGNORE] * len(ids)
    for i, message in enumerate(chat.messages):
        if message["role"] != "assistant" or not isinstance(message["content"], str):
            continue  # user turns and images the assistant drew are context, not targets
        before = ids_of(chat.messages[:i], True)
        through = ids_of(chat.messages[: i + 1], False)
        # ChatML splits at special tokens and newlines, so a rendered prefix tokenizes to a prefix.
        assert ids[: len(through)] == through and through[: len(before)] == before, "chat prefix drifted"
        end = len(through) - 1  # the trailing "\n" after <|im_end|> is not learned
        labels[len(before) : end] = ids[len(before) : end]
    return EncodedChat(ids, labels, chat.scene)
