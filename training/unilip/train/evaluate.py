"""Measure a trained UniLIP on the Shapes world: understanding, routing, reconstruction, generation,
knowledge and editing, on seen and held-out attribute combinations.

    /usr/bin/python3 -m unilip.train.evaluate --run-dir runs/shapes --out ../models/shapes/eval.json
"""

from __future__ import annotations

import argparse
import copy
import json
import time
from collections import defaultdict
from pathlib import Path

import numpy as np
import torch

from unilip import world
from unilip.chat_template import IM_END, IMG_CONTEXT, expand_image_placeholders, render_chat
from unilip.checkpoint import Checkpoint, load_checkpoint
from unilip.model import UniLIP
from unilip.model.condition import build_condition
from unilip.pipelines import left_pad
from unilip.progress import ProgressBar
from unilip.sampling import SamplerSettings, initial_noise, sample
from unilip.templates import edit_prompts, generate_prompts
from unilip.tokenizer import Tokenizer
from unilip.train.batches import pixels_of
from unilip.train.recipe import TORCH_THREADS
from unilip.train.chats import ROUTE_ANSWERS, image_turn
from unilip.train.greedy import greedy_answers

BATCH = 32
# Apart from the chunk seeds of the GenEval and knowledge prompts (GEN_SEED + chunk).
PLACEMENT_SEED_OFFSET = 1000
SPLITS = ("train", "heldout")
# Seeds of the reported image tasks (a sampler sweep tunes on others, so it never sees these).
GEN_SEED, EDIT_SEED = 4, 5
# Written by unilip.train.sampler_sweep into the run folder; the report carries it when present.
SWEEP_FILE = "sampler_sweep.json"
MAX_ANSWER_TOKENS = 8


def to_uint8(pixels: torch.Tensor) -> list[np.ndarray]:
    """(B, 3, S, S) in ~[0, 1] -> B arrays (S, S, 3) uint8."""
    return list((pixels.clamp(0, 1) * 255).round().byte().permute(0, 2, 3, 1).numpy())


def _chunks(items: list, size: int):
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _answer(model: UniLIP, tokenizer: Tokenizer, chats: list[tuple[list[dict], world.Scene | None]]) -> list[str]:
    """Greedy answers to single-turn chats (an image or none each)."""
    tokens = model.config.vision.tokens_per_image
    out: list[str] = []
    for chunk in _chunks(chats, BATCH):
        prompts = [tokenizer.encode(expand_image_placeholders(render_chat(m, True), tokens)) for m, _ in chunk]
        scenes = [s for _, s in chunk if s is not None]
        pixels = pixels_of(scenes, model.config.vision.image_size) if scenes else None
        ids = greedy_answers(model, prompts, pixels,
                             tokenizer.special_ids[IMG_CONTEXT], tokenizer.pad_id,
                             tokenizer.special_ids[IM_END], MAX_ANSWER_TOKENS)
        out += [tokenizer.decode(i).strip() for i in ids]
    return out


def understanding(model: UniLIP, tokenizer: Tokenizer, scenes: int, split: str, seed: int) -> dict:
    rng = np.random.default_rng(seed)
    chats, qas = [], []
    for _ in range(scenes):
        scene = world.sample_scene(rng, split=split)
        for qa in world.qa_pairs(scene, rng, split):
            chats.append(([{"role": "user", "content": image_turn(qa.question)}], scene))
            qas.append(qa)
    return world.qa_accuracy(_answer(model, tokenizer, chats), qas)


