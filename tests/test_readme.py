"""The README's "How it works" map names every module of the package, so it cannot fall behind a move."""

import re

from tests.conftest import ROOT


def test_the_map_names_every_top_level_module_and_package():
    readme = (ROOT / "README.md").read_text()
    section = readme.split("## How it works", 1)[1].split("\n## ", 1)[0]
    named = set(re.findall(r"`(rag/[\w/.]+?)/?`", section))
    package = ROOT / "rag"
    expected = {f"rag/{p.name}" for p in package.glob("*.py") if p.name != "__init__.py"}
    expected |= {f"rag/{p.name}" for p in package.iterdir() if (p / "__init__.py").exists()}
    assert expected - named == set(), "modules the README's map leaves out"
    assert {n for n in named if not (ROOT / n).exists()} == set(), "the map names modules that are gone"
