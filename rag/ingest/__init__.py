"""Ingestion: files of any supported type → cleaned `Document`s whose text every offset indexes."""

from rag.ingest.folder import IngestReport, content_hash, extract, ingest_folder, join_pages, read_document
from rag.ingest.readers import READERS, Extracted, ReadLimits, TooLong, Unreadable

__all__ = ["READERS", "Extracted", "IngestReport", "ReadLimits", "TooLong", "Unreadable", "content_hash", "extract",
           "ingest_folder", "join_pages", "read_document"]
