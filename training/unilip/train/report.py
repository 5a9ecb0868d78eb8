"""Render an eval.json (from `unilip.train.evaluate`) and the run's timings as a readable Markdown report.

    /usr/bin/python3 -m unilip.train.report --eval ../models/shapes/eval.json --out ../docs/shapes-eval.md
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from unilip import world


def _pct(value: float) -> str:
    return f"{100 * value:.1f}"


def _table(header: list[str], rows: list[list[str]]) -> list[str]:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    return lines + ["| " + " | ".join(row) + " |" for row in rows]


def _sweep(sweep: dict) -> list[str]:
    """Guidance x shift grid of Gen overall / Edit success, in percent."""
    cells = {(r["sampler"]["guidance"], r["sampler"]["shift"]): r for r in sweep["grid"]}
    guidances = sorted({g for g, _ in cells})
    shifts = sorted({s for _, s in cells})
    tasks = sweep["tasks"]

    def cell(key: tuple[float, float]) -> str:
        r = cells.get(key)
        return "" if r is None else f"{_pct(r['generation']['overall'])} / {_pct(r['editing']['success'])}"

    out = ["", "## Sampler sweep", "",
           f"`unilip.train.sampler_sweep` drew {tasks['prompts_per_category']} prompts per Gen category and "
           f"{tasks['edits']} edits (seen combinations, seeds the tables above do not use) at every point. "
           "Cells: Gen overall / Edit success. Drawing and editing each take their best guidance at the shift "
           f"where the two add up best. Chosen: {sweep['chosen']}.", ""]
    return out + _table(["guidance \\ shift", *(str(s) for s in shifts)],
                        [[str(g), *(cell((g, s)) for s in shifts)] for g in guidances])


def render(report: dict) -> str:
    u = report["understanding"]
    qtypes = [*world.QTYPES, "overall"]
    out = ["# Shapes UniLIP: evaluation", "",
           f"Sampler: {report['sampler']}. Scores in percent; `train` = attribute combinations seen in "
           "training, `heldout` = combinations training never saw.", "",
           "## Understanding (QA accuracy)", ""]
    rows = [[f"{enc} / {split}", *(_pct(u[enc][split].get(q, float("nan"))) for q in qtypes)]
            for enc in ("original_encoder", "stage2_encoder") for split in ("train", "heldout")]
    out += _table(["encoder / split", *qtypes], rows)
    r = report["routing"]
    out += ["", "## Routing (the model's own choice)", ""]
    out += _table(["generate", "edit", "understand", "overall"],
                  [[_pct(r["generate"]), _pct(r["edit"]), _pct(r["understand"]), _pct(r["overall"])]])
    rec = report["reconstruction"]
    out += ["", "## Reconstruction", ""]
    out += _table(["encoder", "PSNR (dB)", "SSIM", "scenes read back (%)"],
                  [[k, f"{v['psnr']:.2f}", f"{v['ssim']:.3f}", _pct(v.get("scenes_read_back", float("nan")))]
                   for k, v in rec.items()])
    out += ["", "Scenes read back: the detector finds exactly the source scene in the reconstruction; "
            "drawing and editing go through the same decoder and detector, so this caps their scores."]
    g = report["generation"]
    cats = [*world.GEN_CATEGORIES, "overall", world.KNOWLEDGE, world.PLACEMENT]
    out += ["", "## ShapesEval-Gen and ShapesEval-Knowledge", ""]
    out += _table(["split", *cats], [[s, *(_pct(g[s].get(c, float("nan"))) for c in cats)] for s in g])
    out += ["", "Overall is the mean of the six GenEval categories. Placement: prompts like \"a red circle at the top "
            "left\" whose object is drawn at the named cell."]
    e = report["editing"]
    kinds = list(world.EDIT_KINDS)
    out += ["", "## ShapesEval-Edit", ""]
    out += _table(["split", "success", "satisfied", "unchanged", "PSNR outside (dB)", *kinds],
                  [[s, _pct(v["success"]), _pct(v["satisfied"]), _pct(v["unchanged"]), f"{v['psnr_outside']:.2f}",
                    *(_pct(v["by_kind"].get(k, float("nan"))) for k in kinds)] for s, v in e.items()])
    if "ablation" in report:
        intro = ("The generation stages retrained with the DiT seeing only the queries' states, from the same "
                 "encoder weights, data, noise and budget (`unilip.train.ablation`).")
        if report.get("meta", {}).get("continued_generation"):
            intro += (" Both arms are the recipe's generation stages without the continuations below, so the dual "
                      "row is the recipe's model, not this one.")
        out += ["", "## Ablation: queries only vs the dual condition", "", intro, ""]
        out += _table(["condition", "gen2 steps", "Gen train", "Gen heldout", "Edit train", "Edit heldout",
                       "edit PSNR outside (dB)"],
                      [[name, str(v["training_steps"]["gen2"]), _pct(v["generation"]["train"]["overall"]),
                        _pct(v["generation"]["heldout"]["overall"]), _pct(v["editing"]["train"]["success"]),
                        _pct(v["editing"]["heldout"]["success"]), f"{v['editing']['train']['psnr_outside']:.2f}"]
                       for name, v in report["ablation"].items()])
    if "sampler_sweep" in report:
        out += _sweep(report["sampler_sweep"])
    steps = report.get("meta", {}).get("training_steps", {})
    timings = report.get("timings", {})
    if steps:
        out += ["", "## Training", ""]
        out += _table(["stage", "steps", "minutes"],
                      [[k, str(v), f"{timings.get(k, {}).get('seconds', float('nan')) / 60:.1f}"] for k, v in steps.items()])
    places = report.get("meta", {}).get("distinct_places")
    if places:
        out += ["", render_places(places, "carried_from" in report)]
    tags = report.get("meta", {}).get("cell_tags")
    if tags:
        out += ["", render_cell_tags(tags)]
    understood = report.get("meta", {}).get("continued_understanding")
    if understood:
        out += understanding_continuations(understood, "carried_from" in report)
    continued = report.get("meta", {}).get("continued_generation")
    if continued:
        out += continuations(continued, "carried_from" in report)
    return "\n".join(out) + "\n"


def render_places(places: dict, carried: bool) -> str:
    """The section on `unilip.train.distinct_places`, from its record in the model's meta."""
    done = places.get("after_continuations", 0)
    when = "Before the continuations below" if done == 0 else f"After the first {done} continuations below"
    text = (f"## Distinct place words\n\n{when}, `unilip.train.distinct_places` untied the "
            f"LLM's output head and gave {', '.join(places['words'])} fresh, orthogonal input embeddings (seed "
            f"{places['seed']}), so that prompts naming different cells reach the DiT as different conditions, and "
            f"added a learned code of norm {places['cell_codes']:g} per latent cell to the DiT's position table.")
    if carried:
        text += (" QA with the original encoder is carried from the base model's evaluation, so it was measured "
                 "with the place words before this change.")
    return text


