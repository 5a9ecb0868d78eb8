"""The training recipe: chat encoding, batches, batched greedy decoding, and a --quick run end to end."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
import torch

from unilip import world
from unilip.chat_template import IM_END, IMG_CONTEXT
from unilip.checkpoint import load_checkpoint
from unilip.config import shapes
from unilip.model import UniLIP
from unilip.pipelines import left_pad, understand_greedy
from unilip.templates import TEMPLATES, generate_prompts
from unilip.tokenizer import build_tokenizer
from unilip.train import ablation, batches, evaluate, position_probe, recipe, report, sampler_sweep, stages
from unilip.train.chats import IGNORE, ROUTE_ANSWERS, encode_chat, sample_chat
from unilip.train.greedy import greedy_answers

SHAPES = shapes()
TOKENS = SHAPES.vision.tokens_per_image
SIZE = SHAPES.vision.image_size


@pytest.fixture(scope="module")
def tokenizer():
    corpus = world.corpus(np.random.default_rng(0), 2000) + list(TEMPLATES.values())
    return build_tokenizer(corpus, words=world.VOCAB_WORDS)


def test_labels_cover_exactly_the_assistant_answers(tokenizer):
    rng = np.random.default_rng(1)
    for _ in range(50):
        chat = sample_chat(rng)
        encoded = encode_chat(chat, tokenizer, TOKENS)
        learned = [t for t in encoded.labels if t != IGNORE]
        answers = [m["content"] for m in chat.messages if m["role"] == "assistant" and isinstance(m["content"], str)]
        assert tokenizer.decode(learned) == "".join(a + IM_END for a in answers)
        contexts = encoded.ids.count(tokenizer.special_ids[IMG_CONTEXT])
        assert contexts == (TOKENS if chat.scene is not None else 0)


def test_route_answers_appear_in_the_mix(tokenizer):
    rng = np.random.default_rng(2)
    answers = {m["content"] for _ in range(200) for m in sample_chat(rng).messages if m["role"] == "assistant"
               and isinstance(m["content"], str)}
    assert set(ROUTE_ANSWERS.values()) <= answers


def test_chat_batch_places_one_image_per_image_chat(tokenizer):
    batch = batches.chat_batch(np.random.default_rng(3), tokenizer, 8, TOKENS, SIZE)
    images = 0 if batch.pixels is None else batch.pixels.shape[0]
    assert int(batch.image_positions.sum()) == images * TOKENS
    assert batch.ids.shape == batch.labels.shape == batch.segments.shape == batch.positions.shape


def test_a_prompt_mix_draws_each_kind_in_about_its_share_and_the_default_draws_as_before():
    mix = batches.PromptMix(placement=0.3, knowledge=0.1, categories=("position", "counting"))
    rng = np.random.default_rng(0)
    prompts = [mix.draw(rng, "train") for _ in range(2000)]
    shares = {c: sum(p.category == c for p in prompts) / len(prompts) for c in {p.category for p in prompts}}
    assert set(shares) == {world.PLACEMENT, world.KNOWLEDGE, "position", "counting"}
    assert abs(shares[world.PLACEMENT] - 0.3) < 0.03 and abs(shares[world.KNOWLEDGE] - 0.1) < 0.03
    assert {p.scene.objects[0].cell for p in prompts if p.category == world.PLACEMENT} == set(world.GRID)
    first, second = np.random.default_rng(1), np.random.default_rng(1)
    before = [world.knowledge_prompt(first) if first.random() < batches.KNOWLEDGE_SHARE else
              world.gen_prompt(first, world.GEN_CATEGORIES[int(first.integers(len(world.GEN_CATEGORIES)))])
              for _ in range(200)]
    assert [p.text for p in before] == [batches.PromptMix().draw(second, "train").text for _ in range(200)]


def test_edits_of_chosen_kinds_are_drawn_again_on_scenes_that_allow_none():
    rng = np.random.default_rng(2)
    edits = [batches._edit_of(rng, ("add",), "train") for _ in range(60)]
    assert {e.kind for e in edits} == {"add"}
    assert all(len(e.source.objects) < world.MAX_OBJECTS for e in edits)


def test_edit_kinds_that_no_scene_allows_are_an_error_not_an_endless_draw(monkeypatch):
    full = world.sample_scene(np.random.default_rng(0), n_objects=world.MAX_OBJECTS)
    monkeypatch.setattr(world, "sample_scene", lambda rng, split="train": full)
    with pytest.raises(world.EditError, match=f"none of {batches.MAX_EDIT_SCENES} train scenes"):
        batches._edit_of(np.random.default_rng(0), ("add",), "train")


@pytest.mark.parametrize(("placement", "knowledge", "categories"), [
    (-0.1, 0.1, world.GEN_CATEGORIES), (0.8, 0.3, world.GEN_CATEGORIES), (0.1, 0.1, ()), (0.1, 0.1, ("colour",))])
def test_a_prompt_mix_that_cannot_be_drawn_is_refused(placement, knowledge, categories):
    with pytest.raises(ValueError, match="placement and knowledge|categories must be"):
        batches.PromptMix(placement, knowledge, categories)


def test_pack_rows_places_every_chat_once_within_the_longest():
    lengths = [int(n) for n in np.random.default_rng(5).integers(10, 100, size=40)]
    rows = batches.pack_rows(lengths)
    assert sorted(i for row in rows for i in row) == list(range(40))
    assert all(sum(lengths[i] for i in row) <= max(lengths) for row in rows)
    assert len(rows) < 40
    assert batches.pack_rows([7]) == [[0]]


def test_packed_chats_learn_as_if_each_had_its_own_row(tokenizer):
    """Same logits at every chat's tokens and the same loss as one chat per row: packing only saves padding."""
    torch.manual_seed(0)
    model = UniLIP(shapes(vocab_size=len(tokenizer))).eval()
    rng = np.random.default_rng(6)
    chats = [encode_chat(sample_chat(rng), tokenizer, TOKENS) for _ in range(12)]
    rows = batches.pack_rows([len(c.ids) for c in chats])
    assert any(len(row) > 1 for row in rows)
    packed = batches.layout_chats(chats, rows, tokenizer, SIZE)
    alone = batches.layout_chats(chats, [[i] for i in range(len(chats))], tokenizer, SIZE)
    with torch.no_grad():
        packed_logits, alone_logits = stages.chat_logits(model, packed), stages.chat_logits(model, alone)
    for r, row in enumerate(rows):
        start = 0
        for k, i in enumerate(row):
            n = len(chats[i].ids)
            assert packed.segments[r, start : start + n].eq(k + 1).all()
            assert packed.positions[r, start : start + n].tolist() == list(range(n))
            assert packed.labels[r, start] == IGNORE  # no chat learns the next chat's first token
            torch.testing.assert_close(packed_logits[r, start : start + n], alone_logits[i, :n], atol=1e-5, rtol=1e-4)
            start += n
    with torch.no_grad():
        losses = [stages.chat_loss(model, b) for b in (packed, alone)]
    torch.testing.assert_close(losses[0], losses[1], atol=1e-6, rtol=1e-5)


