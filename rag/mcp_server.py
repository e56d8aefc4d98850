"""`rag mcp`: the service as tools for an AI assistant (Model Context Protocol, stdio, the official `mcp` SDK).

An assistant that quotes a passage from here gets its caveats with it, so it can say how far to trust what it
quotes: every tool result carries each passage's source, offsets, evidence level and caveats, the same JSON the
HTTP API answers with.
- tools: `search` (ranked passages), `ask` (the answer with citations, safety and evidence), `check_text` (the
  caveat profile of any text);
- resources: `documents://list` (every indexed document with its profile) and `documents://{doc_id}` (one
  document's text and profile).
stdout is the protocol: nothing else may print there (logs go to stderr).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from mcp.server import MCPServer
from mcp.server.mcpserver.exceptions import ResourceNotFoundError, ToolError

from rag.settings import Settings

INSTRUCTIONS = (
    "Health documents with evidence caveats. Quote passages with their source and their caveats (safety "
    "warnings first); never present a passage flagged preclinical, anecdotal or speculative as established fact. "
    "The answer is extractive: every sentence is quoted from a cited passage. This is information, not medical advice."
)


def build_server(settings: Settings, engine_: Any = None) -> MCPServer:
    """The MCP server over the index `settings` name; the engine (given, or loaded on the first call that needs
    it)."""
    from pydantic import ValidationError

    from rag.api.schema import (
        AnnotateRequest,
        AnnotateResponse,
        DocumentDetail,
        DocumentSummary,
        PassageOut,
        QueryRequest,
        QueryResponse,
        limit_message,
        validation_message,
    )
    from rag.check_text import TextChecker
    from rag.engine import Engine
    from rag.index import IndexUnavailable
    from rag.redaction import without_machine_paths
    from rag.results import Question

    server = MCPServer("evidence-rag", instructions=INSTRUCTIONS)
    state: dict[str, Any] = {"engine": engine_} if engine_ is not None else {}

    def engine() -> Engine:
        if "engine" not in state:
            state["engine"] = Engine(settings)
        return state["engine"]

    def checked(make: Callable[[], Any]) -> Any:
        """The request `make` builds, held to the settings' limits; what is wrong with it goes back to the assistant
        (a ToolError's message reaches it, any other exception's does not)."""
        try:
            made = make()
        except ValidationError as exc:
            raise ToolError(validation_message(exc)) from None
        over = limit_message(made, settings)
        if over:
            raise ToolError(over)
        return made

    def request(question: str, top_k: int) -> Question:
        made: QueryRequest = checked(lambda: QueryRequest(question=question, top_k=top_k))
        return made.asked()

    def answering(work: Callable[[], Any]) -> Any:
        try:
            return work()
        except IndexUnavailable as exc:
            raise ToolError(without_machine_paths(str(exc))) from None

    @server.tool(structured_output=True)
    def search(question: str, top_k: int = 5) -> dict[str, Any]:
        """Ranked passages for a health question, each with its exact source (document, title, character offsets),
        evidence level and caveats (safety warnings, lab-only evidence, anecdote, untraceable citations…).
        `no_answer` is true when the documents do not cover the question."""
        made = request(question, top_k)

        def found() -> dict[str, Any]:
            retrieval = engine().retrieve(made)
            passages = engine().passages(retrieval.index, retrieval.hits)
            return {"retrieval_query": retrieval.query, "no_answer": retrieval.weak,
                    "passages": [PassageOut.of(p).model_dump(mode="json") for p in passages]}

        return answering(found)

    @server.tool(structured_output=True)
    def ask(question: str, top_k: int = 5) -> dict[str, Any]:
        """Answer a health question from the documents: an extractive answer whose every sentence cites a passage,
        the safety warnings about what was asked (quote them first), the strongest evidence behind it, the passages
        with their caveats, and the answer's own caveats. Information, not medical advice."""
        made = request(question, top_k)
        return answering(lambda: QueryResponse.of(engine().query(made)).model_dump(mode="json"))

    @server.tool(structured_output=True)
    def check_text(text: str) -> dict[str, Any]:
        """How far to trust any health text (an article, a press release, a chatbot's answer): its evidence level,
        its caveats with the words that triggered each, and every flagged sentence."""
        made = checked(lambda: AnnotateRequest(text=text))
        checker = state.get("checker") or state.setdefault("checker", TextChecker(settings))  # built once
        return AnnotateResponse.of(checker.check(made.text, "text")).model_dump(mode="json")

    @server.resource("documents://list", name="documents", mime_type="application/json",
                     description="Every indexed document: id, title, format, evidence level and caveats.")
    def documents() -> str:
        return json.dumps([DocumentSummary.of(d).model_dump(mode="json") for d in engine().documents()])

    @server.resource("documents://{doc_id}", name="document", mime_type="application/json",
                     description="One document's text with its profile (evidence level, caveats, citations).")
    def document(doc_id: str) -> str:
        found = engine().document(doc_id)
        if found is None:
            raise ResourceNotFoundError(f"no document {doc_id!r}; documents://list names them")
        return DocumentDetail.of(found).model_dump_json()

    return server


def serve(settings: Settings, engine_: Any = None) -> None:
    """Run the server on stdin/stdout until the client closes it."""
    build_server(settings, engine_).run("stdio")