def routing(model: UniLIP, tokenizer: Tokenizer, n: int, seed: int) -> dict:
    """Share of requests the model itself routes right (draw -> <img>generate, edit -> <img>edit, question -> text)."""
    rng = np.random.default_rng(seed)
    cases = []
    for _ in range(n):
        scene = world.sample_scene(rng)
        cases.append(([{"role": "user", "content": world.draw_request(rng)}], None, "generate"))
        instruction = world.edit_request(scene, rng)
        cases.append(([{"role": "user", "content": image_turn(instruction)}], scene, "edit"))
        question = world.qa_pairs(scene, rng)[0].question
        cases.append(([{"role": "user", "content": image_turn(question)}], scene, "understand"))
    answers = _answer(model, tokenizer, [(m, s) for m, s, _ in cases])
    by_route: dict[str, list[bool]] = defaultdict(list)
    for (_, _, route), answer in zip(cases, answers):
        chosen = next((r for r, a in ROUTE_ANSWERS.items() if answer.startswith(a)), "understand")
        by_route[route].append(chosen == route)
    result = {route: float(np.mean(hits)) for route, hits in by_route.items()}
    result["overall"] = float(np.mean([h for hits in by_route.values() for h in hits]))
    return result


def _reads_back(image: np.ndarray, scene: world.Scene) -> bool:
    try:
        return world.scene_from_image(image) == scene
    except world.DetectionError:
        return False


@torch.no_grad()
def reconstruction(model: UniLIP, n: int, seed: int) -> dict:
    """PSNR and SSIM, and `scenes_read_back`: the share of reconstructions in which the ShapesEval detector
    finds exactly the source scene. Drawing and editing are scored by that detector through the same
    decoder, so this is their ceiling."""
    rng = np.random.default_rng(seed)
    scenes = [world.sample_scene(rng) for _ in range(n)]
    psnrs, ssims, read_back = [], [], []
    for chunk in _chunks(scenes, BATCH):
        pixels = pixels_of(chunk, model.config.vision.image_size)
        recon = to_uint8(model.decode_latents(model.encode_latents(pixels)))
        for original, image, scene in zip(to_uint8(pixels), recon, chunk):
            psnrs.append(world.psnr(original, image))
            ssims.append(world.ssim(original, image))
            read_back.append(_reads_back(image, scene))
    return {"psnr": float(np.mean(psnrs)), "ssim": float(np.mean(ssims)),
            "scenes_read_back": float(np.mean(read_back)), "images": n}


@torch.no_grad()
def _draw(model: UniLIP, tokenizer: Tokenizer, pairs: list[tuple[list[int], list[int]]],
          sources: torch.Tensor | None, seed: int, queries_only: bool, sampler: SamplerSettings) -> list[np.ndarray]:
    """(cond ids, null ids) pairs -> images, CFG with both halves in one batch (null first)."""
    ids, mask = left_pad([null for _, null in pairs] + [cond for cond, _ in pairs], tokenizer.pad_id)
    features = positions = None
    if sources is not None:
        features = model.encode_images(torch.cat((sources, sources)))  # (2B, N, H)
        positions = ids == tokenizer.special_ids[IMG_CONTEXT]
    condition, condition_mask, image_mask = build_condition(model, ids, mask, features, positions, queries_only)
    c = model.config
    noise = initial_noise((len(pairs), c.latent_channels, c.latent_size, c.latent_size), seed)
    x0 = sample(model, condition, condition_mask, noise, sampler.steps, sampler.guidance, sampler.name, sampler.shift,
                image_mask=image_mask)
    return to_uint8(model.decode_latents(x0 / c.unilip_factor))


def draw_texts(model: UniLIP, tokenizer: Tokenizer, texts: list[str], seed: int, sampler: SamplerSettings,
               queries_only: bool = False, bar: ProgressBar | None = None) -> list[np.ndarray]:
    """One image per text prompt, drawn in chunks of BATCH; chunk i is seeded `seed + i`."""
    tokens = model.config.vision.tokens_per_image
    images: list[np.ndarray] = []
    for i, chunk in enumerate(_chunks(texts, BATCH)):
        pairs = [generate_prompts(tokenizer, text, tokens) for text in chunk]
        images += _draw(model, tokenizer, pairs, None, seed + i, queries_only, sampler)
        if bar is not None:
            bar.advance()
    return images


