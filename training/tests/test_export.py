import ast
import json
import shutil
import subprocess
from dataclasses import replace
from pathlib import Path

import numpy as np
import onnx
import pytest
import torch

from unilip.checkpoint import CheckpointError, load_checkpoint, save_checkpoint
from unilip.config import UniLIPConfig
from unilip.export import (
    ExportError,
    ExportSource,
    PackageInfo,
    checkpoint_source,
    export_package,
    main,
    random_source,
)
from unilip.export_graphs import GraphExportError, GraphSpec, export_graph, graph_specs, verify_graph
from unilip.export_manifest import ManifestError, check_package, routing
from unilip.graph_inputs import graph_inputs
from unilip.model import UniLIP
from unilip.npy import NpyError, save_npy
from unilip.progress import BAR_WIDTH, ProgressBar
from unilip.sampling import SamplerSettings
from unilip.templates import ROUTE_ANSWERS
from unilip.tokenizer import Tokenizer

REPO = Path(__file__).resolve().parents[2]
COMMITTED_PACKAGE = REPO / "models" / "tiny-random"
ORT_CHECK = Path(__file__).with_name("ort_check.mjs")
ORT_TOLERANCE = 1e-4
MAX_FIXTURE_PACKAGE_BYTES = 3 * 1024 * 1024
PLAIN = PackageInfo("x", "", "zero_shot", {})
REGENERATE = (
    "cd training && /usr/bin/python3 -m unilip.export --random --preset tiny --seed 0 --out ../models/tiny-random"
)


def read_npy(path: Path) -> np.ndarray:
    """A reader written from the .npy format description, so the files are checked independently of
    numpy's own loader: magic, version, header dict, then raw little-endian C-order data."""
    raw = path.read_bytes()
    assert raw[:6] == b"\x93NUMPY", path
    major = raw[6]
    header_len = int.from_bytes(raw[8:10] if major == 1 else raw[8:12], "little")
    start = 10 if major == 1 else 12
    header = ast.literal_eval(raw[start : start + header_len].decode("latin1"))
    assert header["descr"] in ("<f4", "<i8") and header["fortran_order"] is False, header
    data = np.frombuffer(raw[start + header_len :], dtype=np.dtype(header["descr"]))
    assert data.size == int(np.prod(header["shape"])), path
    return data.reshape(header["shape"])


def model_of(package: Path) -> UniLIP:
    manifest = json.loads((package / "unilip.json").read_text())
    return UniLIP(UniLIPConfig.from_dict(manifest["config"]))


