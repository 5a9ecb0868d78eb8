"""The Shapes world: scenes of flat shapes, their images, every text about them, and exact scoring."""

from .captions import caption
from .detector import Detection, detect, scene_from_image
from .edits import EDIT_KINDS, Edit, edit_instruction, edit_kinds
from .errors import DetectionError, EditError, ImageError, PromptError, SceneError, SplitError, WorldError
from .knowledge import knowledge_prompt
from .metrics import psnr, ssim
from .prompts import GEN_CATEGORIES, KNOWLEDGE, PLACEMENT, GenPrompt, gen_prompt, placement_prompt, placement_text
from .qa import QA, QTYPES, TRAINING_QTYPES, qa_pairs, where_qa
from .render import render
from .routes import chat_request, draw_request, edit_request
from .scene import BACKGROUND, COLORS, GRID, IMAGE_SIZE, MAX_OBJECTS, SHAPES, SIZES, Obj, Scene, sample_scene
from .scorers import drawn_at_cell, qa_accuracy, score_edit, score_gen, shapes_eval_gen
from .spec import Need, Relation, Spec
from .split import HELDOUT_PAIRS, SPLITS, is_heldout
from .vocab import PUNCTUATION, VOCAB_WORDS, corpus, text_tokens

__all__ = [
    "BACKGROUND",
    "COLORS",
    "EDIT_KINDS",
    "GEN_CATEGORIES",
    "GRID",
    "HELDOUT_PAIRS",
    "IMAGE_SIZE",
    "KNOWLEDGE",
    "MAX_OBJECTS",
    "PLACEMENT",
    "PUNCTUATION",
    "QA",
    "QTYPES",
    "SHAPES",
    "SIZES",
    "SPLITS",
    "TRAINING_QTYPES",
    "VOCAB_WORDS",
    "Detection",
    "DetectionError",
    "Edit",
    "EditError",
    "GenPrompt",
    "ImageError",
    "Need",
    "Obj",
    "PromptError",
    "Relation",
    "Scene",
    "SceneError",
    "Spec",
    "SplitError",
    "WorldError",
    "caption",
    "chat_request",
    "corpus",
    "detect",
    "draw_request",
    "drawn_at_cell",
    "edit_instruction",
    "edit_kinds",
    "edit_request",
    "gen_prompt",
    "is_heldout",
    "knowledge_prompt",
    "placement_prompt",
    "placement_text",
    "psnr",
    "qa_accuracy",
    "qa_pairs",
    "render",
    "sample_scene",
    "scene_from_image",
    "score_edit",
    "score_gen",
    "shapes_eval_gen",
    "ssim",
    "text_tokens",
    "where_qa",
]
