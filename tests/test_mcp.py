"""`rag mcp` driven by the MCP SDK's own client over stdio, against the real engine and index: every tool answers
with passages that carry their sources and caveats, and the documents are resources."""

import asyncio
import json
import os
import sys

import pytest

from tests.conftest import ROOT, SEEDS

mcp = pytest.importorskip("mcp")


def _structured(result) -> dict:
    assert not result.is_error, result.content
    data = result.structured_content
    return data.get("result", data) if isinstance(data, dict) and set(data) == {"result"} else data


def _run(coroutine):
    """Run the client in a thread of its own: a session-wide browser fixture may hold an event loop in this one."""
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, coroutine).result()


async def _session(settings, calls):
    from mcp import Client
    from mcp.client.stdio import StdioServerParameters

    env = {**os.environ, "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1", "TOKENIZERS_PARALLELISM": "false"}
    server = StdioServerParameters(
        command=sys.executable,
        cwd=str(ROOT),
        env=env,
        args=["-m", "rag.cli", "mcp", "--docs", str(SEEDS), "--index", str(settings.index_dir)],
    )
    async with Client(server) as client:
        return await calls(client)


@pytest.fixture(scope="module")
def answers(settings, built):
    async def calls(client):
        tools = {t.name for t in (await client.list_tools()).tools}
        ask = _structured(
            await client.call_tool("ask", {"question": "Can I take low-dose naltrexone with opioid painkillers?"})
        )
        search = _structured(await client.call_tool("search", {"question": "stem cells for lupus", "top_k": 3}))
        check = _structured(
            await client.call_tool("check_text", {"text": "A landmark study in mice suggests this pill may cure MS."})
        )
        too_many = await client.call_tool("search", {"question": "stem cells", "top_k": 500})
        listed = await client.read_resource("documents://list")
        documents = json.loads(listed.contents[0].text)
        one = json.loads((await client.read_resource(f"documents://{documents[0]['doc_id']}")).contents[0].text)
        return {
            "tools": tools,
            "ask": ask,
            "search": search,
            "check": check,
            "too_many": too_many,
            "documents": documents,
            "one": one,
        }

    return _run(_session(settings, calls))


def test_the_three_tools_are_listed(answers):
    assert {"search", "ask", "check_text"} <= answers["tools"]


def test_ask_answers_with_safety_citations_and_caveats(answers):
    ask = answers["ask"]
    assert ask["answer"]["citations"] and ask["passages"]
    # The opioid contraindication is the point of this question: it comes back as safety, with its caveat.
    assert ask["answer"]["safety"], ask["answer"]
    assert any(c["code"] == "safety_warning" for p in ask["passages"] for c in p["caveats"])
    assert all(p["source"]["doc_id"] and p["caveats"] is not None for p in ask["passages"])


def test_search_returns_ranked_passages_with_sources_and_caveats(answers):
    passages = answers["search"]["passages"]
    assert len(passages) == 3 and [p["rank"] for p in passages] == [1, 2, 3]
    assert any("lupus" in p["text"].lower() for p in passages)  # not rank 1 exactly: int8 noise may reorder
    assert any(p["caveats"] for p in passages)


def test_check_text_profiles_any_text(answers):
    codes = {c["code"] for c in answers["check"]["document"]["caveats"]}
    assert {"preclinical", "promotional_tone"} <= codes


def test_a_limit_is_a_tool_error_naming_it(answers):
    assert answers["too_many"].is_error and "RAG_MAX_TOP_K" in str(answers["too_many"].content)


def test_documents_are_resources(answers):
    assert len(answers["documents"]) == len(list(SEEDS.iterdir()))
    assert answers["one"]["text"] and "caveats" in answers["one"]


def test_an_empty_question_and_an_unknown_document_are_told_apart(settings, built):
    async def calls(client):
        empty = await client.call_tool("ask", {"question": "   "})
        try:
            await client.read_resource("documents://no-such-document")
            missing = None
        except Exception as exc:  # the SDK raises the server's protocol error
            missing = str(exc)
        return empty, missing

    empty, missing = _run(_session(settings, calls))
    assert empty.is_error and "must not be empty" in str(empty.content)
    assert missing and "no-such-document" in missing
