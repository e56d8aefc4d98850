from rag.ingest.cleaning import clean_text, derive_title, find_urls, html_to_text
from tests.conftest import SEEDS


def test_repeated_title_and_headings_collapse_to_one():
    raw = (SEEDS / "001_4e6ef7f32345a2ce.txt").read_text()
    cleaned = clean_text(raw)
    lines = cleaned.split("\n")
    assert lines.count("Metformin and MS: Unexpected Benefits for Multiple Sclerosis Patients?") == 1
    assert lines.count("Understanding Multiple Sclerosis and Its Challenges") == 1
    assert lines.count("Consulting Healthcare Providers: Making Informed Decisions") == 1


def test_web_debris_is_removed_but_content_kept():
    raw = (SEEDS / "003_40ca571a4e2ce422.txt").read_text()
    cleaned = clean_text(raw)
    assert "No comments:" not in cleaned and "Post a Comment" not in cleaned
    assert "LDN cannot be taken if you are currently using opioid-based medications" in cleaned
    assert cleaned.rstrip().endswith("https://multiplesclerosis.net/treatment")
    assert "Leave a Comment" not in clean_text((SEEDS / "001_4e6ef7f32345a2ce.txt").read_text())


def test_cleaning_keeps_every_word_of_a_plain_document():
    raw = (SEEDS / "004_792be7296e7d069a.txt").read_text()
    assert clean_text(raw).split() == raw.split()


def test_markdown_bold_is_unwrapped_not_dropped():
    assert clean_text("the **potential benefits of Metformin** for MS") == "the potential benefits of Metformin for MS"


def test_repeats_only_collapse_when_adjacent():
    text = "Heading\n\nBody one.\n\nHeading\n\nBody two."
    assert clean_text(text) == text


def test_control_characters_and_crlf_are_normalised():
    assert clean_text("a\r\nb\x00c\x07") == "a\nbc"


def test_title_is_first_heading_line_or_first_sentence():
    assert derive_title("What Is The Evidence?\n\nBody.", "x") == ("What Is The Evidence?", True)
    long_line = "A promising treatment option " + "word " * 40 + "ends here. Second sentence."
    title, given = derive_title(long_line, "x")
    assert title.startswith("A promising treatment option") and not given
    assert derive_title("   \n", "fallback") == ("fallback", False)


def test_urls_found_without_trailing_punctuation():
    assert find_urls("see (https://multiplesclerosis.net/treatment) and https://a.org/x.") == [
        "https://multiplesclerosis.net/treatment", "https://a.org/x"]


def test_html_text_skips_scripts_and_keeps_title():
    text, title = html_to_text("<html><head><title>T</title><script>x=1</script></head><body><h1>H</h1><p>Body "
                               "text.</p></body></html>")
    assert title == "T" and "x=1" not in text and "Body text." in text
