"""volrep — a reproducible replication of volatility forecasting with transfer learning and deep learning.

The package holds every estimator, model, metric and data reader used by the book; the notebooks in
``notebooks/`` only call it. See ``README.md`` for the two commands that build and test the book.
"""

__version__ = "0.1.0"