def test_batched_greedy_matches_single_prompt_decoding(tokenizer):
    torch.manual_seed(0)
    model = UniLIP(shapes(vocab_size=len(tokenizer))).eval()
    rng = np.random.default_rng(4)
    scenes = [world.sample_scene(rng) for _ in range(3)]
    prompts = [tokenizer.encode(f"<|im_start|>user\n<img>{IMG_CONTEXT * TOKENS}</img>{q}<|im_end|>\n"
                                "<|im_start|>assistant\n") for q in ("how many shapes?", "is there a star?", "hi")]
    pixels = batches.pixels_of(scenes, SIZE)
    stop = tokenizer.special_ids[IM_END]
    batched = greedy_answers(model, prompts, pixels, tokenizer.special_ids[IMG_CONTEXT], tokenizer.pad_id, stop, 5)
    for prompt, image, got in zip(prompts, pixels, batched):
        single = understand_greedy(model, torch.tensor([prompt]), image[None], tokenizer.special_ids[IMG_CONTEXT], 5,
                                   [stop])
        assert got == single["output_ids"].tolist()


def test_quick_recipe_runs_every_stage_and_evaluates(tmp_path):
    timings = recipe.run(tmp_path, quick=True, seed=0)
    assert set(timings) == {"clip", "mllm", "encoder1", "encoder2", "gen1", "gen2", "decoder"}
    for name in timings:
        log = (tmp_path / f"{name}.losses.jsonl").read_text().splitlines()
        assert all(np.isfinite(json.loads(line)["loss"]) for line in log)
    again = recipe.run(tmp_path, quick=True, seed=0)
    assert all(t["skipped"] == 1.0 and t["steps"] == recipe.QUICK_STEPS for t in again.values()), "no stage runs twice"
    sweep = sampler_sweep.sweep(tmp_path, quick=True)
    assert load_checkpoint(tmp_path / "final.pt").meta["sampler"] == sweep["chosen"], "the choice is recorded"
    result = evaluate.evaluate_run(tmp_path, quick=True)
    assert result["sampler"] == sweep["chosen"] and result["sampler_sweep"]["grid"][0]["editing"]["success"] >= 0
    assert 0 <= result["generation"]["train"]["overall"] <= 1
    assert all(0 <= result["generation"][s]["placement"] <= 1 for s in ("train", "heldout"))
    assert result["reconstruction"]["stage2"]["psnr"] > 0
    assert 0 <= result["reconstruction"]["final"]["scenes_read_back"] <= 1
    assert set(result["understanding"]["stage2_encoder"]) == {"train", "heldout"}
    markdown = report.render(json.loads(json.dumps(result)))
    assert "## ShapesEval-Edit" in markdown and "| gen2 | 3 |" in markdown and "## Sampler sweep" in markdown

    ablated = tmp_path / "queries-only"
    assert set(ablation.train_queries_only(tmp_path, ablated, quick=True, seed=0, minutes=1)) == {"gen1", "gen2"}
    comparison = ablation.compare(tmp_path, ablated, quick=True)
    assert comparison["queries_only"]["training_steps"] == {"gen1": 3, "gen2": 3}
    assert 0 <= comparison["queries_only"]["editing"]["train"]["success"] <= 1
    result["ablation"] = comparison
    assert "| queries_only | 3 |" in report.render(json.loads(json.dumps(result)))


