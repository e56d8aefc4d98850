"""What the collection covers: titles where documents give them, key terms where they don't, example questions."""

from __future__ import annotations

from rag.topics import MAX_EXAMPLES, examples, key_terms, topics
from rag.types import Document


def doc(doc_id: str, text: str, title: str = "", given: bool = False) -> Document:
    return Document(doc_id=doc_id, path=f"{doc_id}.txt", title=title or text[:60], title_given=given, text=text,
                    content_hash=doc_id)


FILLER = "The study looked at patients over time and reported what happened to them in the clinic. "
DOCS = [
    doc(
        "a",
        FILLER + "Curcumin and arthritis. Curcumin eased arthritis pain; curcumin is cheap. Arthritis is common. " * 3,
    ),
    doc("b", FILLER + "Probiotics and IBS. Probiotics helped IBS in trials; probiotics vary. " * 3),
    doc("c", FILLER * 3, title="Sleep hygiene for shift workers", given=True),
]


def test_untitled_documents_are_named_by_their_distinctive_terms():
    terms = key_terms(DOCS)
    assert {"curcumin", "arthritis"} <= set(terms["a"]) and "IBS" in terms["b"]
    # Words every document shares are not what tells them apart.
    assert not {"study", "patients"} & set(terms["a"] + terms["b"])


def test_titles_win_and_each_topic_has_a_question():
    found = {t.doc_id: t for t in topics(DOCS)}
    assert found["c"].label == "Sleep hygiene for shift workers"
    assert found["c"].example == "What does the evidence say about Sleep hygiene for shift workers?"
    assert found["a"].example.startswith("What does the evidence say about") and found["a"].example.endswith("?")
    assert "curcumin" in found["a"].label


def test_examples_are_the_operators_own_when_set():
    found = topics(DOCS)
    assert examples(found, []) == [t.example for t in found][:MAX_EXAMPLES]
    # A question that only repeats a title already listed as a topic comes after the others.
    titled = doc("d", FILLER * 3, title="Does zinc shorten colds?", given=True)
    assert examples(topics([titled, *DOCS]), [])[-1] == "Does zinc shorten colds?"
    assert examples(found, ["Is curcumin safe?"]) == ["Is curcumin safe?"]


def test_the_api_serves_topics_and_examples(client):
    body = client.get("/api/v1/collection").json()
    assert body["documents"] == len(body["topics"]) >= 5 and body["passages"] > body["documents"]
    assert 1 <= len(body["examples"]) <= MAX_EXAMPLES
    assert all(t["label"] and t["example"].endswith("?") for t in body["topics"])


def test_a_large_collection_names_a_few_topics_with_bounded_work():
    from rag.topics import MAX_TOPICS

    many = [doc(f"d{i:03d}", FILLER + f"Topic{i} and Topic{i} again. " * 2) for i in range(40)]
    terms = key_terms(many[:3], many)
    assert terms["d000"][0] == "topic0"  # distinctive against the whole background, not just the three
    found = topics(many[:MAX_TOPICS], many)
    assert len(found) == MAX_TOPICS


def test_the_page_is_told_how_many_documents_there_are_beyond_the_topics(client):
    body = client.get("/api/v1/collection").json()
    assert len(body["topics"]) <= 12 and body["documents"] >= len(body["topics"])
