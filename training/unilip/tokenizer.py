"""The UniLIP tokenizer: a small byte-level BPE whose files load unchanged in Hugging Face tokenizers.

`build_tokenizer(texts, out_dir)` learns merges and writes `tokenizer.json` + `tokenizer_config.json`;
`Tokenizer.from_dir(out_dir)` reads them back. Ids: 0..255 are bytes, then merges, then the special
tokens, so the vocabulary is dense and `len(tokenizer)` is the embedding size the LLM needs.
"""
from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path

from unilip.bpe import BYTE_ALPHABET, SPLIT_PATTERN, apply_merges, bytes_of, learn_merges, pretokenize
from unilip.chat_template import (
    CHAT_TEMPLATE,
    IM_END,
    IM_START,
    IMG_CONTEXT,
    IMG_END,
    IMG_START,
    ROLES,
    Message,
    render_chat,
)

PAD = "<|endoftext|>"
SPECIAL_TOKENS = (PAD, IM_START, IM_END, IMG_START, IMG_END, IMG_CONTEXT)
EOS = IM_END
MAX_VOCAB_SIZE = 4096
DEFAULT_MODEL_MAX_LENGTH = 2048
TOKENIZER_FILE = "tokenizer.json"
TOKENIZER_CONFIG_FILE = "tokenizer_config.json"
TOKENIZER_FILES = (TOKENIZER_FILE, TOKENIZER_CONFIG_FILE)


def _specials_pattern(special_tokens: Sequence[str]) -> re.Pattern[str]:
    # Longest first, so at any position the longest special token wins, as in the HF added-token splitter.
    ordered = sorted(special_tokens, key=len, reverse=True)
    return re.compile("|".join(re.escape(s) for s in ordered) or "(?!)")


def read_tokenizer_texts(directory: str | Path) -> dict[str, str]:
    """The tokenizer files of a directory, their texts by name, as a checkpoint stores them."""
    path = Path(directory)
    try:
        return {name: (path / name).read_text("utf-8") for name in TOKENIZER_FILES}
    except OSError as e:
        raise TokenizerError(f"cannot read tokenizer files in {path}") from e


class TokenizerError(ValueError):
    """Tokenizer files that cannot be built or read, or ids outside the vocabulary."""


class Tokenizer:
    def __init__(self, merges: Sequence[tuple[str, str]], special_tokens: Sequence[str], model_max_length: int):
        self.merges = list(merges)
        self._ranks = {pair: rank for rank, pair in enumerate(self.merges)}
        self.vocab: list[str] = [*BYTE_ALPHABET, *(a + b for a, b in self.merges), *special_tokens]
        self._ids = {token: i for i, token in enumerate(self.vocab)}
        if len(self._ids) != len(self.vocab):
            raise TokenizerError("duplicate tokens in the vocabulary")
        self.special_ids = {token: self._ids[token] for token in special_tokens}
        self._specials = _specials_pattern(special_tokens)
        self.model_max_length = model_max_length
        self._cache: dict[str, list[int]] = {}

    def __len__(self) -> int:
        return len(self.vocab)

    @property
    def eos_id(self) -> int:
        return self.special_ids[EOS]

    @property
    def pad_id(self) -> int:
        return self.special_ids[PAD]

    @classmethod
    def from_dir(cls, directory: str | Path) -> Tokenizer:
        return cls.from_texts(read_tokenizer_texts(directory), directory)

    @classmethod
    def from_texts(cls, texts: Mapping[str, str], where: str | Path) -> Tokenizer:
        """From the contents of the tokenizer files by name, as a checkpoint holds them; `where` names
        their source in errors."""
        try:
            spec = json.loads(texts[TOKENIZER_FILE])
            config = json.loads(texts[TOKENIZER_CONFIG_FILE])
            model = spec["model"]
            merges = [(a, b) for a, b in model["merges"]]
            added = sorted(spec["added_tokens"], key=lambda t: t["id"])
            tokenizer = cls(merges, [t["content"] for t in added], int(config["model_max_length"]))
        except (KeyError, TypeError, ValueError) as e:
            raise TokenizerError(f"cannot read tokenizer files in {where}") from e
        if tokenizer._ids != model["vocab"] | {t["content"]: t["id"] for t in added}:
            raise TokenizerError(f"{Path(where) / TOKENIZER_FILE}: vocab does not match bytes + merges + added tokens")
        return tokenizer

    def _encode_piece(self, piece: str) -> list[int]:
        ids = self._cache.get(piece)
        if ids is None:
            ids = [self._ids[symbol] for symbol in apply_merges(piece, self._ranks)]
            self._cache[piece] = ids
        return ids

    def _encode_text(self, text: str, ids: list[int]) -> None:
        for piece in pretokenize(text):
            ids.extend(self._encode_piece(piece))

    def encode(self, text: str) -> list[int]:
        """Special tokens are split out first; the text between them goes through the BPE."""
        ids: list[int] = []
        start = 0
        for match in self._specials.finditer(text):
            self._encode_text(text[start : match.start()], ids)
            ids.append(self.special_ids[match.group()])
            start = match.end()
        self._encode_text(text[start:], ids)
        return ids

    def decode(self, ids: Sequence[int], skip_special_tokens: bool = False) -> str:
        out: list[str] = []
        run: list[str] = []
        for i in ids:
            if not 0 <= i < len(self.vocab):
                raise TokenizerError(f"token id {i} outside the vocabulary [0, {len(self.vocab)})")
            token = self.vocab[i]
            if token in self.special_ids:
                out.append(bytes_of(run).decode("utf-8", errors="replace"))
                run = []
                if not skip_special_tokens:
                    out.append(token)
            else:
                run.append(token)
        out.append(bytes_of(run).decode("utf-8", errors="replace"))
        return "".join(out)

    def apply_chat_template(self, messages: Sequence[Message], add_generation_prompt: bool = False) -> str:
        """The rendered ChatML text; `encode` it for ids (the Jinja template in the config is identical)."""
        return render_chat(messages, add_generation_prompt)


