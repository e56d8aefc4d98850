"""Whether this CPU has an int8 dot-product instruction, which decides how ONNX Runtime multiplies int8.

With VNNI (AVX-512 VNNI, AVX-VNNI) or AMX-INT8, u8×s8 products are summed exactly. Without it, ONNX Runtime's
default kernel sums pairs in int16 and saturates, which moved our vectors to cosine 0.986 of a VNNI CPU's;
`session.x64quantprecision` makes those CPUs multiply u8×u8 instead, exactly, at some speed. On a VNNI CPU the
option changes no vector and costs time (benchmarks/int8_cpu_paths.py), so it is set only where it matters.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

_LINUX_FLAGS = {"avx512_vnni", "avx_vnni", "amx_int8"}


@cache
def int8_dot_product() -> bool:
    """numpy reads CPUID for AVX-512 VNNI; Linux's flags add AVX-VNNI and AMX, which numpy does not name."""
    try:
        from numpy._core._multiarray_umath import __cpu_features__
    except ImportError:  # numpy < 2
        from numpy.core._multiarray_umath import __cpu_features__  # type: ignore[no-redef]
    if __cpu_features__.get("AVX512VNNI"):
        return True
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("flags"):
                return bool(_LINUX_FLAGS & set(line.split(":", 1)[1].split()))
    except OSError:
        pass
    return False


def exact_int8(setting: str) -> bool:
    """RAG_INT8_EXACT_PRODUCTS: "auto" turns x64quantprecision on where the CPU lacks an int8 dot product."""
    return setting == "on" or (setting == "auto" and not int8_dot_product())