def test_the_stage_shares_split_the_whole_budget():
    assert sum(share for *_, share in recipe.FULL.values()) == pytest.approx(1.0)


def _eval_json(tmp_path, content) -> Path:
    eval_json = tmp_path / "eval.json"
    eval_json.write_text(json.dumps(content))
    return eval_json


def test_a_replayed_run_makes_each_stage_the_reference_runs_steps_with_no_time_budget(tmp_path):
    steps = {name: 10 + i for i, name in enumerate(recipe.FULL)}
    eval_json = _eval_json(tmp_path, {"meta": {"training_steps": steps}})
    replay = recipe.RunSettings(tmp_path, quick=False, seed=0, replay_steps=recipe.load_replay_steps(eval_json))
    timed = recipe.RunSettings(tmp_path, quick=False, seed=0, minutes=100)
    for name, (max_steps, batch, _, share) in recipe.FULL.items():
        assert recipe.stage_plan(name, replay) == (steps[name], batch, None)
        assert recipe.stage_plan(name, timed) == (max_steps, batch, pytest.approx(6000 * share))


ALL_FIVE = {name: 5 for name in recipe.FULL}


@pytest.mark.parametrize("content", [
    {"meta": {"training_steps": {}}},
    {"meta": {"training_steps": {name: 5 for name in list(recipe.FULL)[:-1]}}},
    {"meta": {"training_steps": {**ALL_FIVE, "clip": 0}}},
    {"meta": {"training_steps": {**ALL_FIVE, "clip": True}}},
    {"meta": {"training_steps": [5] * len(recipe.FULL)}},
    {"meta": "shapes"},
    [ALL_FIVE],
])
def test_a_replay_without_every_stages_positive_steps_is_refused(tmp_path, content):
    with pytest.raises(ValueError, match="meta.training_steps"):
        recipe.load_replay_steps(_eval_json(tmp_path, content))


def _write_steps(tmp_path) -> str:
    return str(_eval_json(tmp_path, {"meta": {"training_steps": ALL_FIVE}}))


def test_the_command_line_reads_a_replay_and_defaults_to_the_timed_budget(tmp_path):
    replayed = recipe.parse_args(["--run-dir", str(tmp_path), "--replay-steps", _write_steps(tmp_path)])
    assert replayed.replay == ALL_FIVE
    timed = recipe.parse_args(["--run-dir", str(tmp_path)])
    assert (timed.replay, timed.quick, timed.minutes) == (None, False, recipe.DEFAULT_MINUTES)


