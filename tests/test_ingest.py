"""Readers by file type: PDF (pages, running heads, hyphens, columns, tables), Word, and the refusals."""

from __future__ import annotations

import pytest
from documents import HEADER, make_docx, make_pdf, make_scanned_pdf

from rag.ingest import READERS, ingest_folder, read_document
from rag.settings import Settings


def test_every_indexed_type_has_a_reader():
    assert set(Settings().extensions) <= set(READERS)


def test_pdf_text_pages_and_title(tmp_path):
    document = read_document(make_pdf(tmp_path / "clemastine.pdf"), Settings())
    text = document.text
    assert document.title == "Clemastine and remyelination in MS" and document.title_given
    assert HEADER not in text  # the running head on every page is gone
    assert "multiple sclerosis" in text and "treatment." in text  # words hyphenated across lines are whole again
    # Lines of one paragraph are joined; the left column comes before the right one.
    assert "Clemastine is an antihistamine that was tested in the ReBUILD trial" in text
    assert text.index("visual evoked potentials") < text.index("Side effects included fatigue")
    # Table rows keep their own lines; bare page numbers are dropped.
    assert "\nGreen 2017 50 1.7 ms latency reduction\nStone 2022 120 no change in disability\n" in text
    assert not any(line.strip() in {"1", "2"} for line in text.split("\n"))
    assert len(document.page_starts) == 2 and document.page_starts[0] == 0
    second = document.page_starts[1]
    assert text[second:].startswith("Study Patients Result")
    assert document.pages_of(0, 10) == [1]
    assert document.pages_of(second, second + 5) == [2]
    assert document.pages_of(10, second + 5) == [1, 2]


def test_docx_text_title_and_table(tmp_path):
    document = read_document(make_docx(tmp_path / "vitamin-d.docx"), Settings())
    assert document.title == "Vitamin D and multiple sclerosis" and document.title_given
    assert "SOLAR 2019 | 229 | no fewer relapses" in document.text
    assert (
        document.text.index("observational studies") < document.text.index("SOLAR") < document.text.index("neurologist")
    )
    assert document.page_starts == [] and document.pages_of(0, 5) is None


@pytest.mark.parametrize(
    "name, content, reason",
    [
        ("scanned.pdf", None, "no text layer"),
        ("broken.pdf", b"%PDF-1.7\nthis is not a pdf", "not a readable PDF"),
        ("broken.docx", b"PK\x03\x04 not a zip", "not a readable Word"),
        ("renamed.docx", b"plain text saved as docx", "not a readable Word"),
    ],
)
def test_unreadable_files_are_skipped_with_the_reason(tmp_path, name, content, reason):
    (tmp_path / "good.txt").write_text("Metformin is a diabetes drug studied in MS.")
    if content is None:
        make_scanned_pdf(tmp_path / name)
    else:
        (tmp_path / name).write_bytes(content)
    report = ingest_folder(tmp_path, Settings())
    assert [d.doc_id for d in report.documents] == ["good"]
    assert len(report.warnings) == 1 and name in report.warnings[0] and reason in report.warnings[0]


def test_file_size_limit(tmp_path):
    make_pdf(tmp_path / "big.pdf")
    report = ingest_folder(tmp_path, Settings(max_file_bytes=100))
    assert report.documents == [] and "RAG_MAX_FILE_BYTES" in report.warnings[0]


def test_pdf_and_docx_are_searchable_with_offsets_and_pages(embedder, tmp_path, docs_copy):
    from rag.engine import Engine
    from rag.index import build_index
    from rag.results import Question

    make_pdf(docs_copy / "clemastine.pdf")
    make_docx(docs_copy / "vitamin-d.docx")
    settings = Settings(docs_dir=docs_copy, index_dir=tmp_path / "index")
    result = build_index(settings, embedder)
    assert not [w for w in result.warnings if "clemastine" in w or "vitamin" in w]
    engine = Engine(settings, embedder)
    engine.reload()
    for question, doc_id, phrase, pages in [
        ("Does clemastine repair myelin in MS?", "clemastine", "ReBUILD trial", [1]),
        ("What did the Stone 2022 clemastine study find?", "clemastine", "Stone 2022 120 no change", [2]),
        ("Does vitamin D reduce MS relapses?", "vitamin-d", "SOLAR 2019", None),
    ]:
        passage = next(
            p
            for p in engine.query(Question(question)).passages[:3]
            if p.source.doc_id == doc_id and phrase in p.text
        )
        detail = engine.document(doc_id).document
        assert detail.text[passage.source.start : passage.source.end] == passage.text
        if pages is None:
            assert passage.source.pages is None
        else:
            assert set(pages) <= set(passage.source.pages), question
    pages = engine.document("clemastine").document.page_starts
    assert pages[0] == 0 and len(pages) == 2