def generation(model: UniLIP, tokenizer: Tokenizer, per_category: int, split: str, seed: int,
               sampler: SamplerSettings, queries_only: bool = False, progress: bool = True) -> dict:
    rng = np.random.default_rng(seed)
    prompts = [world.gen_prompt(rng, cat, split=split) for cat in world.GEN_CATEGORIES for _ in range(per_category)]
    prompts += [world.knowledge_prompt(rng, split=split) for _ in range(per_category)]
    # Drawn apart and last, so the prompts and noise before them stay those of evaluations made before
    # placement was scored.
    placements = [world.placement_prompt(rng, split=split) for _ in range(per_category)]
    chunks = -(-len(prompts) // BATCH) - (-len(placements) // BATCH)  # ceiling divisions
    bar = ProgressBar(chunks, f"generation ({split})") if progress else None
    images = draw_texts(model, tokenizer, [p.text for p in prompts], seed, sampler, queries_only, bar)
    hits: dict[str, list[bool]] = defaultdict(list)
    for prompt, image in zip(prompts, images):
        hits[prompt.category].append(bool(world.score_gen(prompt, image)))
    placed = draw_texts(model, tokenizer, [p.text for p in placements], seed + PLACEMENT_SEED_OFFSET, sampler,
                        queries_only, bar)
    # A placement prompt's spec leaves the cell out (it is a training prompt), so the cell is scored here.
    hits[world.PLACEMENT] = [world.drawn_at_cell(p.scene.objects[0], image) for p, image in zip(placements, placed)]
    result = {cat: float(np.mean(h)) for cat, h in hits.items()}
    result["overall"] = float(np.mean([result[c] for c in world.GEN_CATEGORIES]))
    return result


def editing(model: UniLIP, tokenizer: Tokenizer, n: int, split: str, seed: int, sampler: SamplerSettings,
            queries_only: bool = False) -> dict:
    rng = np.random.default_rng(seed)
    tokens = model.config.vision.tokens_per_image
    edits = [world.edit_instruction(world.sample_scene(rng, split=split), rng, split=split) for _ in range(n)]
    scores: dict[str, list] = defaultdict(list)
    by_kind: dict[str, list[bool]] = defaultdict(list)
    for i, chunk in enumerate(_chunks(edits, BATCH)):
        pairs = [edit_prompts(tokenizer, e.instruction, tokens) for e in chunk]
        sources = pixels_of([e.source for e in chunk], model.config.vision.image_size)
        images = _draw(model, tokenizer, pairs, sources, seed + i, queries_only, sampler.for_edits())
        for edit, image in zip(chunk, images):
            score = world.score_edit(edit, image)
            for key in ("satisfied", "unchanged", "success", "psnr_outside"):
                scores[key].append(float(score[key]))
            by_kind[edit.kind].append(bool(score["success"]))
    result = {key: float(np.mean(v)) for key, v in scores.items()}
    result["by_kind"] = {kind: float(np.mean(v)) for kind, v in by_kind.items()}
    return result


def sample_counts(quick: bool) -> tuple[int, int, int]:
    """(scenes per QA split, prompts per generation category, edits per split)."""
    scale = 0.05 if quick else 1.0
    return max(2, int(100 * scale)), max(2, int(50 * scale)), max(2, int(200 * scale))


def image_metrics(model: UniLIP, tokenizer: Tokenizer, quick: bool, sampler: SamplerSettings,
                  queries_only: bool = False) -> dict:
    """ShapesEval-Gen/Knowledge and -Edit on both splits, with fixed seeds so two models see the same tasks."""
    _, per_category, edits = sample_counts(quick)
    return {
        "generation": {s: generation(model, tokenizer, per_category, s, GEN_SEED, sampler, queries_only)
                       for s in SPLITS},
        "editing": {s: editing(model, tokenizer, edits, s, EDIT_SEED, sampler, queries_only) for s in SPLITS},
    }


def load_run(run_dir: Path) -> tuple[Checkpoint, Tokenizer]:
    """A finished run's final checkpoint and its tokenizer."""
    checkpoint = load_checkpoint(run_dir / "final.pt")
    return checkpoint, checkpoint.tokenizer()


def stage_sections(run_dir: Path, model: UniLIP, tokenizer: Tokenizer, scenes: int) -> dict:
    """The figures that need a run's stage files: QA with the original encoder, reconstruction after
    encoder stages 1 and 2."""
    original = copy.deepcopy(model)
    original.vision.load_state_dict(torch.load(run_dir / "original_encoder.pt", map_location="cpu"))
    stage1, stage2 = copy.deepcopy(model), copy.deepcopy(model)
    stage1.load_state_dict(torch.load(run_dir / "encoder1.done.pt", map_location="cpu"))
    stage2.load_state_dict(torch.load(run_dir / "encoder2.done.pt", map_location="cpu"))
    return {
        "original_encoder": {s: understanding(original, tokenizer, scenes, s, 1) for s in SPLITS},
        "stage1": reconstruction(stage1, 2 * scenes, 3),
        "stage2": reconstruction(stage2, 2 * scenes, 3),
    }


def carried_sections(base_eval: dict) -> dict:
    """The same figures from the eval.json of the model a run continued (`continue_generation`,
    `continue_understanding`), whose encoder, mlp1 and decoders it did not train; original-encoder QA was
    measured with the base model's LLM."""
    return {
        "original_encoder": base_eval["understanding"]["original_encoder"],
        "stage1": base_eval["reconstruction"]["stage1"],
        "stage2": base_eval["reconstruction"]["stage2"],
    }


def evaluate_run(run_dir: Path, quick: bool, carry_from: Path | None = None) -> dict:
    """`carry_from`: the base model's eval.json, for a run that has no stage files of its own."""
    torch.set_num_threads(TORCH_THREADS)
    checkpoint, tokenizer = load_run(run_dir)
    model = checkpoint.model
    sampler = SamplerSettings.from_meta(checkpoint.meta)
    scenes, _, _ = sample_counts(quick)
    began = time.monotonic()
    base = None if carry_from is None else json.loads(carry_from.read_text())
    staged = stage_sections(run_dir, model, tokenizer, scenes) if base is None else carried_sections(base)
    # A continued run's own timings follow the base run's stages.
    timings = {**({} if base is None else base.get("timings", {})),
               **json.loads((run_dir / "timings.json").read_text())}
    report = {
        "sampler": sampler.to_json(),
        "understanding": {
            "original_encoder": staged["original_encoder"],
            "stage2_encoder": {s: understanding(model, tokenizer, scenes, s, 1) for s in SPLITS},
        },
        "routing": routing(model, tokenizer, scenes, 2),
        # stage1 vs stage2 is the paper's claim; final adds the recipe's last pixel-decoder stage.
        "reconstruction": {"stage1": staged["stage1"], "stage2": staged["stage2"],
                           "final": reconstruction(model, 2 * scenes, 3)},
        **image_metrics(model, tokenizer, quick, sampler),
        "meta": checkpoint.meta,
        "timings": timings,
    }
    if carry_from is not None:
        report["carried_from"] = {"eval": str(carry_from), "figures": ["understanding.original_encoder",
                                                                     "reconstruction.stage1", "reconstruction.stage2"]}
    report["eval_seconds"] = time.monotonic() - began
    sweep = run_dir / SWEEP_FILE
    if sweep.exists():
        report["sampler_sweep"] = json.loads(sweep.read_text())
    return report


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--run-dir", type=Path, required=True, help="a finished recipe run (final.pt inside)")
    parser.add_argument("--out", type=Path, required=True, help="where eval.json goes")
    parser.add_argument("--quick", action="store_true", help="a few samples per metric (CI smoke run)")
    parser.add_argument("--ablation", type=Path, help="ablation.json of `unilip.train.ablation`, kept in the report")
    parser.add_argument("--carry-from", type=Path, metavar="BASE_EVAL_JSON",
                        help="a run of `unilip.train.continue_generation` or `continue_understanding`: take the "
                             "figures that need stage files (original-encoder QA, stage-1 and stage-2 "
                             "reconstruction) from the base model's eval")
    args = parser.parse_args()
    report = evaluate_run(args.run_dir, args.quick, args.carry_from)
    if args.ablation is not None:
        report["ablation"] = json.loads(args.ablation.read_text())
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, indent=2))
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