def test_a_missing_replay_file_is_a_command_line_error(tmp_path, capsys):
    with pytest.raises(SystemExit) as exit_info:
        recipe.parse_args(["--run-dir", str(tmp_path), "--replay-steps", str(tmp_path / "none.json")])
    assert exit_info.value.code == 2
    assert "none.json" in capsys.readouterr().err


@pytest.mark.parametrize("extra", [["--quick", "--minutes", "5"], ["--quick", "--replay-steps", "STEPS"],
                                   ["--minutes", "5", "--replay-steps", "STEPS"]])
def test_two_budgets_on_one_command_line_are_refused(tmp_path, capsys, extra):
    argv = ["--run-dir", str(tmp_path), *[_write_steps(tmp_path) if a == "STEPS" else a for a in extra]]
    with pytest.raises(SystemExit) as exit_info:
        recipe.parse_args(argv)
    assert exit_info.value.code == 2
    assert "not allowed with argument" in capsys.readouterr().err


def _started_with(run_dir: Path, **vision) -> None:
    """A run folder as if started with a preset whose vision config had `vision` changed."""
    run_dir.mkdir(exist_ok=True)
    config = shapes(vocab_size=300).to_dict()
    config["vision"].update(vision)
    (run_dir / recipe.RUN_CONFIG_FILE).write_text(json.dumps(config))


def test_a_run_folder_keeps_the_config_it_started_with(tmp_path):
    build_tokenizer(world.corpus(np.random.default_rng(0), 200), tmp_path / "tokenizer", words=world.VOCAB_WORDS)
    model, _ = recipe.prepare(tmp_path, 0)
    assert json.loads((tmp_path / recipe.RUN_CONFIG_FILE).read_text()) == model.config.to_dict()
    again, _ = recipe.prepare(tmp_path, 0)  # an unchanged preset resumes
    assert again.config == model.config
    _started_with(tmp_path, layer_norm_eps=1e-5)
    with pytest.raises(recipe.RunConfigError, match="vision.layer_norm_eps"):
        recipe.prepare(tmp_path, 0)


def test_a_run_folder_of_another_config_is_a_command_line_error(tmp_path, capsys):
    _started_with(tmp_path, num_heads=8, layer_norm_eps=1e-5)
    with pytest.raises(SystemExit) as exit_info:
        recipe.parse_args(["--run-dir", str(tmp_path)])
    assert exit_info.value.code == 2
    assert "vision.layer_norm_eps, vision.num_heads differ" in capsys.readouterr().err
    _started_with(tmp_path)
    assert recipe.parse_args(["--run-dir", str(tmp_path)]).run_dir == tmp_path


def test_a_scene_reads_back_from_its_own_rendering_and_not_from_another():
    rng = np.random.default_rng(7)
    scene, other = world.sample_scene(rng), world.sample_scene(rng)
    image = world.render(scene, SIZE)
    assert evaluate._reads_back(image, scene)
    assert not evaluate._reads_back(image, other)
    assert not evaluate._reads_back(np.full_like(image, 255), scene)


def test_the_sweep_takes_each_task_its_best_guidance_at_the_shift_where_they_add_up_best():
    def point(guidance, shift, gen, edit):
        sampler = {"name": "dpm-solver++2m", "steps": 20, "guidance": guidance, "shift": shift}
        return {"sampler": sampler, "generation": {"overall": gen}, "editing": {"success": edit}}

    grid = [point(2.0, 1.0, 0.5, 0.1), point(4.0, 1.0, 0.7, 0.0), point(2.0, 3.0, 0.2, 0.6), point(4.0, 3.0, 0.5, 0.2)]
    chosen = sampler_sweep.choose(grid)
    # shift 1: 0.7 + 0.1; shift 3: 0.5 + 0.6 wins, drawing at 4 and editing at 2.
    assert (chosen.shift, chosen.guidance, chosen.edit_guidance) == (3.0, 4.0, 2.0)
    assert chosen.for_edits().guidance == 2.0 and chosen.for_edits().shift == 3.0


