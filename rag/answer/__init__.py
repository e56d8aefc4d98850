"""Answers from ranked passages: the writer interface, and the extractive writer that implements it."""

from rag.answer.extractive import ExtractiveWriter, compose_answer, coverage, question_weights
from rag.answer.writer import Answer, AnswerPassage, AnswerWriter, Quote

__all__ = [
           "Answer",
           "AnswerPassage",
           "AnswerWriter",
           "ExtractiveWriter",
           "Quote",
           "compose_answer",
           "coverage",
           "question_weights",
]
