import json

import numpy as np
import pytest

from unilip.bpe import pretokenize
from unilip.chat_template import ChatTemplateError, expand_image_placeholders
from unilip.tokenizer import MAX_VOCAB_SIZE, SPECIAL_TOKENS, Tokenizer, TokenizerError, build_tokenizer
from unilip.world import VOCAB_WORDS, corpus

CORPUS_SIZE = 300


@pytest.fixture(scope="module")
def texts() -> list[str]:
    return corpus(np.random.default_rng(0), CORPUS_SIZE)


@pytest.fixture(scope="module")
def tok_dir(tmp_path_factory, texts):
    out = tmp_path_factory.mktemp("tok")
    build_tokenizer(texts, out, words=VOCAB_WORDS)
    return out


@pytest.fixture(scope="module")
def tok(tok_dir) -> Tokenizer:
    return Tokenizer.from_dir(tok_dir)


def test_corpus_round_trips(tok, texts):
    for text in texts:
        assert tok.decode(tok.encode(text)) == text


def test_any_unicode_round_trips_through_bytes(tok):
    for text in ["héllo wörld", "日本語", "emoji 🙂 mix", "\x00\x0b\u2028\ufeff", "tab\t\tx\r\n"]:
        assert tok.decode(tok.encode(text)) == text


def test_lone_surrogates_encode_as_the_replacement_character(tok):
    # What the JS tokenizer's TextEncoder does with them.
    assert tok.encode("a\ud800b") == tok.encode("a\ufffdb")


def test_every_vocab_word_and_corpus_piece_is_one_token(tok, texts):
    for word in VOCAB_WORDS:
        assert len(tok.encode(" " + word)) == 1, word
    for text in texts:
        assert len(tok.encode(text)) == len(pretokenize(text)), text


def test_special_tokens_split_out_of_text(tok):
    ids = tok.special_ids
    assert set(ids) == set(SPECIAL_TOKENS)
    assert tok.encode("x<img>y</img>") == [*tok.encode("x"), ids["<img>"], *tok.encode("y"), ids["</img>"]]
    assert tok.encode("<IMG_CONTEXT><IMG_CONTEXT>") == [ids["<IMG_CONTEXT>"]] * 2
    # Near-misses stay ordinary text.
    assert not set(tok.encode("<im_start|> <IMG_CONTEXT <IMG>")) & set(ids.values())
    assert tok.decode([ids["<|im_start|>"], *tok.encode("hi")], skip_special_tokens=True) == "hi"


def test_special_tokens_never_reach_the_merges():
    tok = build_tokenizer(["<|im_start|>user\nhello<|im_end|>\n<img><IMG_CONTEXT></img>"] * 3)
    merged = tok.vocab[256 : len(tok) - len(SPECIAL_TOKENS)]
    assert " hello" not in merged and "hello" in merged and "user" in merged
    assert not [token for token in merged if "|" in token or "<" in token]


def test_vocab_is_dense_and_sized_for_the_model(tok, tok_dir):
    spec = json.loads((tok_dir / "tokenizer.json").read_text())
    ids = sorted([*spec["model"]["vocab"].values(), *(t["id"] for t in spec["added_tokens"])])
    assert ids == list(range(len(tok)))
    assert 300 <= len(tok) <= MAX_VOCAB_SIZE
    assert tok.eos_id == tok.special_ids["<|im_end|>"] and tok.pad_id == tok.special_ids["<|endoftext|>"]


def test_chat_template_renders_chatml(tok):
    messages = [
        {"role": "system", "content": "Be brief."},
        {"role": "user", "content": [{"type": "image"}, {"type": "text", "text": "What is it?"}]},
        {"role": "assistant", "content": "A star."},
    ]
    expected = (
        "<|im_start|>system\nBe brief.<|im_end|>\n"
        "<|im_start|>user\n<image>What is it?<|im_end|>\n"
        "<|im_start|>assistant\nA star.<|im_end|>\n"
    )
    assert tok.apply_chat_template(messages) == expected
    prompt = tok.apply_chat_template(messages[1:2], add_generation_prompt=True)
    assert prompt.endswith("<|im_end|>\n<|im_start|>assistant\n")
    expanded = expand_image_placeholders(prompt, 3)
    ids = tok.encode(expanded)
    assert ids.count(tok.special_ids["<IMG_CONTEXT>"]) == 3
    assert tok.decode(ids) == expanded


@pytest.mark.parametrize(
    "messages",
    [
        [{"role": "robot", "content": "hi"}],
        [{"role": "user", "content": 3}],
        [{"role": "user", "content": [{"type": "audio"}]}],
        [{"role": "user", "content": [{"type": "text"}]}],
    ],
)
def test_chat_template_rejects_malformed_messages(tok, messages):
    with pytest.raises(ChatTemplateError):
        tok.apply_chat_template(messages)


def test_image_expansion_needs_a_positive_count():
    with pytest.raises(ChatTemplateError):
        expand_image_placeholders("<image>", 0)


def test_decode_rejects_ids_outside_the_vocab(tok):
    with pytest.raises(TokenizerError, match="outside the vocabulary"):
        tok.decode([len(tok)])
    with pytest.raises(TokenizerError):
        tok.decode([-1])


def test_vocab_limit_is_enforced(texts):
    with pytest.raises(TokenizerError, match="split into several tokens"):
        build_tokenizer(texts, words=VOCAB_WORDS, max_vocab_size=300)
    with pytest.raises(TokenizerError, match="below the byte alphabet"):
        build_tokenizer(texts, max_vocab_size=100)


def test_unreadable_files_raise_a_typed_error(tmp_path, tok_dir):
    with pytest.raises(TokenizerError) as missing:
        Tokenizer.from_dir(tmp_path)
    assert isinstance(missing.value.__cause__, OSError)
    spec = json.loads((tok_dir / "tokenizer.json").read_text())
    spec["model"]["vocab"]["extra"] = 0
    (tmp_path / "tokenizer.json").write_text(json.dumps(spec))
    (tmp_path / "tokenizer_config.json").write_text((tok_dir / "tokenizer_config.json").read_text())
    with pytest.raises(TokenizerError, match="vocab does not match"):
        Tokenizer.from_dir(tmp_path)


def test_tokenizer_from_file_texts_equals_the_one_read_from_disk(tok_dir):
    texts = {name: (tok_dir / name).read_text() for name in ("tokenizer.json", "tokenizer_config.json")}
    from_texts, from_dir = Tokenizer.from_texts(texts, "memory"), Tokenizer.from_dir(tok_dir)
    sentence = "<|im_start|>user\nhow many red circles are there?<|im_end|>"
    assert from_texts.encode(sentence) == from_dir.encode(sentence)
    with pytest.raises(TokenizerError, match="cannot read tokenizer files in memory"):
        Tokenizer.from_texts({"tokenizer.json": texts["tokenizer.json"]}, "memory")
