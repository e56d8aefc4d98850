"""Adding and removing documents over a real HTTP server: checked, written atomically, rebuilt in the background."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from threading import Barrier

import httpx
import pytest
from documents import make_docx, make_pdf, make_scanned_pdf
from servers import running, wait_for

from rag.collection import doc_id_for
from rag.settings import Settings

TOKEN = "s3cret-admin"


@pytest.fixture
def served(embedder, tmp_path, docs_copy):
    """A server of its own over a writable copy of the seeds, with the admin token set."""
    from rag.api import create_app
    from rag.engine import Engine
    from rag.index import build_index

    settings = Settings(docs_dir=docs_copy, index_dir=tmp_path / "index", admin_token=TOKEN, watch_seconds=0,
                        max_file_bytes=200_000)
    build_index(settings, embedder)
    with (running(create_app(settings, Engine(settings, embedder)), settings) as base,
          httpx.Client(base_url=base, timeout=60) as client):
        yield client, settings


def built_after(client: httpx.Client, before: str) -> dict:
    """Wait until a new build serves and nothing is queued; its status."""
    wait_for(lambda: (s := client.get("/api/v1/index/status").json())["state"] == "idle" and s["serving"] != before,
             120, "the rebuild to finish and serve")
    return client.get("/api/v1/index/status").json()


def ask(client: httpx.Client, question: str) -> dict:
    return client.post("/api/v1/query", json={"question": question}).json()


def test_upload_search_and_remove_a_pdf_and_a_docx(served, tmp_path):
    client, settings = served
    status = client.get("/api/v1/index/status").json()
    assert status["state"] == "idle" and status["queued"] == 0 and status["last_error"] is None
    before = status["serving"]
    pdf = make_pdf(tmp_path / "Clemastine leaflet.pdf")
    answer = client.post("/api/v1/documents", headers={"x-admin-token": TOKEN},
                         files={"file": (pdf.name, pdf.read_bytes(), "application/pdf")})
    assert answer.status_code == 202, answer.text
    assert answer.json() == {"doc_id": "Clemastine-leaflet", "status": "queued", "replaced": False}
    assert (settings.docs_dir / "Clemastine-leaflet.pdf").read_bytes() == pdf.read_bytes()
    assert not [p for p in settings.docs_dir.iterdir() if p.name.startswith(".upload-")]
    status = built_after(client, before)
    assert status["last_build"]["documents"] == 6 and status["documents"] == 6

    result = ask(client, "Does clemastine repair myelin in MS?")
    passage = next(p for p in result["passages"][:3] if p["source"]["doc_id"] == "Clemastine-leaflet")
    assert passage["source"]["pages"] == [1]
    document = client.get("/api/v1/documents/Clemastine-leaflet").json()
    assert document["text"][passage["source"]["start"]:passage["source"]["end"]] == passage["text"]
    assert document["page_starts"][0] == 0 and len(document["page_starts"]) == 2

    docx = make_docx(tmp_path / "vitamin-d.docx")
    assert client.post("/api/v1/documents", headers={"x-admin-token": TOKEN},
                       files={"file": (docx.name, docx.read_bytes())}).status_code == 202
    status = built_after(client, status["serving"])
    assert any(
        p["source"]["doc_id"] == "vitamin-d" for p in ask(client, "Does vitamin D reduce MS relapses?")["passages"][:3]
    )

    removed = client.delete("/api/v1/documents/Clemastine-leaflet", headers={"x-admin-token": TOKEN})
    assert removed.status_code == 202 and removed.json()["doc_id"] == "Clemastine-leaflet"
    assert not (settings.docs_dir / "Clemastine-leaflet.pdf").exists()
    status = built_after(client, status["serving"])
    assert status["documents"] == 6  # five seeds and the Word file
    assert client.get("/api/v1/documents/Clemastine-leaflet").status_code == 404
    assert all(p["source"]["doc_id"] != "Clemastine-leaflet" for p in ask(client, "clemastine myelin")["passages"])


def test_bad_uploads_are_refused_and_change_nothing(served, tmp_path):
    client, settings = served
    files_before = sorted(p.name for p in settings.docs_dir.iterdir())
    serving = client.get("/api/v1/index/status").json()["serving"]
    pdf = make_pdf(tmp_path / "ok.pdf").read_bytes()
    admin = {"x-admin-token": TOKEN}
    cases = [
        ({}, {"file": ("ok.pdf", pdf)}, 401, "x-admin-token"),
        ({"x-admin-token": "wrong"}, {"file": ("ok.pdf", pdf)}, 401, "x-admin-token"),
        (admin, {"file": ("tool.exe", b"MZ\x90\x00")}, 415, "type .exe"),
        (admin, {"file": ("noext", b"hello")}, 415, "(none)"),
        (admin, {"file": ("big.txt", b"word " * 50_000)}, 413, "limit"),
        (admin, {"file": ("broken.pdf", b"%PDF-1.7 not really")}, 422, "not a readable PDF"),
        (admin, {"file": ("scan.pdf", make_scanned_pdf(tmp_path / "scan.pdf").read_bytes())}, 422, "no text layer"),
        (admin, {"file": ("fake.docx", b"plain text")}, 422, "not a readable Word"),
        (admin, {"file": ("latin1.txt", "Café".encode("latin-1"))}, 422, "not UTF-8"),
        (admin, {"file": ("empty.txt", b"   \n\n")}, 422, "no text"),
        (admin, {"file": ("...", b"text")}, 422, "file name"),
        (admin, {"file": ("001_4e6ef7f32345a2ce.md", b"A different file with the seed's doc_id.")}, 409, "taken by"),
        (admin, {"other": ("ok.pdf", pdf)}, 422, "file"),
    ]
    for headers, files, code, reason in cases:
        answer = client.post("/api/v1/documents", headers=headers, files=files)
        assert answer.status_code == code, (files, answer.text)
        assert reason in answer.json()["detail"], (files, answer.text)
    assert client.delete("/api/v1/documents/nope", headers=admin).status_code == 404
    assert client.delete("/api/v1/documents/001_metformin_ms", headers={"x-admin-token": "wrong"}).status_code == 401
    assert sorted(p.name for p in settings.docs_dir.iterdir()) == files_before
    status = client.get("/api/v1/index/status").json()
    assert status["state"] == "idle" and status["queued"] == 0 and status["serving"] == serving


def test_doc_ids_from_file_names_are_safe():
    assert doc_id_for("../../etc/passwd.txt") == ("passwd", ".txt")
    assert doc_id_for("C:\\Users\\me\\My leaflet (2).PDF") == ("My-leaflet-2", ".pdf")
    assert doc_id_for("a b.c.docx") == ("a-b.c", ".docx")
    # Letters and digits of any script are kept (dropping them made "Ärzte" and "Örzte" one doc_id), in NFC.
    assert doc_id_for("Ärzte.txt") == ("Ärzte", ".txt") and doc_id_for("Örzte.txt") == ("Örzte", ".txt")
    assert doc_id_for("A\u0308rzte.txt") == ("Ärzte", ".txt")  # a Mac's decomposed Ä
    assert doc_id_for("糖尿病 2型.md") == ("糖尿病-2型", ".md") and doc_id_for("हिंदी.txt") == ("हिंदी", ".txt")
    # Separators, controls, bidi overrides and look-alike slashes never reach a file name; nor a leading dot.
    assert doc_id_for("x／y\u202e\x00z\n.txt") == ("x-y-z", ".txt") and doc_id_for(".hidden.txt") == ("hidden", ".txt")
    stem, suffix = doc_id_for("𝒜" * 100 + ".docx")  # four bytes each: cut to fit a 255-byte file name
    assert len((stem + suffix).encode()) <= 255 and set(stem) == {"𝒜"}


def test_parallel_uploads_of_one_name_give_one_202_and_409s(served):
    """Four uploads of one name with different suffixes at once: the doc_id check and the write are one step.
    On 27d17eb all four passed the check before any was written, and all got 202."""
    client, settings = served
    before = client.get("/api/v1/index/status").json()["serving"]
    bodies = {
        ".txt": b"Metformin and MS, as plain text.",
        ".md": b"# Metformin\n\nMetformin and MS, in Markdown.",
        ".html": b"<html><body><p>Metformin and MS, as a web page.</p></body></html>",
        ".htm": b"<html><body><p>Metformin and MS, as an older web page.</p></body></html>",
    }
    stems = [f"race-{n}" for n in range(8)]
    for stem in stems:
        start = Barrier(len(bodies))

        def upload(suffix: str, stem: str = stem, start: Barrier = start) -> httpx.Response:
            start.wait()
            return httpx.post(
                str(client.base_url.join("/api/v1/documents")),
                headers={"x-admin-token": TOKEN},
                files={"file": (f"{stem}{suffix}", bodies[suffix])},
                timeout=60,
            )

        with ThreadPoolExecutor(len(bodies)) as pool:
            answers = list(pool.map(upload, bodies))
        assert sorted(a.status_code for a in answers) == [202, 409, 409, 409], (stem, [a.text for a in answers])
        written = [p.name for p in settings.docs_dir.iterdir() if p.stem == stem]
        assert len(written) == 1
        assert all(written[0] in a.json()["detail"] for a in answers if a.status_code == 409)
    built_after(client, before)
    for stem in stems:
        assert client.get(f"/api/v1/documents/{stem}").status_code == 200


def test_non_ascii_file_names_stay_apart_and_work_in_urls(served):
    client, settings = served
    before = client.get("/api/v1/index/status").json()["serving"]
    admin = {"x-admin-token": TOKEN}
    texts = {
        "Örzte": "Örzte is a made-up word; this file is about metformin in MS.",
        "Ärzte": "Ärzte means doctors; this file is about vitamin D in MS.",
    }
    for doc_id, text in texts.items():
        answer = client.post("/api/v1/documents", headers=admin, files={"file": (f"{doc_id}.txt", text.encode())})
        assert answer.status_code == 202, answer.text
        assert answer.json()["doc_id"] == doc_id and not answer.json()["replaced"], answer.text
    assert {p.name for p in settings.docs_dir.iterdir()} >= {"Örzte.txt", "Ärzte.txt"}
    built_after(client, before)
    for doc_id, text in texts.items():
        document = client.get(f"/api/v1/documents/{doc_id}")
        assert document.status_code == 200 and document.json()["text"] == text
    assert {"Örzte", "Ärzte"} <= {d["doc_id"] for d in client.get("/api/v1/documents").json()["documents"]}
    serving = client.get("/api/v1/index/status").json()["serving"]
    removed = client.delete("/api/v1/documents/O\u0308rzte", headers=admin)  # the decomposed spelling finds it too
    assert removed.status_code == 202, removed.text
    assert not (settings.docs_dir / "Örzte.txt").exists() and (settings.docs_dir / "Ärzte.txt").exists()
    built_after(client, serving)
    assert client.get("/api/v1/documents/Örzte").status_code == 404
    assert client.get("/api/v1/documents/Ärzte").status_code == 200


def test_reupload_of_the_same_bytes_is_unchanged_and_a_changed_one_serves_a_new_build(served):
    """Issue 25: the same bytes again changed no content hash, so no new build ever served and the page waited for
    good. Now nothing is written and nothing rebuilt; a changed file of the same name is replaced and a new build
    serves it."""
    client, settings = served
    admin = {"x-admin-token": TOKEN}
    before = client.get("/api/v1/index/status").json()["serving"]
    first = b"# Okra and MS\n\nOkra was studied in a small pilot of people with multiple sclerosis.\n"
    answer = client.post("/api/v1/documents", headers=admin, files={"file": ("okra-notes.md", first)})
    assert answer.status_code == 202 and answer.json() == {
        "doc_id": "okra-notes",
        "status": "queued",
        "replaced": False,
    }
    status = built_after(client, before)
    stat = (settings.docs_dir / "okra-notes.md").stat()

    again = client.post("/api/v1/documents", headers=admin, files={"file": ("okra-notes.md", first)})
    assert again.status_code == 202 and again.json() == {
        "doc_id": "okra-notes",
        "status": "unchanged",
        "replaced": False,
    }
    now = client.get("/api/v1/index/status").json()
    assert now["state"] == "idle" and now["queued"] == 0 and now["serving"] == status["serving"]
    assert (settings.docs_dir / "okra-notes.md").stat().st_mtime_ns == stat.st_mtime_ns  # not even rewritten
    assert not [p for p in settings.docs_dir.iterdir() if p.name.startswith(".upload-")]

    second = first.replace(b"small pilot", b"randomised trial")
    changed = client.post("/api/v1/documents", headers=admin, files={"file": ("okra-notes.md", second)})
    assert changed.status_code == 202 and changed.json() == {
        "doc_id": "okra-notes",
        "status": "queued",
        "replaced": True,
    }
    built_after(client, status["serving"])
    assert "randomised trial" in client.get("/api/v1/documents/okra-notes").json()["text"]


def test_document_list_carries_type_size_and_date_added(served, tmp_path):
    import datetime as dt
    import json

    from rag.index.store import current_folder

    client, settings = served
    before = client.get("/api/v1/index/status").json()["serving"]
    pdf = make_pdf(tmp_path / "Clemastine leaflet.pdf")
    assert (
        client.post(
            "/api/v1/documents", headers={"x-admin-token": TOKEN}, files={"file": (pdf.name, pdf.read_bytes())}
        ).status_code
        == 202
    )
    built_after(client, before)
    listed = {d["doc_id"]: d for d in client.get("/api/v1/documents").json()["documents"]}
    leaflet = listed["Clemastine-leaflet"]
    stored = settings.docs_dir / "Clemastine-leaflet.pdf"
    assert leaflet["format"] == "pdf" and leaflet["bytes"] == len(pdf.read_bytes())
    assert dt.datetime.fromisoformat(leaflet["added"]) == dt.datetime.fromtimestamp(
        int(stored.stat().st_mtime), dt.UTC
    )
    assert {d["format"] for d in listed.values()} <= {"pdf", "md", "txt", "html", "htm", "docx"}
    assert all(d["bytes"] == (settings.docs_dir / d["path"].split("/")[-1]).stat().st_size for d in listed.values())
    detail = client.get("/api/v1/documents/Clemastine-leaflet").json()
    assert (detail["format"], detail["bytes"], detail["added"]) == ("pdf", leaflet["bytes"], leaflet["added"])

    # An index written before sizes and dates were recorded still loads; they come from the documents folder then.
    manifest = current_folder(settings.index_dir).resolve() / "manifest.json"
    raw = json.loads(manifest.read_text())
    for entry in raw["documents"].values():
        del entry["bytes"], entry["added"]
    manifest.write_text(json.dumps(raw))
    assert client.post("/api/v1/admin/reload", headers={"x-admin-token": TOKEN}).status_code == 200
    again = {d["doc_id"]: d for d in client.get("/api/v1/documents").json()["documents"]}
    assert (
        again["Clemastine-leaflet"]["bytes"] == leaflet["bytes"]
        and again["Clemastine-leaflet"]["added"] == leaflet["added"]
    )


def test_admin_check_answers_204_only_to_the_right_token(served):
    client, _ = served
    ok = client.get("/api/v1/admin/check", headers={"x-admin-token": TOKEN})
    assert ok.status_code == 204 and ok.content == b""
    assert client.get("/api/v1/admin/check").status_code == 401
    wrong = client.get("/api/v1/admin/check", headers={"x-admin-token": "wrong"})
    assert wrong.status_code == 401 and "x-admin-token" in wrong.json()["detail"]
