"""Byte-level BPE: the pre-tokenizer, merge learning and merge application.

Every rule here is mirrored by the `tokenizer.json` that `unilip.tokenizer` writes, so the Hugging Face
JS tokenizer produces the same ids. The split pattern is plain ASCII on purpose: Python's `re` and the JS
engine disagree on what `\\s` and `\\p{L}` cover, but not on explicit ASCII classes.
"""
from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence

# Letters, digits and other runs each keep one leading space; whitespace runs stand alone.
SPLIT_PATTERN = r" ?[A-Za-z]+| ?[0-9]+| ?[^A-Za-z0-9\t\n\r ]+|[\t\n\r ]+"
_SPLIT_RE = re.compile(SPLIT_PATTERN)
# A Python str may hold lone surrogates, which UTF-8 cannot encode; JS TextEncoder writes U+FFFD for them.
_LONE_SURROGATE = re.compile("[\ud800-\udfff]")


def _bytes_to_unicode() -> dict[int, str]:
    # GPT-2's reversible byte -> printable character map: printable Latin-1 bytes map to themselves,
    # the rest are shifted above U+0100 so no token string contains whitespace or control characters.
    printable = [*range(ord("!"), ord("~") + 1), *range(0xA1, 0xAC + 1), *range(0xAE, 0xFF + 1)]
    chars = list(printable)
    shifted = 0
    for b in range(256):
        if b not in printable:
            printable.append(b)
            chars.append(256 + shifted)
            shifted += 1
    return {b: chr(c) for b, c in zip(printable, chars)}


BYTE_TO_CHAR: dict[int, str] = _bytes_to_unicode()
CHAR_TO_BYTE: dict[str, int] = {c: b for b, c in BYTE_TO_CHAR.items()}
# Token ids 0..255 are the single bytes, in byte order.
BYTE_ALPHABET: list[str] = [BYTE_TO_CHAR[b] for b in range(256)]


def pretokenize(text: str) -> list[str]:
    """Split text into pieces and map each piece's UTF-8 bytes to byte characters."""
    text = _LONE_SURROGATE.sub("\ufffd", text)
    return ["".join(BYTE_TO_CHAR[b] for b in piece.encode("utf-8")) for piece in _SPLIT_RE.findall(text)]


def bytes_of(symbols: Iterable[str]) -> bytes:
    return bytes(CHAR_TO_BYTE[c] for symbol in symbols for c in symbol)


def apply_merges(piece: str, ranks: dict[tuple[str, str], int]) -> list[str]:
    """Merge the lowest-ranked adjacent pair, leftmost first, until no pair has a rank (as HF does)."""
    symbols = list(piece)
    while len(symbols) > 1:
        best_rank, best_at = None, -1
        for i in range(len(symbols) - 1):
            rank = ranks.get((symbols[i], symbols[i + 1]))
            if rank is not None and (best_rank is None or rank < best_rank):
                best_rank, best_at = rank, i
        if best_rank is None:
            break
        symbols[best_at : best_at + 2] = [symbols[best_at] + symbols[best_at + 1]]
    return symbols


def learn_merges(
    texts: Iterable[str], required: Sequence[str], max_merges: int
) -> list[tuple[str, str]]:
    """Learn merges until every distinct piece of `texts` and every `required` piece is one symbol.

    Pairs are chosen by frequency; ties go to the smaller pair so the result is deterministic.
    Stops at `max_merges`; the caller checks that the required pieces made it.
    """
    counts: Counter[str] = Counter()
    for text in texts:
        counts.update(pretokenize(text))
    for piece in required:
        counts.update(pretokenize(piece))
    words = {piece: list(piece) for piece in counts}
    merges: list[tuple[str, str]] = []
    while len(merges) < max_merges:
        pairs: Counter[tuple[str, str]] = Counter()
        for piece, symbols in words.items():
            for pair in zip(symbols, symbols[1:]):
                pairs[pair] += counts[piece]
        if not pairs:
            break
        top = max(pairs.values())
        best = min(pair for pair, n in pairs.items() if n == top)
        merges.append(best)
        words = {piece: _merge_pair(symbols, best) for piece, symbols in words.items()}
    return merges


def _merge_pair(symbols: list[str], pair: tuple[str, str]) -> list[str]:
    out: list[str] = []
    i = 0
    while i < len(symbols):
        if i + 1 < len(symbols) and (symbols[i], symbols[i + 1]) == pair:
            out.append(symbols[i] + symbols[i + 1])
            i += 2
        else:
            out.append(symbols[i])
            i += 1
    return out
