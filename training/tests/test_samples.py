import json

from unilip import world
from unilip.train import samples


def test_placement_samples_name_every_cell_once_with_its_box_and_a_seen_pair(tmp_path):
    written = samples.write_samples(tmp_path, seed=7, image_size=96)
    assert json.loads((tmp_path / "samples.json").read_text()) == written
    placed = written["placements"]
    assert [p["prompt"].rsplit(" at the ", 1)[1] for p in placed] == list(world.GRID)
    boxes = [p["box"] for p in placed]
    assert boxes[0] == [0, 0, 32, 32] and boxes[-1] == [64, 64, 96, 96]
    assert sum((r - x) * (b - y) for x, y, r, b in boxes) == 96 * 96, "the boxes tile the image"
    for p in placed:
        color, shape = p["prompt"].split(" at the ")[0].split()[1:]
        assert not world.is_heldout(shape, color) and p["rgb"] == list(world.COLORS[color])
