"""Ingestion: files of any supported type → cleaned `Document`s whose text every offset indexes."""

from rag.ingest.folder import IngestReport, content_hash, ingest_folder, join_pages, read_document
from rag.ingest.readers import READERS, Extracted, Unreadable

__all__ = ["READERS", "Extracted", "IngestReport", "Unreadable", "content_hash", "ingest_folder", "join_pages",
           "read_document"]
