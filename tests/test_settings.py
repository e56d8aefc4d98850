"""Settings in sections: each field declared once, every RAG_* name still read, `rag settings` shows them."""

import json

import pytest

from rag.settings import SECTIONS, Settings, section_of
from tests.test_cli import run


def test_every_setting_is_declared_in_exactly_one_section():
    declared = [field for section in SECTIONS.values() for field in section.model_fields]
    assert len(declared) == len(set(declared))
    assert set(declared) == set(Settings.model_fields)
    assert section_of("dense_weight") == "retrieval" and section_of("max_top_k") == "limits"


# One field of each section, set through its flat RAG_* name, with a value unlike its default.
ONE_PER_SECTION = {
    "chunk_max_tokens": ("150", 150),
    "query_cache_size": ("16", 16),
    "dense_weight": ("0.5", 0.5),
    "answer_max_safety": ("1", 1),
    "max_top_k": ("7", 7),
    "port": ("8123", 8123),
    "extensions": ('[".txt", ".md"]', (".txt", ".md")),
}


@pytest.mark.parametrize("field", ONE_PER_SECTION)
def test_the_flat_environment_names_still_set_each_section(field, monkeypatch):
    raw, expected = ONE_PER_SECTION[field]
    assert getattr(Settings(), field) != expected
    monkeypatch.setenv(f"RAG_{field.upper()}", raw)
    assert getattr(Settings(), field) == expected
    copied = Settings().model_copy(update={field: expected})
    assert getattr(copied, field) == expected


def test_a_bad_value_names_the_setting(monkeypatch):
    monkeypatch.setenv("RAG_MAX_TOP_K", "many")
    with pytest.raises(ValueError, match="max_top_k"):
        Settings()


def test_rag_settings_shows_sections_and_hides_tokens(monkeypatch):
    monkeypatch.setenv("RAG_MAX_TOP_K", "7")
    monkeypatch.setenv("RAG_ADMIN_TOKEN", "do-not-print-this-token")
    shown = run("settings", "--json")
    assert shown.returncode == 0, shown.stderr
    body = json.loads(shown.stdout)
    assert list(body) == list(SECTIONS)
    assert body["limits"]["max_top_k"] == 7 and body["server"]["admin_token"] == "set"
    text = run("settings")
    assert text.returncode == 0 and "RAG_MAX_TOP_K" in text.stdout and "7" in text.stdout
    assert "do-not-print-this-token" not in shown.stdout + text.stdout
