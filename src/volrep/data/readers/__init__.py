"""One parser per raw data format; each returns the data in a canonical schema plus a cleaning report.

Every ``read_xxx(path, ...)`` returns ``(frame, report)`` where ``report`` is a
:class:`~volrep.data.clean.CleaningReport` counting what was changed, dropped or flagged. Bad input
raises :class:`~volrep.errors.DataError` naming the file, the rule and the zero-based data row (header
and banner lines not counted; the row is the one *in the file*, also after newest-first files are put in
time order).

Map: source family -> module -> functions -> datasets of :data:`~volrep.data.registry.REGISTRY`
-----------------------------------------------------------------------------------------------
Binance public data -> :mod:`~volrep.data.readers.binance`
    :func:`read_binance_klines` (BARS): ``binance_klines_15m``, ``binance_klines_1m_daily`` and the specs of
    :func:`~volrep.data.registry.binance_klines`; :func:`read_binance_aggtrades`,
    :func:`iter_binance_aggtrades` (TICKS): the specs of :func:`~volrep.data.registry.binance_aggtrades`.
bitcoincharts -> :mod:`~volrep.data.readers.bitcoincharts`
    :func:`read_bitcoincharts`, :func:`iter_bitcoincharts` (TICKS): ``BITSTAMP_TICKS`` (not in the registry:
    not mirrored).
Kraken -> :mod:`~volrep.data.readers.kraken`
    :func:`read_kraken_ohlcvt` (BARS): ``kraken_xbtusd_1h``.
CryptoDataDownload -> :mod:`~volrep.data.readers.cryptodatadownload`
    :func:`read_cryptodatadownload` (BARS): ``bitstamp_btcusd_1h``, ``gemini_btcusd_1h``,
    ``binance_btcusdt_1h_cdd``.
Yahoo Finance -> :mod:`~volrep.data.readers.yahoo`
    :func:`read_yahoo_daily` (DAILY prices): ``yahoo_btc_usd_daily_dhansoia``, ``yahoo_gspc_daily_dhansoia``;
    :func:`read_sp500_panel` (PANEL): ``sp500_members_daily_panel``.
Oxford-Man Realized Library -> :mod:`~volrep.data.readers.oxford_man`
    :func:`read_oxfordman_xts` (DAILY measures): ``oxfordman_31_indices``; :func:`read_realized_library`:
    ``oxfordman_spx_all_measures``.
R highfrequency data sets -> :mod:`~volrep.data.readers.highfrequency`
    :func:`read_rda_frame` with :data:`RDA_UNITS` / :class:`RdaUnits` (DAILY measures):
    ``spy_realized_measures``, ``bpq2016_sp500_realized_measures``.

Shared helpers, written once: :mod:`~volrep.data.readers._common` (raw CSV, ``.zip`` and ``.gz`` access,
errors naming file and row, price and volume checks, BARS and TICKS validation) and
:mod:`~volrep.data.readers._rda` (R object conversion and the DAILY-measure unit checks). Every public name
below is importable from this package (``from volrep.data.readers import read_binance_klines``).

Canonical schemas (later chapters rely on them exactly)
-------------------------------------------------------
BARS (intraday OHLCV: Binance klines, Kraken OHLCVT, CryptoDataDownload)
    Index ``timestamp``: ``datetime64[ns, UTC]``, the bar's OPEN time, strictly increasing.
    Columns ``open, high, low, close, volume`` (float64; volume in the base currency, e.g. BTC), then
    where the source has them: ``trades`` (Int64, trades in the bar, <NA> where unknown), ``close_time``
    (``datetime64[ns, UTC]``, Binance klines only) and ``quote_volume`` (float64, quote currency).
    Missing bars are not filled (the report counts them); bars off the interval grid are kept.
TICKS (trades: Binance aggTrades, bitcoincharts)
    Columns ``timestamp`` (``datetime64[ns, UTC]``), ``price`` (float64), ``amount`` (float64, base
    currency); RangeIndex; timestamps non-decreasing (several trades may share one).
DAILY prices (Yahoo)
    Index ``date``: tz-naive ``datetime64[ns]`` at midnight, strictly increasing.
    Columns ``open, high, low, close, volume`` (float64).
DAILY realized measures (Oxford-Man, highfrequency data sets)
    Index ``date`` as above. Lower-case measure names (``rv5``, ``bv``, ...). Variances are in DECIMAL
    units (squared log returns per day, not percent squared, not annualised); returns are decimal log
    returns. Each reader's docstring states the conversion it applies; the report records it.
PANEL (daily stock panel)
    Long frame with columns ``date`` (tz-naive ``datetime64[ns]``), ``ticker`` (category, sorted),
    ``open, high, low, close, volume`` (float64), sorted by ``(ticker, date)``, one row per pair.

Notes
-----
Readers validate expected columns, numeric fields, sorted unique timestamps (after the documented
re-sorting or counted de-duplication), positive finite prices and plausible units (a price outside
``PRICE_RANGE`` or a daily variance above 0.25 means the data are not in the units assumed).
"""

from volrep.data.readers._common import (
    PRICE_RANGE,
    PRICES,
    RULE_MISSING_BARS,
    RULE_OFF_GRID,
    RULE_ZERO_AMOUNT,
)
from volrep.data.readers._rda import (
    MAX_DAILY_LOG_RETURN,
    MAX_DAILY_VARIANCE,
    MEDIAN_DAILY_VARIANCE,
    RULE_UNITS,
)
from volrep.data.readers.binance import (
    RULE_CLOSE_BEFORE_OPEN,
    RULE_SHORT_CLOSE_TIME,
    RULE_ZERO_TRADE_BARS,
    iter_binance_aggtrades,
    read_binance_aggtrades,
    read_binance_klines,
)
from volrep.data.readers.bitcoincharts import iter_bitcoincharts, read_bitcoincharts
from volrep.data.readers.cryptodatadownload import RULE_NEWEST_FIRST, read_cryptodatadownload
from volrep.data.readers.highfrequency import RDA_UNITS, RdaUnits, read_rda_frame
from volrep.data.readers.kraken import read_kraken_ohlcvt
from volrep.data.readers.oxford_man import read_oxfordman_xts, read_realized_library
from volrep.data.readers.yahoo import (
    RULE_IGNORED_COLUMNS,
    RULE_REPEATED_CLOSE,
    RULE_RESORTED,
    read_sp500_panel,
    read_yahoo_daily,
)

__all__ = [
    "MAX_DAILY_LOG_RETURN",
    "MAX_DAILY_VARIANCE",
    "MEDIAN_DAILY_VARIANCE",
    "PRICES",
    "PRICE_RANGE",
    "RDA_UNITS",
    "RULE_CLOSE_BEFORE_OPEN",
    "RULE_IGNORED_COLUMNS",
    "RULE_MISSING_BARS",
    "RULE_NEWEST_FIRST",
    "RULE_OFF_GRID",
    "RULE_REPEATED_CLOSE",
    "RULE_RESORTED",
    "RULE_SHORT_CLOSE_TIME",
    "RULE_UNITS",
    "RULE_ZERO_AMOUNT",
    "RULE_ZERO_TRADE_BARS",
    "RdaUnits",
    "iter_binance_aggtrades",
    "iter_bitcoincharts",
    "read_binance_aggtrades",
    "read_binance_klines",
    "read_bitcoincharts",
    "read_cryptodatadownload",
    "read_kraken_ohlcvt",
    "read_oxfordman_xts",
    "read_rda_frame",
    "read_realized_library",
    "read_sp500_panel",
    "read_yahoo_daily",
]
