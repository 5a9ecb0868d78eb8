"""Write a bundled model's behaviour samples: rendered scenes with questions and their exact answers,
draw and edit requests with the route they must take, single-object prompts with the colour the drawing
must show, and one prompt per cell that names where to draw, with that cell's box in pixels. The
TypeScript tests run the packaged model on them through the engine.

    /usr/bin/python3 -m unilip.train.samples --out ../models/shapes/samples
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import numpy as np
from PIL import Image

from unilip import world
from unilip.config import shapes
from unilip.world.scene import GRID_SIDE, cell_row_col

SAMPLE_SCENES = 12
# Seen colour and shape pairs, one per cell, for the placement prompts.
PLACED = (("red", "circle"), ("blue", "square"), ("green", "triangle"), ("yellow", "circle"), ("red", "square"),
          ("blue", "circle"), ("green", "square"), ("yellow", "square"), ("blue", "diamond"))


def cell_box(cell: str, image_size: int) -> list[int]:
    """[left, top, right, bottom) in pixels of a grid cell in an image of `image_size`."""
    row, col = cell_row_col(cell)
    side = image_size / GRID_SIDE
    return [round(col * side), round(row * side), round((col + 1) * side), round((row + 1) * side)]


def placements(image_size: int) -> list[dict]:
    objects = [world.Obj(shape, color, "large", cell) for (color, shape), cell in zip(PLACED, world.GRID)]
    assert not any(world.is_heldout(o.shape, o.color) for o in objects), "placement samples use seen pairs"
    return [{"prompt": world.placement_text(o), "rgb": list(world.COLORS[o.color]), "box": cell_box(o.cell, image_size)}
            for o in objects]


def write_samples(out: Path, seed: int, image_size: int) -> dict:
    rng = np.random.default_rng(seed)
    out.mkdir(parents=True, exist_ok=True)
    questions, routes = [], []
    for i in range(SAMPLE_SCENES):
        scene = world.sample_scene(rng)
        name = f"scene-{i:02d}.png"
        Image.fromarray(world.render(scene, image_size)).save(out / name)
        qa = world.qa_pairs(scene, rng)
        picked = qa[int(rng.integers(len(qa)))]
        questions.append({"image": name, "question": picked.question, "answer": picked.answer, "qtype": picked.qtype})
        routes.append({"image": name, "text": world.edit_request(scene, rng), "route": "edit"})
        routes.append({"image": None, "text": world.draw_request(rng), "route": "generate"})
        routes.append({"image": name, "text": world.qa_pairs(scene, rng)[0].question, "route": "understand"})
    colors = [{"prompt": f"a {c} {s}", "color": c, "rgb": list(world.COLORS[c])}
              for c, s in zip(("red", "green", "blue", "yellow"), ("circle", "square", "square", "circle"))]
    samples = {"questions": questions, "routes": routes, "colors": colors, "placements": placements(image_size),
               "background": list(world.BACKGROUND)}
    (out / "samples.json").write_text(json.dumps(samples, indent=2))
    return samples


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", type=Path, required=True, help="folder for samples.json and the scene PNGs")
    parser.add_argument("--seed", type=int, default=7, help="seed of the sampled scenes and texts")
    parser.add_argument("--image-size", type=int, default=shapes().vision.image_size,
                        help="side of the scene PNGs; the model's input size")
    args = parser.parse_args()
    write_samples(args.out, args.seed, args.image_size)


if __name__ == "__main__":
    main()