def render_cell_tags(tags: dict) -> str:
    """The section on `unilip.train.cell_tags`, from its record in the model's meta."""
    seen, heldout = (" / ".join(_pct(v) for v in tags["accuracy"][split]) for split in ("train", "heldout"))
    fresh = (" The LLM was started again from random weights, and learnt every question and the routing in the "
             "continuations below." if tags["fresh_llm"] else "")
    return ("## Cell tags\n\n`unilip.train.cell_tags` gave the model a head that reads each image token's own "
            "cell (its shape, colour and size, each with a class for none) from the encoder's features, trained on "
            f"the world's scene labels for {tags['head_steps']} steps with the encoder frozen: shape / colour / size "
            f"right for {seen}% of cells in seen scenes and {heldout}% in held-out combinations. The LLM reads each "
            "image token with the class probabilities' word embeddings and a code for its place added; the latents "
            f"and the edit condition keep the bare features.{fresh}")


def _mix_words(record: dict) -> str:
    """A continuation's text-to-image prompts, in words ("default" for records from before mixes)."""
    mix = record.get("mix")
    if mix is None:
        return "default"
    parts = [f"placement {mix['placement']:g}"] if mix["placement"] else []
    parts += [f"knowledge {mix['knowledge']:g}"] if mix["knowledge"] else []
    parts.append("all categories" if len(mix["categories"]) == len(world.GEN_CATEGORIES) else "+".join(mix["categories"]))
    return ", ".join(parts)


def _edit_words(record: dict) -> str:
    """A continuation's edit share, with its edit kinds when they were not all of them."""
    kinds = record.get("edit_kinds", world.EDIT_KINDS)
    share = f"{record['edit_share']:g}"
    return share if len(kinds) == len(world.EDIT_KINDS) else f"{share} ({'+'.join(kinds)})"


def understanding_continuations(runs: list[dict], carried: bool) -> list[str]:
    """The LLM continuations (`unilip.train.continue_understanding`) the model had after the recipe."""
    out = ["", "## Understanding continued after the recipe", "",
           "The LLM alone (with cell tags, also their word tables and place codes) trained further on question "
           "chats, in order, by `unilip.train.continue_understanding`, in phases of steps with a share of focus "
           "chats (one question of the named types right after an image of 2-4 objects) among the recipe's chats; "
           "every other weight stayed bit-identical."]
    if carried:
        out[-1] += (" QA with the original encoder is carried from the base model's evaluation, so it was measured "
                    "with the LLM before these continuations (a package does not hold the original encoder).")
    out.append("")
    return out + _table(["from", "device", "steps", "batch", "peak lr", "phases (steps: focus share)",
                         "focus questions", "condition kept (weight)", "minutes"],
                        [[r["from"], _device_words(r), str(r["steps"]), str(r["batch"]), f"{r['lr']:g}",
                          ", ".join(f"{p['steps']}: {p['focus_share']:g}" for p in r["phases"]),
                          "+".join(r["focus_qtypes"]), f"{r.get('keep_generation', 0):g}",
                          f"{r['seconds'] / 60:.1f}"] for r in runs])


def _device_words(record: dict) -> str:
    return record["device"] + (f" x {record['workers']}" if record.get("workers", 1) > 1 else "")


def continuations(runs: list[dict], carried: bool) -> list[str]:
    """The continuations of gen2 (`unilip.train.continue_generation`) the model had after the recipe."""
    out = ["", "## Generation continued after the recipe", "",
           "gen2's parameters (queries, connector, DiT) trained further, in order, by "
           "`unilip.train.continue_generation`; it leaves every other weight bit-identical."]
    if carried:
        out[-1] += (" So QA with the original encoder and the stage-1 and stage-2 reconstruction above are the base "
                    "model's figures, carried from its evaluation.")
    out.append("")
    return out + _table(["from", "device", "steps", "batch", "samples", "peak lr", "edit share", "text-to-image prompts",
                         "timestep logit mean", "minutes"],
                        [[r["from"], _device_words(r),
                          str(r["steps"]), str(r["batch"]), str(r["steps"] * r["batch"]), f"{r['lr']:g}",
                          _edit_words(r), _mix_words(r), f"{r.get('logit_mean', 0.0):g}",
                          f"{r['seconds'] / 60:.1f}"] for r in runs])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--eval", type=Path, required=True, help="eval.json written by unilip.train.evaluate")
    parser.add_argument("--out", type=Path, required=True, help="Markdown file to write")
    args = parser.parse_args()
    args.out.write_text(render(json.loads(args.eval.read_text())))


if __name__ == "__main__":
    main()
