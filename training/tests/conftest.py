from pathlib import Path

import numpy as np
import pytest
import torch

from unilip import world
from unilip.checkpoint import save_checkpoint
from unilip.config import shapes
from unilip.model import UniLIP
from unilip.templates import TEMPLATES
from unilip.tokenizer import build_tokenizer


@pytest.fixture
def shapes_checkpoint(tmp_path: Path) -> Path:
    """A randomly initialised Shapes-size model with a small tokenizer, saved as a checkpoint (for benches)."""
    corpus = world.corpus(np.random.default_rng(0), 500) + list(TEMPLATES.values())
    tokenizer = build_tokenizer(corpus, tmp_path / "tok", words=world.VOCAB_WORDS)
    torch.manual_seed(0)
    save_checkpoint(tmp_path / "ck.pt", UniLIP(shapes(vocab_size=len(tokenizer))), tmp_path / "tok", {})
    return tmp_path / "ck.pt"
