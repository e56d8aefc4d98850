"""Real PDF and Word files made in the test run: a running header on every page, page numbers, two columns, a
hyphen that breaks a word across lines, a table. Shared by the ingestion, API and browser tests."""

from __future__ import annotations

from pathlib import Path

HEADER = "MS Society leaflet - clinical evidence digest"
LEFT_1 = ["Clemastine is an antihistamine that was", "tested in the ReBUILD trial for its effect on",
          "myelin repair in people with relapsing multi-", "ple sclerosis. The trial found a small delay",
          "reduction in visual evoked potentials."]
RIGHT_1 = ["Side effects included fatigue in most", "participants. It is not approved for this",
           "use and should be discussed with a", "neurologist before any change in treat-", "ment."]
TABLE_2 = ["Study Patients Result", "Green 2017 50 1.7 ms latency reduction", "Stone 2022 120 no change in disability"]
RIGHT_2 = ["Further trials of clemastine are under way", "in progressive MS."]


def make_pdf(path: Path, title: str = "Clemastine and remyelination in MS") -> Path:
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    c = canvas.Canvas(str(path), pagesize=A4)
    c.setTitle(title)
    width, height = A4
    for number, (left, right) in enumerate([(LEFT_1, RIGHT_1), (TABLE_2, RIGHT_2)], start=1):
        c.setFont("Helvetica", 9)
        c.drawString(72, height - 40, HEADER)
        c.setFont("Helvetica", 11)
        for column, lines in ((72, left), (310, right)):
            y = height - 90
            for line in lines:
                c.drawString(column, y, line)
                y -= 14
        c.drawString(width / 2, 30, str(number))
        c.showPage()
    c.save()
    return path


def make_scanned_pdf(path: Path) -> Path:
    """A page with only a picture on it, as a scanner makes: no text layer."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    c = canvas.Canvas(str(path), pagesize=A4)
    for y in range(100, 700, 20):
        c.rect(72, y, 400, 8, fill=1)
    c.showPage()
    c.save()
    return path


def make_docx(path: Path) -> Path:
    import docx

    document = docx.Document()
    document.core_properties.title = ""
    document.add_heading("Vitamin D and multiple sclerosis", level=1)
    document.add_paragraph("Low vitamin D levels are linked with a higher risk of MS relapses in observational "
                           "studies.")
    table = document.add_table(rows=3, cols=3)
    for row, cells in zip(table.rows, [("Trial", "Patients", "Result"), ("SOLAR 2019", "229", "no fewer relapses"),
                                        ("CHOLINE 2020", "129", "fewer new lesions")]):
        for cell, text in zip(row.cells, cells):
            cell.text = text
    document.add_paragraph("Ask your neurologist before taking high-dose vitamin D supplements.")
    document.save(str(path))
    return path