def _tokenizer_json(tokenizer: Tokenizer) -> dict:
    n_base = len(BYTE_ALPHABET) + len(tokenizer.merges)
    byte_level = {"type": "ByteLevel", "add_prefix_space": False, "trim_offsets": False, "use_regex": False}
    return {
        "version": "1.0",
        "truncation": None,
        "padding": None,
        "added_tokens": [
            {"id": i, "content": token, "single_word": False, "lstrip": False, "rstrip": False,
             "normalized": False, "special": True}
            for token, i in tokenizer.special_ids.items()
        ],
        "normalizer": None,
        "pre_tokenizer": {
            "type": "Sequence",
            "pretokenizers": [
                {"type": "Split", "pattern": {"Regex": SPLIT_PATTERN}, "behavior": "Isolated", "invert": False},
                byte_level,
            ],
        },
        "post_processor": None,
        "decoder": byte_level,
        "model": {
            "type": "BPE", "dropout": None, "unk_token": None, "continuing_subword_prefix": None,
            "end_of_word_suffix": None, "fuse_unk": False, "byte_fallback": False, "ignore_merges": False,
            "vocab": {token: i for i, token in enumerate(tokenizer.vocab[:n_base])},
            "merges": [list(pair) for pair in tokenizer.merges],
        },
    }


def _tokenizer_config(tokenizer: Tokenizer) -> dict:
    return {
        "tokenizer_class": "Qwen2Tokenizer",
        "bos_token": None,
        "eos_token": EOS,
        "pad_token": PAD,
        "unk_token": None,
        "additional_special_tokens": [t for t in SPECIAL_TOKENS if t not in (EOS, PAD)],
        "added_tokens_decoder": {
            str(i): {"content": token, "lstrip": False, "normalized": False, "rstrip": False,
                     "single_word": False, "special": True}
            for token, i in tokenizer.special_ids.items()
        },
        "chat_template": CHAT_TEMPLATE,
        "model_max_length": tokenizer.model_max_length,
        "clean_up_tokenization_spaces": False,
        "split_special_tokens": False,
        "errors": "replace",
    }


def save_tokenizer(tokenizer: Tokenizer, out_dir: str | Path) -> None:
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    for name, payload in ((TOKENIZER_FILE, _tokenizer_json(tokenizer)),
                          (TOKENIZER_CONFIG_FILE, _tokenizer_config(tokenizer))):
        (out / name).write_text(json.dumps(payload, ensure_ascii=False, indent=1) + "\n", "utf-8")


def build_tokenizer(
    texts: Iterable[str],
    out_dir: str | Path | None = None,
    words: Sequence[str] = (),
    max_vocab_size: int = MAX_VOCAB_SIZE,
    model_max_length: int = DEFAULT_MODEL_MAX_LENGTH,
) -> Tokenizer:
    """Learn a tokenizer on `texts` in which every piece of the texts and every word of `words` after a
    space is a single token; write its files to `out_dir` when given.

    Words only need their spaced form: a bare word (first of a text) is one token when the texts start
    with it; requiring both forms of every word would cost about a hundred more merges."""
    words = sorted(set(words))
    # The chat format adds the role names to every turn; special tokens never reach the BPE.
    required = [*ROLES, *(" " + w for w in words)]
    specials = _specials_pattern(SPECIAL_TOKENS)
    texts = [segment for text in texts for segment in specials.split(text)]
    max_merges = max_vocab_size - len(BYTE_ALPHABET) - len(SPECIAL_TOKENS)
    if max_merges < 0:
        raise TokenizerError(f"max_vocab_size {max_vocab_size} is below the byte alphabet + special tokens")
    tokenizer = Tokenizer(learn_merges(texts, required, max_merges), SPECIAL_TOKENS, model_max_length)
    split = [w for w in words if len(tokenizer.encode(" " + w)) != 1]
    if split:
        raise TokenizerError(f"max_vocab_size {max_vocab_size} leaves words split into several tokens: {split[:5]}")
    if out_dir is not None:
        save_tokenizer(tokenizer, out_dir)
    return tokenizer