@pytest.fixture(scope="module")
def package(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("pkg") / "tiny-random"
    export_package(random_source("tiny", 0), out, seed=0)
    return out


def fixture_entries(fixtures: dict):
    for case in fixtures["graphs"].values():
        yield from case["inputs"].values()
        yield from case["outputs"].values()
    for case in fixtures["pipelines"].values():
        yield from case["tensors"].values()


def test_manifest_matches_files_and_graphs(package):
    manifest = check_package(package)
    assert manifest["format_version"] == 2
    assert manifest["llm"]["vocab_size"] == len(Tokenizer.from_dir(package))
    for name, entry in manifest["graphs"].items():
        model = onnx.load(str(package / entry["file"]))
        onnx.checker.check_model(model, full_check=True)
        assert [i.name for i in model.graph.input] == [io["name"] for io in entry["inputs"]], name
        assert [o.name for o in model.graph.output] == [io["name"] for io in entry["outputs"]], name
    decoder_inputs = [io["name"] for io in manifest["graphs"]["decoder"]["inputs"]]
    assert decoder_inputs[3:5] == ["past_key_values.0.key", "past_key_values.0.value"]
    queries = read_npy(package / manifest["queries"]["file"])
    assert queries.shape == (manifest["queries"]["count"], manifest["llm"]["hidden_size"])


def test_fixture_files_load_with_declared_shapes(package):
    fixtures = json.loads((package / "fixtures" / "fixtures.json").read_text())
    entries = list(fixture_entries(fixtures))
    assert len(entries) > 50
    for entry in entries:
        array = read_npy(package / entry["file"])
        assert list(array.shape) == entry["shape"] and array.dtype.name == entry["dtype"], entry["file"]
        assert np.array_equal(array, np.load(package / entry["file"]))
    assert fixtures["graphs"]["decoder"]["inputs"]["past_key_values.0.key"]["shape"][2] == 0
    assert fixtures["graphs"]["decoder_cached"]["inputs"]["past_key_values.0.key"]["shape"][2] > 0
    kinds = {case.get("kind", name) for name, case in fixtures["pipelines"].items()}
    assert kinds == {"understand", "generate", "edit", "reconstruct"}
    samplers = {case["sampler"] for case in fixtures["pipelines"].values() if case.get("kind") == "generate"}
    assert samplers == {"dpm-solver++2m", "flow-euler"}


def test_fixture_ids_match_the_tokenizer(package):
    fixtures = json.loads((package / "fixtures" / "fixtures.json").read_text())
    tok = Tokenizer.from_dir(package)
    for case in fixtures["tokenizer"]:
        assert tok.encode(case["text"]) == case["ids"]
    for case in fixtures["chat_template"]:
        assert tok.apply_chat_template(case["messages"], case["add_generation_prompt"]) == case["text"]
        assert tok.encode(case["text"]) == case["ids"]


def _ort_available() -> str | None:
    if shutil.which("node") is None:
        return "node is not installed"
    if not (REPO / "node_modules" / "onnxruntime-node").is_dir():
        return "onnxruntime-node is not installed (npm install at the repository root)"
    return None


@pytest.mark.skipif(_ort_available() is not None, reason=str(_ort_available()))
def test_onnx_graphs_match_pytorch_in_onnxruntime(package):
    done = subprocess.run(["node", str(ORT_CHECK), str(package)], capture_output=True, text=True, cwd=REPO,
                          timeout=120)
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    worst = [c for c in report["cases"] if c["max_abs_diff"] is None or c["max_abs_diff"] > ORT_TOLERANCE]
    assert not worst, worst
    assert {c["case"] for c in report["cases"]} >= {"decoder", "decoder_cached", "dit", "vision_encoder"}


def test_committed_fixture_package_is_current_and_small(package):
    assert COMMITTED_PACKAGE.is_dir(), f"missing {COMMITTED_PACKAGE}; create it with: {REGENERATE}"
    committed = sorted(p.relative_to(COMMITTED_PACKAGE) for p in COMMITTED_PACKAGE.rglob("*") if p.is_file())
    fresh = sorted(p.relative_to(package) for p in package.rglob("*") if p.is_file())
    assert committed == fresh, f"file lists differ; regenerate with: {REGENERATE}"
    assert sum((COMMITTED_PACKAGE / p).stat().st_size for p in committed) < MAX_FIXTURE_PACKAGE_BYTES
    for rel in committed:
        if rel.suffix == ".npy":
            # Arithmetic may differ in the last bits between CPUs; weights and ids may not.
            np.testing.assert_allclose(read_npy(COMMITTED_PACKAGE / rel), read_npy(package / rel), atol=1e-5)
        elif rel.name != "fixtures.json":
            assert (COMMITTED_PACKAGE / rel).read_bytes() == (package / rel).read_bytes(), f"{rel}: {REGENERATE}"


def test_verify_graph_rejects_a_spec_the_graph_does_not_have(package):
    manifest = check_package(package)
    dit = graph_specs(UniLIPConfig.from_dict(manifest["config"]))["dit"]
    with pytest.raises(GraphExportError, match="inputs are"):
        verify_graph(package / dit.file, GraphSpec("dit", dit.inputs[::-1], dit.outputs))


def test_export_refuses_inputs_that_would_bake_in_an_axis(package, tmp_path):
    model = model_of(package)
    empty_cache = graph_inputs(model, 0)["decoder"]
    with pytest.raises(GraphExportError, match="cannot be traced"):
        export_graph(model, graph_specs(model.config)["decoder"], empty_cache, tmp_path)


def test_check_package_reports_missing_and_mismatched_files(package, tmp_path):
    broken = tmp_path / "broken"
    shutil.copytree(package, broken)
    (broken / "graphs" / "dit.onnx").unlink()
    with pytest.raises(ManifestError, match="missing"):
        check_package(broken)
    shutil.copy(package / "graphs" / "connector.onnx", broken / "graphs" / "dit.onnx")
    with pytest.raises(ManifestError, match="differs from the manifest"):
        check_package(broken)
    with pytest.raises(ManifestError, match="not JSON"):
        check_package(tmp_path)


def test_export_refuses_to_overwrite_a_folder_that_is_not_a_package(package, tmp_path):
    (tmp_path / "notes.txt").write_text("keep me")
    model = model_of(package)
    with pytest.raises(ExportError, match="refusing"):
        export_package(ExportSource(model, Tokenizer.from_dir(package), PLAIN), tmp_path)
    assert (tmp_path / "notes.txt").read_text() == "keep me"


def test_export_refuses_a_tokenizer_larger_than_the_embedding(package, tmp_path):
    config = UniLIPConfig.from_dict(json.loads((package / "unilip.json").read_text())["config"])
    small = replace(config, llm=replace(config.llm, vocab_size=300))
    with pytest.raises(ExportError) as error:
        export_package(ExportSource(UniLIP(small), Tokenizer.from_dir(package), PLAIN), tmp_path / "out")
    assert isinstance(error.value.__cause__, ManifestError)
    assert not (tmp_path / "out").exists() and list(tmp_path.iterdir()) == []


def test_checkpoint_round_trip_keeps_weights_tokenizer_and_meta(package, tmp_path):
    model = model_of(package)
    ckpt = tmp_path / "run" / "model.pt"
    save_checkpoint(ckpt, model, package, {"training_steps": 7, "routing": "image_start_token", "name": "ck"})
    loaded = load_checkpoint(ckpt)
    for name, tensor in model.state_dict().items():
        assert torch.equal(tensor, loaded.model.state_dict()[name]), name
    source = checkpoint_source(ckpt, "fallback")
    assert source.info.name == "ck" and source.info.routing_mode == "image_start_token"
    assert source.info.provenance["training_steps"] == 7 and source.info.provenance["checkpoint"] == "model.pt"
    assert source.tokenizer.vocab == Tokenizer.from_dir(package).vocab
    assert checkpoint_source(ckpt, "fallback", name="named", routing_mode="zero_shot").info.name == "named"


def test_a_checkpoint_saves_a_loaded_checkpoints_tokenizer_texts_without_a_directory(package, tmp_path):
    save_checkpoint(tmp_path / "a.pt", model_of(package), package, {})
    loaded = load_checkpoint(tmp_path / "a.pt")
    save_checkpoint(tmp_path / "b.pt", loaded.model, loaded.tokenizer_files, {})
    assert load_checkpoint(tmp_path / "b.pt").tokenizer_files == loaded.tokenizer_files
    partial = dict(list(loaded.tokenizer_files.items())[:1])
    with pytest.raises(CheckpointError, match="tokenizer texts missing"):
        save_checkpoint(tmp_path / "c.pt", loaded.model, partial, {})


def test_lowercase_text_reaches_the_manifest_from_the_meta_or_the_flag(package, tmp_path):
    model = model_of(package)
    plain, lower = tmp_path / "plain.pt", tmp_path / "lower.pt"
    save_checkpoint(plain, model, package, {"name": "plain"})
    save_checkpoint(lower, model, package, {"name": "lower", "lowercase_text": True})
    assert "text" not in json.loads((package / "unilip.json").read_text())
    assert checkpoint_source(plain, "fallback").info.lowercase_text is False
    for checkpoint, flags in ((lower, []), (plain, ["--lowercase-text"])):
        out = tmp_path / f"{checkpoint.stem}-{len(flags)}"
        assert main(["--checkpoint", str(checkpoint), "--out", str(out), "--no-fixtures", *flags]) == 0
        assert json.loads((out / "unilip.json").read_text())["text"] == {"lowercase": True}, flags


def test_sampler_defaults_reach_the_manifest_from_the_meta(package, tmp_path):
    model = model_of(package)
    tuned, untuned, bad = tmp_path / "tuned.pt", tmp_path / "untuned.pt", tmp_path / "bad.pt"
    chosen = {"name": "dpm-solver++2m", "steps": 20, "guidance": 2.5, "shift": 1.0, "edit_guidance": 1.5}
    save_checkpoint(tuned, model, package, {"name": "tuned", "sampler": chosen})
    save_checkpoint(untuned, model, package, {"name": "untuned"})
    save_checkpoint(bad, model, package, {"name": "bad", "sampler": {"guidance": 2.5}})
    for checkpoint, expected in ((tuned, chosen), (untuned, SamplerSettings().to_json())):
        out = tmp_path / checkpoint.stem
        assert main(["--checkpoint", str(checkpoint), "--out", str(out), "--no-fixtures"]) == 0
        assert json.loads((out / "unilip.json").read_text())["sampler"] == expected
    assert main(["--checkpoint", str(bad), "--out", str(tmp_path / "bad"), "--no-fixtures"]) == 1, "named, not a crash"


def test_routing_modes():
    assert routing("image_start_token") == {"mode": "image_start_token", "answers": ROUTE_ANSWERS}
    assert routing("zero_shot") == {"mode": "zero_shot"}
    with pytest.raises(ManifestError, match="routing mode"):
        routing("guess")


def test_bad_checkpoints_raise_a_typed_error(tmp_path):
    with pytest.raises(CheckpointError):
        load_checkpoint(tmp_path / "missing.pt")
    torch.save({"format": 99}, tmp_path / "other.pt")
    with pytest.raises(CheckpointError, match="format"):
        load_checkpoint(tmp_path / "other.pt")
    assert main(["--checkpoint", str(tmp_path / "other.pt"), "--out", str(tmp_path / "out")]) == 1


def test_npy_writer_keeps_to_the_package_dtypes(tmp_path):
    assert read_npy_of(tmp_path, np.arange(6, dtype=np.float64).reshape(2, 3)).dtype == np.float32
    assert read_npy_of(tmp_path, torch.tensor([True, False])).tolist() == [1, 0]
    with pytest.raises(NpyError, match="NaN"):
        save_npy(tmp_path / "nan.npy", np.array([np.nan], dtype=np.float32))
    with pytest.raises(NpyError, match="complex"):
        save_npy(tmp_path / "c.npy", np.array([1j]))


def read_npy_of(tmp_path: Path, value) -> np.ndarray:
    save_npy(tmp_path / "x.npy", value)
    return read_npy(tmp_path / "x.npy")


def test_progress_bar_draws_lines_when_not_a_terminal(tmp_path):
    with (tmp_path / "log.txt").open("w+") as stream:
        bar = ProgressBar(4, "work", stream)
        for note in ("a", "b", "c", "d"):
            bar.advance(note)
        stream.seek(0)
        lines = stream.read().splitlines()
    assert len(lines) == 4 and lines[-1].startswith("[" + "#" * BAR_WIDTH + "] 4/4 work: d")
