"""Ingestion: files of any supported type → cleaned `Document`s whose text every offset indexes."""

from rag.ingest.folder import IngestReport, content_hash, extract, ingest_folder, join_pages, read_document
from rag.ingest.readers import READERS, Extracted, ReadLimits, TooLong, Unreadable, accepted

__all__ = [
           "READERS",
           "Extracted",
           "IngestReport",
           "ReadLimits",
           "TooLong",
           "Unreadable",
           "accepted",
           "content_hash",
           "extract",
           "ingest_folder",
           "join_pages",
           "read_document",
]
