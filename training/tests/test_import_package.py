import dataclasses
import json
import shutil
from pathlib import Path

import pytest
import torch

from unilip.checkpoint import load_checkpoint
from unilip.export import export_package, random_source
from unilip.model import UniLIP
from unilip.import_package import CELL_BIAS, PackageImportError, import_package, main

REPO = Path(__file__).resolve().parents[2]
TINY = REPO / "models" / "tiny-random"
BUNDLED = REPO / "models" / "shapes"
# The contrastive towers only train the encoder; no runtime graph holds them.
NOT_IN_GRAPHS = ("clip_image.", "clip_text.")


def test_every_weight_of_an_exported_model_comes_back():
    source = random_source("tiny", 0).model.state_dict()
    imported = import_package(TINY)
    state = imported.checkpoint.model.state_dict()
    assert imported.not_in_package and all(name.startswith(NOT_IN_GRAPHS) for name in imported.not_in_package)
    compared = [name for name in source if not name.startswith(NOT_IN_GRAPHS)]
    assert len(compared) > 100
    for name in compared:
        assert torch.equal(state[name], source[name]), name


def test_an_untied_output_head_comes_back_apart_from_the_embedding(tmp_path):
    source = random_source("tiny", 0)
    config = dataclasses.replace(source.model.config,
                                 llm=dataclasses.replace(source.model.config.llm, tie_embeddings=False))
    torch.manual_seed(1)
    model = UniLIP(config)
    export_package(dataclasses.replace(source, model=model), tmp_path / "untied", fixtures=False)
    state = import_package(tmp_path / "untied").checkpoint.model.state_dict()
    assert torch.equal(state["llm.lm_head.weight"], model.llm.lm_head.weight)
    assert torch.equal(state["llm.embed.weight"], model.llm.embed.weight)
    assert not torch.equal(state["llm.lm_head.weight"], state["llm.embed.weight"])


def test_a_trained_dit_position_table_comes_back(tmp_path):
    source = random_source("tiny", 0)
    config = dataclasses.replace(source.model.config, dit=dataclasses.replace(source.model.config.dit, cell_codes=4.0))
    torch.manual_seed(1)
    model = UniLIP(config)
    with torch.no_grad():
        model.denoiser.pos_embed.mul_(1.5)  # as training moves it away from its start
    export_package(dataclasses.replace(source, model=model), tmp_path / "coded", fixtures=False)
    imported = import_package(tmp_path / "coded").checkpoint.model
    assert imported.config.dit.cell_codes == 4.0
    assert torch.equal(imported.denoiser.pos_embed, model.denoiser.pos_embed)


def test_the_bundled_model_imports_whole():
    manifest = json.loads((BUNDLED / "unilip.json").read_text())
    imported = import_package(BUNDLED)
    assert all(name.startswith(NOT_IN_GRAPHS) for name in imported.not_in_package)
    meta = imported.checkpoint.meta
    assert meta["sampler"] == manifest["sampler"]
    assert (meta["name"], meta["description"]) == (manifest["name"], manifest["description"])
    assert meta["lowercase_text"] is True and meta["training_steps"] == manifest["provenance"]["stage_steps"]
    assert meta["continued_generation"] == manifest["provenance"]["continued_generation"]


def test_a_package_from_before_the_cell_bonus_imports_with_it_switched_off(tmp_path):
    assert import_package(TINY).checkpoint.model.state_dict()[CELL_BIAS].abs().sum() > 0
    package = tmp_path / "older"
    shutil.copytree(TINY, package)
    manifest = json.loads((package / "unilip.json").read_text())
    spec = manifest["graphs"]["dit_condition"]
    spec["inputs"] = [io for io in spec["inputs"] if io["name"] != "image_mask"]
    (package / "unilip.json").write_text(json.dumps(manifest))
    assert import_package(package).checkpoint.model.state_dict()[CELL_BIAS].abs().sum() == 0


def test_the_command_writes_a_checkpoint_that_loads(tmp_path, monkeypatch):
    out = tmp_path / "imported" / "final.pt"
    monkeypatch.setattr("sys.argv", ["import_package", "--package", str(TINY), "--out", str(out)])
    main()
    checkpoint = load_checkpoint(out)
    assert checkpoint.meta["imported_from"] == str(TINY)
    assert torch.equal(checkpoint.model.queries, import_package(TINY).checkpoint.model.queries)


def test_a_folder_without_a_manifest_is_a_clear_error(tmp_path):
    with pytest.raises(PackageImportError, match="unilip.json"):
        import_package(tmp_path)


def test_graphs_of_another_size_than_the_config_are_refused(tmp_path):
    package = tmp_path / "pkg"
    shutil.copytree(TINY, package)
    manifest = json.loads((package / "unilip.json").read_text())
    manifest["config"]["dit"]["mlp_ratio"] *= 2
    (package / "unilip.json").write_text(json.dumps(manifest))
    with pytest.raises(PackageImportError, match="shape"):
        import_package(package)


# The bundled package's budget for weights (graphs and queries), in MiB (issue #4).
BUNDLED_WEIGHTS_MIB = 25


def test_the_bundled_packages_weights_stay_within_their_budget():
    files = [*(BUNDLED / "graphs").iterdir(), BUNDLED / "queries.npy"]
    assert sum(f.stat().st_size for f in files) < BUNDLED_WEIGHTS_MIB * 2**20
