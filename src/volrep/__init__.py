"""volrep — a reproducible replication of volatility forecasting with transfer learning and deep learning.

The package holds every estimator, model, metric and data reader used by the book; the notebooks in
``notebooks/`` only call it. See ``README.md`` for the two commands that build and test the book.

Importing ``volrep`` sets the environment variables of :data:`volrep.config.PORTABLE_ENV` (those not set
already) before PyTorch starts, so that the networks give the same numbers on every x86-64 processor with AVX2.
"""

from volrep.config import apply_portable_env as _apply_portable_env

__version__ = "0.1.0"

_apply_portable_env()
