import json
import os

import numpy as np
import pytest

from rag.index import IndexUnavailable, build_index, current_folder, load_index, read_manifest
from rag.index.verify import verify_index
from rag.settings import Settings


def test_manifest_records_model_chunker_hashes_and_counts(settings, built):
    manifest = read_manifest(current_folder(settings.index_dir).resolve())
    assert manifest.model == "all-MiniLM-L6-v2" and manifest.dimensions == 384
    assert manifest.chunker["max_tokens"] == settings.chunk_max_tokens
    assert set(manifest.documents) == {p.stem for p in settings.docs_dir.glob("*.txt")}
    assert manifest.counts["chunks"] == built.chunks > 0
    assert {"vectors.npy", "faiss.index", "chunks.json", "documents.json"} <= set(manifest.files)


def test_vectors_are_normalised(settings, built, embedder):
    index = load_index(settings, embedder.dimensions)
    norms = np.linalg.norm(index.vectors, axis=1)
    assert np.allclose(norms, 1.0, atol=1e-3)


def _private_copy(settings, tmp_path, docs=None):
    import shutil

    target = tmp_path / "index"
    shutil.copytree(settings.index_dir, target, symlinks=True)
    return Settings(docs_dir=docs or settings.docs_dir, index_dir=target)


def test_index_built_with_another_model_is_refused(settings, built, tmp_path):
    other = _private_copy(settings, tmp_path)
    with pytest.raises(IndexUnavailable, match="run `rag index`"):
        load_index(Settings(docs_dir=other.docs_dir, index_dir=other.index_dir, model_name="other-model"))


def test_index_built_with_other_chunker_settings_is_refused(settings, built, tmp_path):
    other = _private_copy(settings, tmp_path)
    with pytest.raises(IndexUnavailable, match=r"chunker settings.*run `rag index`"):
        load_index(Settings(docs_dir=other.docs_dir, index_dir=other.index_dir, chunk_max_tokens=120))


def test_truncated_vector_file_is_detected_with_a_clear_message(settings, built, tmp_path):
    other = _private_copy(settings, tmp_path)
    vectors = current_folder(other.index_dir).resolve() / "vectors.npy"
    vectors.write_bytes(vectors.read_bytes()[:1000])
    with pytest.raises(IndexUnavailable, match=r"vectors.npy.*damaged"):
        load_index(other)
    assert any("vectors.npy" in p for p in verify_index(other))


def test_missing_index_says_what_to_run(tmp_path):
    with pytest.raises(IndexUnavailable, match="run `rag index`"):
        load_index(Settings(index_dir=tmp_path / "nothing"))


def test_rebuild_embeds_only_changed_documents(settings, built, embedder, tmp_path, docs_copy):
    other = _private_copy(settings, tmp_path, docs=docs_copy)
    moved = build_index(other, embedder)
    assert moved.embedded == 0 and moved.reused >= moved.chunks  # passages (+ given titles) all from the cache
    unchanged = build_index(other, embedder)
    assert unchanged.unchanged and unchanged.embedded == 0
    (docs_copy / "005_new.md").write_text("# Vitamin D and MS\n\nVitamin D levels were studied in a cohort of 500 "
                                          "people.\n")
    (docs_copy / "002_a39833e4f4ed0ed9.txt").unlink()
    result = build_index(other, embedder)
    assert 0 < result.embedded <= 2 and result.reused > 30
    index = load_index(other)
    assert "005_new" in index.documents and "002_a39833e4f4ed0ed9" not in index.documents
    assert verify_index(other) == []


def test_bad_documents_are_skipped_with_a_named_warning(settings, embedder, tmp_path, docs_copy):
    (docs_copy / "empty.txt").write_text("")
    (docs_copy / "latin1.txt").write_bytes("Caf\xe9 au lait".encode("latin-1"))
    (docs_copy / "binary.txt").write_bytes(b"\x00\x01\x02\x03" * 100)
    (docs_copy / "huge.txt").write_text("word " * 4_000_000)  # 20 MB
    unreadable = docs_copy / "secret.txt"
    unreadable.write_text("hidden")
    unreadable.chmod(0)
    small = Settings(docs_dir=docs_copy, index_dir=tmp_path / "idx")
    result = build_index(small, embedder)
    warnings = "\n".join(result.warnings)
    for name in ("empty.txt", "latin1.txt", "binary.txt", "huge.txt"):
        assert name in warnings
    if os.geteuid() != 0:
        assert "secret.txt" in warnings
    assert result.documents >= 5
    json.loads((current_folder(small.index_dir) / "manifest.json").read_text())


def test_large_collections_switch_to_an_approximate_index_with_the_same_answers(settings, embedder, tmp_path):
    import faiss

    from rag.engine import Engine
    from rag.results import Question

    small = Settings(docs_dir=settings.docs_dir, index_dir=tmp_path / "ivf", approximate_above=10)
    build_index(small, embedder)
    index = load_index(small)
    assert isinstance(index.faiss_index, faiss.IndexIVF) and index.faiss_index.nprobe == index.faiss_index.nlist
    assert read_manifest(current_folder(small.index_dir).resolve()).faiss == "ivf_flat"
    exact = Engine(settings, embedder).query(Question("Can I take LDN with opioids?"))
    approximate = Engine(small, embedder).query(Question("Can I take LDN with opioids?"))
    assert [p.source.start for p in approximate.passages] == [p.source.start for p in exact.passages]


def test_staleness_is_the_one_answer_to_is_this_index_current(settings, built):
    from dataclasses import replace

    from rag.index import current_manifest, document_entries, staleness
    from rag.ingest import ingest_folder

    manifest = current_manifest(settings.index_dir)
    folder = current_folder(settings.index_dir).resolve()
    entries = document_entries(ingest_folder(settings.docs_dir, settings).documents)
    assert staleness(manifest, settings, folder, entries) == []
    first = sorted(entries)[0]
    changed = {**entries, first: replace(entries[first], hash="0" * 64)}
    assert staleness(manifest, settings, folder, changed) == [f"{first} changed since it was indexed — run `rag index`"]
    moved = {**entries, first: replace(entries[first], path="elsewhere.txt")}
    assert staleness(manifest, settings, folder, moved, hashes_only=True) == []
    assert "moved" in staleness(manifest, settings, folder, moved)[0]
    other = settings.model_copy(update={"chunk_max_tokens": settings.chunk_max_tokens + 1})
    assert "chunker settings" in staleness(manifest, other, folder, entries)[0]
