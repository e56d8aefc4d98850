"""Shared fixtures: one real model, one index built from the real seeds, one real app."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest

pytest_plugins = ["tests.browser"]  # the page tests' browser, server and page fixtures

os.environ["HF_HUB_OFFLINE"] = "1"
os.environ["TRANSFORMERS_OFFLINE"] = "1"

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
SHARED = ROOT.parent / "shared"
SEEDS_DEV = SHARED / "benchmarks" / "seeds-dev" / "questions.jsonl"


@pytest.fixture(scope="session")
def settings(tmp_path_factory):
    from rag.settings import Settings

    return Settings(docs_dir=SEEDS, index_dir=tmp_path_factory.mktemp("index"))


@pytest.fixture(scope="session")
def embedder(settings):
    from rag.embedding import Embedder

    return Embedder(settings)


@pytest.fixture(scope="session")
def built(settings, embedder):
    from rag.index import build_index

    return build_index(settings, embedder)


@pytest.fixture(scope="session")
def engine(settings, embedder, built):
    from rag.engine import Engine

    return Engine(settings, embedder)


@pytest.fixture(scope="session")
def client(settings, engine):
    from fastapi.testclient import TestClient

    from rag.api import create_app

    with TestClient(create_app(settings, engine), base_url="http://localhost") as test_client:
        yield test_client


@pytest.fixture(scope="session")
def seeds_dev() -> list[dict]:
    if not SEEDS_DEV.exists():
        pytest.skip(f"{SEEDS_DEV} not present")
    return [json.loads(line) for line in SEEDS_DEV.read_text().splitlines() if line.strip()]


@pytest.fixture
def docs_copy(tmp_path) -> Path:
    """A writable copy of the seeds for tests that add, change or break documents."""
    target = tmp_path / "docs"
    shutil.copytree(SEEDS, target)
    return target


@pytest.fixture(scope="session")
def ray_cluster():
    """A real local Ray cluster: a head and a second worker node, both on 127.0.0.2 (Ray swaps 127.0.0.1 for this
    machine's outward address), one CPU each; only this cluster is stopped afterwards, never a bare `ray stop`."""
    ray = pytest.importorskip("ray")
    from rag.index.ray_build import two_node_cluster

    with two_node_cluster() as local:
        assert len([n for n in ray.nodes() if n["Alive"]]) == 2
        yield local
