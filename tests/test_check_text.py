"""`rag annotate` and POST /api/v1/annotate: the contract's shape for any text, and clear errors for bad input."""

import json

import pytest

from tests.test_cli import run

ARTICLE = (
    "Coffee and dementia\n\n"
    "Drinking coffee may lower the risk of dementia, according to a new study. "
    "Researchers followed 2,000 adults in a prospective cohort for ten years. "
    "The study did not find any effect on memory scores. "
    "Experts called the result a breakthrough."
)


def test_annotate_endpoint_returns_the_contract_shape(client):
    response = client.post("/api/v1/annotate", json={"text": ARTICLE, "id": "coffee"})
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["id"] == "coffee" and set(body) >= {"text", "document", "passages", "sentences"}
    text = body["text"]
    assert body["document"]["evidence_level"] == "observational"
    assert {c["code"] for c in body["document"]["caveats"]} >= {"mixed_evidence"}
    assert body["passages"] and all(0 <= p["start"] < p["end"] <= len(text) for p in body["passages"])
    by_code = {}
    for sentence in body["sentences"]:
        for cue in sentence["cues"]:
            assert sentence["start"] <= cue["start"] < cue["end"] <= sentence["end"]
            by_code.setdefault(cue["code"], []).append(text[cue["start"] : cue["end"]])
    assert "may lower" in " ".join(by_code["speculative_language"])
    assert any("did not find" in q for q in by_code["mixed_evidence"])
    assert by_code["promotional_tone"] == ["breakthrough"]
    cohort = next(s for s in body["sentences"] if "cohort" in text[s["start"] : s["end"]])
    assert cohort["evidence_level"] == "observational" and cohort["codes"] == []


def test_annotate_offsets_index_the_cleaned_text(client):
    raw = "**Bold** claim:\x07 it may help.\n\n\n\nLeave a Comment\nAnother line that could matter."
    body = client.post("/api/v1/annotate", json={"text": raw}).json()
    text = body["text"]
    assert "\x07" not in text and "**" not in text
    flagged = [text[s["start"] : s["end"]] for s in body["sentences"] if s["codes"]]
    assert any("may help" in s for s in flagged)


@pytest.mark.parametrize(
    "payload, field",
    [
        ({"text": ""}, "text"),
        ({"text": "   \n "}, "text"),
        ({"text": "x" * 200_001}, "text"),
        ({}, "text"),
        ({"text": 42}, "text"),
        ({"text": "ok", "colour": "red"}, "colour"),
    ],
    ids=["empty", "blank", "too-long", "missing", "not-a-string", "unknown-field"],
)
def test_annotate_rejects_bad_input_with_the_field(client, payload, field):
    response = client.post("/api/v1/annotate", json=payload)
    assert response.status_code == 422
    assert field in response.json()["detail"]


def test_annotate_rejects_lone_surrogates_and_non_json(client):
    body = b'{"text": "bad \\ud800 text"}'
    response = client.post("/api/v1/annotate", content=body, headers={"content-type": "application/json"})
    assert response.status_code == 422 and "surrogate" in response.json()["detail"]
    response = client.post("/api/v1/annotate", content=b"not json", headers={"content-type": "application/json"})
    assert response.status_code == 422
    assert client.get("/api/v1/health").status_code == 200


def test_annotate_cli_reads_json_lines_and_names_bad_lines(tmp_path):
    source = tmp_path / "texts.jsonl"
    lines = [json.dumps({"id": "a", "text": ARTICLE}), "not json", json.dumps({"id": "b", "text": ""}),
             '{"id": "c", "text": "bad \\ud800"}', json.dumps({"id": "d", "text": "Aspirin did not reduce mortality."})]
    source.write_text("\n".join(lines) + "\n")
    result = run("annotate", str(source))
    assert result.returncode == 1
    out = [json.loads(line) for line in result.stdout.splitlines()]
    assert [o.get("id") for o in out] == ["a", None, "b", "c", "d"]
    assert out[0]["document"]["evidence_level"] == "observational" and "error" not in out[0]
    assert "not a JSON line" in out[1]["error"] and "line 2" in result.stderr
    assert "empty" in out[2]["error"] and "surrogate" in out[3]["error"]
    assert {c["code"] for c in out[4]["document"]["caveats"]} >= {"mixed_evidence"}


def test_annotate_cli_reads_standard_input():
    import os
    import subprocess
    import sys

    from tests.conftest import ROOT

    done = subprocess.run(
        [sys.executable, "-m", "rag.cli", "annotate"],
        input=json.dumps({"id": "x", "text": ARTICLE}),
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={**os.environ, "HF_HUB_OFFLINE": "1"},
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["id"] == "x"


def test_annotate_cli_missing_file_fails_clearly(tmp_path):
    result = run("annotate", str(tmp_path / "nope.jsonl"))
    assert result.returncode == 2 and "not a readable file" in result.stderr
