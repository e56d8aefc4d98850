"""Text to vectors: the embedder, its ONNX and torch backends, micro-batching and the vector cache."""

from rag.embedding.embedder import DIMENSIONS, Embedder, encoder_precision, vector_space

__all__ = ["DIMENSIONS", "Embedder", "encoder_precision", "vector_space"]
