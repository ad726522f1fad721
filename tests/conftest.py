"""The test process runs as a solve does: float64 on, one BLAS thread (pdedsl.runtime)."""

from pdedsl import runtime

runtime.setup()