def test_the_sweep_draws_as_many_tasks_as_asked_and_refuses_none(tmp_path, capsys):
    args = sampler_sweep.parse_args(["--run-dir", str(tmp_path), "--per-category", "50", "--edits", "200"])
    assert (args.per_category, args.edits) == (50, 200)
    assert sampler_sweep.parse_args(["--run-dir", str(tmp_path)]).per_category == sampler_sweep.PER_CATEGORY
    for bad in (["--per-category", "0"], ["--edits", "0"]):
        with pytest.raises(SystemExit):
            sampler_sweep.parse_args(["--run-dir", str(tmp_path), *bad])
        assert "must be at least 1" in capsys.readouterr().err
    for counts in (["--per-category", "50"], ["--edits", "200"]):
        with pytest.raises(SystemExit):
            sampler_sweep.parse_args(["--run-dir", str(tmp_path), "--quick", *counts])
        assert "must not be given with --quick" in capsys.readouterr().err


def test_the_position_probe_finds_cells_only_where_features_carry_them(tokenizer):
    torch.manual_seed(0)
    model = UniLIP(shapes(vocab_size=len(tokenizer))).eval()
    # At initialisation the ViT's position embedding still marks every token's cell.
    assert position_probe.cell_probe(model, tokenizer, 64, seed=0)["image_features"] > 0.5
    # Without it the ViT cannot tell cells apart: empty cells look alike wherever they are.
    with torch.no_grad():
        model.vision.pos_embed.zero_()
    blind = position_probe.cell_probe(model, tokenizer, 64, seed=0)
    assert blind["image_features"] < 0.35 and blind["chance"] == 1 / TOKENS


def test_placement_prompts_name_every_seen_pair_at_every_cell_once():
    prompts = position_probe.placement_prompts()
    objects = [o for _, o in prompts]
    assert len(set(objects)) == len(objects) and {o.cell for o in objects} == set(world.GRID)
    assert not any(world.is_heldout(o.shape, o.color) for o in objects)
    assert all(text.endswith(f"{o.color} {o.shape} at the {o.cell}") for text, o in prompts)


def test_the_named_cell_probe_reads_the_last_word_of_the_cell_name(tokenizer):
    torch.manual_seed(0)
    model = UniLIP(shapes(vocab_size=len(tokenizer))).eval()
    prompts = position_probe.placement_prompts()[:20]
    ids, _ = left_pad([generate_prompts(tokenizer, text, TOKENS)[0] for text, _ in prompts], tokenizer.pad_id)
    at = position_probe._cell_word_positions(ids, tokenizer, [o for _, o in prompts])
    assert [tokenizer.decode([int(ids[i, j])]).strip() for i, j in enumerate(at)] == [
        o.cell.split()[-1] for _, o in prompts]
    # Untrained, every depth of the condition path still holds the named cell; the bundled model's DiT
    # condition has lost most of it (docs/training.md, session 15).
    probed = position_probe.named_cell_probe(model, tokenizer, seed=0)
    assert set(probed) == {"llm_hidden", "condition", "dit_condition"}
    assert min(probed.values()) > 0.9


def test_opposite_place_words_start_apart_and_a_collapse_shows(tokenizer):
    torch.manual_seed(0)
    model = UniLIP(shapes(vocab_size=len(tokenizer))).eval()
    start = position_probe.opposite_word_similarity(model, tokenizer)
    assert set(start) == {"top/bottom", "left/right", "above/below"} and max(map(abs, start.values())) < 0.3
    left, right = (position_probe.word_id(tokenizer, w) for w in ("left", "right"))
    with torch.no_grad():
        model.llm.embed.weight[right] = model.llm.embed.weight[left] * 2
    assert position_probe.opposite_word_similarity(model, tokenizer)["left/right"] == pytest.approx(1.0)


def test_the_ablation_replays_the_runs_steps_or_takes_its_budget_never_both(tmp_path, capsys):
    base = ["--run-dir", str(tmp_path), "--out", str(tmp_path / "q")]
    assert ablation.parse_args([*base, "--replay-steps", _write_steps(tmp_path)]).replay == ALL_FIVE
    assert ablation.parse_args(base).replay is None
    with pytest.raises(SystemExit):
        ablation.parse_args([*base, "--minutes", "5", "--replay-steps", _write_steps(tmp_path)])
    assert "not allowed with" in capsys.readouterr().err
