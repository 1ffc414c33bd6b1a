"""The papers' published numbers, transcribed once from ``../shared/papers`` — one function per table.

These are the values the chapters compare against; they are facts about the papers, not data. Each function
says where the numbers come from and how the (text-extracted) table was read.
"""

from __future__ import annotations

import pandas as pd

_T2_FREQS = ["1min", "2min", "3min", "4min", "5min", "10min", "15min", "20min", "25min", "30min", "35min",
             "40min", "45min", "50min", "55min", "60min"]

# fmt: off
_T2_ROWS = {
    2011: [99.71, 99.45, 99.21, 98.98, 98.76, 97.66, 96.57, 95.58, 94.53, 93.57, 92.69, 91.85, 91.03, 90.07, 89.11, 88.31],
    2012: [94.95, 91.57, 88.62, 85.98, 83.51, 73.67, 66.87, 61.40, 56.71, 52.64, 49.42, 46.33, 43.55, 41.11, 39.38, 37.37],
    2013: [39.16, 27.90, 22.08, 18.40, 15.79, 9.40, 6.76, 5.25, 4.16, 3.48, 2.88, 2.60, 2.17, 1.84, 1.67, 1.40],
    2014: [24.24, 10.28, 5.21, 2.95, 1.76, 0.24, 0.09, 0.07, 0.06, 0.05, 0.05, 0.05, 0.03, 0.04, 0.02, 0.02],
    2015: [29.08, 14.17, 8.08, 5.19, 3.69, 1.60, 1.31, 1.27, 1.23, 1.23, 1.23, 1.23, 1.22, 1.22, 1.21, 1.22],
    2016: [33.19, 15.92, 8.63, 4.99, 3.06, 0.46, 0.09, 0.04, 0.02, 0.00, 0.00, 0.00, 0.00, 0.00, 0.00, 0.00],
    2017: [8.04, 2.39, 0.98, 0.46, 0.25, 0.03, 0.01, 0.00, 0.00, 0.00, 0.00, 0.00, 0.00, 0.00, 0.00, 0.00],
    2018: [3.77, 0.92, 0.31, 0.11, 0.06, 0.01, 0.00, 0.00, 0.00, 0.00, 0.00, 0.00, 0.00, 0.00, 0.00, 0.00],
    2019: [3.28, 0.53, 0.15, 0.05, 0.03, 0.02, 0.01, 0.02, 0.01, 0.01, 0.01, 0.01, 0.00, 0.01, 0.00, 0.00],
    2020: [1.55, 0.19, 0.11, 0.10, 0.09, 0.08, 0.06, 0.07, 0.07, 0.07, 0.06, 0.07, 0.06, 0.06, 0.06, 0.05],
    2021: [0.70, 0.09, 0.06, 0.05, 0.05, 0.04, 0.02, 0.03, 0.03, 0.03, 0.02, 0.03, 0.02, 0.02, 0.01, 0.00],
}
# fmt: on


def huang_table2() -> pd.DataFrame:
    """Huang et al. (2024) Table 2: percent of intervals without a trade, Bitstamp, by year and frequency.

    Returns
    -------
    pandas.DataFrame
        Index ``year`` (2011–2021), columns ``"1min"`` … ``"60min"``, values in percent.

    Notes
    -----
    The text extraction of the paper splits the table: the 55- and 60-minute columns and the 2020–2021 rows
    are printed apart from the body; they were reassembled in the paper's column order (each 2020/2021 pair
    and each 55/60-minute column has exactly the number of cells the layout requires).
    """
    return pd.DataFrame.from_dict(_T2_ROWS, orient="index", columns=_T2_FREQS).rename_axis("year")


def huang_table3() -> pd.DataFrame:
    """Huang et al. (2024) Table 3: average daily realized variance by sampling frequency, Bitstamp 2014–2021.

    Returns
    -------
    pandas.DataFrame
        Columns ``frequency`` (``"1min"`` …), ``average_rv`` (decimal log-return² per day, as printed: the
        paper calls it "average realised volatility" but defines it as the sum of squared returns) and
        ``pct_change`` (percent, as printed; note the 45- and 55-minute rows rise).
    """
    freqs = [1, 2, 3, 4, 5, 10, 15, 20, 25, 30, 35, 40, 45, 50, 55, 60]
    avg = [0.027639, 0.002726, 0.002529, 0.002413, 0.002381, 0.002161, 0.002059, 0.001964, 0.001937, 0.001910,
           0.001905, 0.001839, 0.001864, 0.001814, 0.001851, 0.001803]
    pct = [None, -90.14, -7.23, -4.58, -1.32, -9.24, -4.76, -4.61, -1.34, -1.43, -0.26, -3.47, 1.40, -2.71, 2.06, -2.59]
    return pd.DataFrame({"frequency": [f"{f}min" for f in freqs], "average_rv": avg, "pct_change": pct})


def huang_table4() -> pd.DataFrame:
    """Huang et al. (2024) Table 4: summary statistics of annualised RV from original and pre-averaged returns.

    Returns
    -------
    pandas.DataFrame
        Index: statistic (``count, mean, std, min, max, skewness, kurtosis``); columns a MultiIndex
        ``(panel, returns)`` with panel ``"10min"`` (Panel A, annualised by 144·365) or ``"1D"`` (Panel B,
        annualised by 365) and returns ``"original"`` or ``"pre-averaged"``. Bitstamp ticks, 2014–2021.
    """
    stats = ["count", "mean", "std", "min", "max", "skewness", "kurtosis"]
    cols = pd.MultiIndex.from_product([["10min", "1D"], ["original", "pre-averaged"]], names=["panel", "returns"])
    values = [
        [420768, 420768, 2922, 2922],
        [12.20, 2.07, 12.20, 4.51],
        [5773.24, 722.14, 481.29, 12.78],
        [0.00, 0.00, 0.00, 0.00],
        [3744851.62, 468339.05, 26016.85, 286.56],
        [648.64, 648.29, 54.04, 11.26],
        [420741.22, 420439.39, 2920.74, 179.11],
    ]
    return pd.DataFrame(values, index=pd.Index(stats, name="statistic"), columns=cols)


#: Bitstamp's shutdown after the January 2015 hack, as dated by Huang et al. (2024, §2).
HUANG_BITSTAMP_OUTAGE = (pd.Timestamp("2015-01-05 09:12:25"), pd.Timestamp("2015-01-09 21:05:04"))


def dhansoia_table1() -> pd.DataFrame:
    """Dhansoia (2025) Table 1: Hurst estimates of log "realized volatility" (22-day rolling std of returns).

    Returns
    -------
    pandas.DataFrame
        Index ``asset`` (``"spx"``, ``"btc"``), columns ``rs``, ``dfa``, ``variogram`` (H) and
        ``wavelet_slope`` (the slope itself, as printed; the earlier version of the paper has no wavelet column).
    """
    return pd.DataFrame(
        {"rs": [0.136, 0.109], "dfa": [0.118, 0.099], "variogram": [0.119, 0.097], "wavelet_slope": [-2.073, -2.089]},
        index=pd.Index(["spx", "btc"], name="asset"),
    )


#: Figure 1 of Dhansoia (2025): R² of the wavelet-variance regressions.
DHANSOIA_WAVELET_R2 = {"spx": 0.975, "btc": 0.991}

#: The H values of Dhansoia's abstract and introduction ("0.124 and 0.102"): in the earlier version of the
#: paper they are the "Average" row of Table 1, i.e. each asset's mean over R/S, DFA and variogram.
DHANSOIA_HEADLINE_H = {"spx": 0.124, "btc": 0.102}

#: Observation counts the paper states: §4.1 (S&P 500 1,467; bitcoin 5,202) and Figure 1 (bitcoin "17,500+").
DHANSOIA_OBSERVATIONS = {"spx": 1467, "btc": 5202, "btc_figure1": 17500}


def dhansoia_table2() -> pd.DataFrame:
    """Dhansoia (2025) Table 2: descriptive statistics of log realized volatility.

    Returns
    -------
    pandas.DataFrame
        Index ``asset`` (``"spx"``, ``"btc"``), columns ``mean, std, skewness, kurtosis, min, max``. The paper
        does not say whether its kurtosis is excess or not.
    """
    return pd.DataFrame(
        {"mean": [-4.21, -3.45], "std": [0.89, 1.12], "skewness": [0.72, 0.45], "kurtosis": [4.15, 3.28],
         "min": [-6.53, -6.89], "max": [-1.24, 0.82]},
        index=pd.Index(["spx", "btc"], name="asset"),
    )


#: Gatheral, Jaisson & Rosenbaum (2018, §2): H ≈ 0.14 for the S&P 500 from Oxford-Man 5-minute realized variance.
GJR2018_SPX_H = 0.14


_T5_MODELS = ["HAR (tick level)", "HAR (1-min)", "HAR (5-min)", "HAR (10-min)",
              "GARCH(1, 1)", "GARCH(2, 1)", "GARCH(2, 2)", "GARCH(3, 1)", "GARCH(3, 2)",
              "TGARCH(1, 1)", "TGARCH(2, 1)", "TGARCH(2, 2)", "TGARCH(3, 1)", "TGARCH(3, 2)",
              "GJR-GARCH(1, 1)", "GJR-GARCH(2, 1)", "GJR-GARCH(2, 2)", "GJR-GARCH(3, 1)", "GJR-GARCH(3, 2)"]
# fmt: off
_T5_RMSE = [
    [280.13, 315.71, 322.75, 324.04, 322.53], [316.95, 317.14, 317.58, 318.62, 320.55],
    [308.34, 317.22, 323.35, 326.69, 323.72], [294.27, 317.54, 321.62, 327.05, 322.65],
    [335.87, 335.70, 335.77, 336.44, 337.99], [335.87, 335.68, 335.75, 336.43, 337.99],
    [335.92, 335.63, 335.58, 336.16, 337.55], [335.88, 335.23, 335.27, 335.95, 337.58],
    [335.88, 335.23, 335.27, 335.95, 337.58], [336.00, 336.09, 336.38, 337.44, 339.21],
    [336.05, 336.09, 336.43, 337.50, 339.27], [336.05, 336.08, 336.42, 337.49, 339.28],
    [336.19, 336.25, 336.79, 337.98, 339.74], [336.19, 336.25, 336.80, 338.03, 339.79],
    [335.26, 335.33, 335.62, 336.70, 338.70], [335.27, 335.31, 335.61, 336.70, 338.70],
    [335.22, 335.35, 335.63, 336.68, 338.64], [335.31, 334.98, 335.22, 336.23, 338.17],
    [335.31, 334.98, 335.22, 336.23, 338.17],
]
_T5_REL = [
    [0.0, 0.0, 0.0, 0.0, 0.0], [-13.14, -0.45, 1.60, 1.67, 0.61], [-10.07, -0.48, -0.19, -0.82, -0.37],
    [-5.05, -0.58, 0.35, -0.93, -0.04], [-19.90, -6.33, -4.03, -3.83, -4.80], [-19.90, -6.33, -4.03, -3.82, -4.80],
    [-19.92, -6.31, -3.98, -3.74, -4.66], [-19.90, -6.18, -3.88, -3.68, -4.67], [-19.90, -6.18, -3.88, -3.68, -4.67],
    [-19.95, -6.46, -4.22, -4.13, -5.17], [-19.96, -6.46, -4.24, -4.15, -5.19], [-19.96, -6.45, -4.23, -4.15, -5.20],
    [-20.01, -6.51, -4.35, -4.30, -5.34], [-20.01, -6.51, -4.35, -4.32, -5.35], [-19.68, -6.21, -3.99, -3.91, -5.01],
    [-19.68, -6.21, -3.98, -3.91, -5.01], [-19.67, -6.22, -3.99, -3.90, -5.00], [-19.70, -6.10, -3.86, -3.76, -4.85],
    [-19.70, -6.10, -3.86, -3.76, -4.85],
]
# fmt: on


def huang_table5() -> pd.DataFrame:
    """Huang et al. (2024) Table 5: out-of-sample RMSE (Panel A) and relative forecasting power vs HAR (Panel B).

    Returns
    -------
    pandas.DataFrame
        Index ``model`` (the paper's row labels; HAR rows by the frequency of the pre-averaged returns behind the
        daily RV), columns a MultiIndex ``(panel, horizon)`` with panel ``"rmse"`` (RV in the paper's "basis
        point" units) or ``"relative_pct"`` (1 − RMSE/RMSE_HAR(tick), percent) and horizon 1, 7, 14, 30, 60 days.
        Bitstamp 2014–2021, 90/10 split. The MAE and MSLE tables (Appendix C) are online supplementary material,
        not in the paper's text.
    """
    horizons = [1, 7, 14, 30, 60]
    rmse = pd.DataFrame(_T5_RMSE, index=pd.Index(_T5_MODELS, name="model"), columns=horizons)
    rel = pd.DataFrame(_T5_REL, index=rmse.index, columns=horizons)
    return pd.concat({"rmse": rmse, "relative_pct": rel}, axis=1).rename_axis(columns=["panel", "horizon"])


_HUANG_HORIZONS = [1, 7, 14, 30, 60]
_HAR_ROW = [280.13, 315.71, 322.75, 324.04, 322.53]
_GARCH11_ROW = [335.87, 335.70, 335.77, 336.44, 337.99]
_MTF_HAR = ("MTF-30-CNN + LSTM", "HAR + MTF of 30 daily RVs"), ("MTF-7-CNN + LSTM", "HAR + MTF of 7 daily RVs")
# fmt: off
#: Panel A of Tables 6, 7, 9 and 10, every printed row once (Tables 9 and 10 repeat rows of Tables 6 and 7):
#: ``(model, input)`` → RMSE at 1, 7, 14, 30 and 60 days (Bitstamp 2014-2021, 90/10 split).
_NEURAL_RMSE = {
    ("LSTM", "10min"): [305.83, 312.89, 318.70, 318.65, 320.49],
    ("MTF-144-CNN + LSTM", "10min"): [299.77, 308.25, 317.08, 317.75, 319.76],
    ("MTF-72-CNN + LSTM", "10min"): [301.13, 306.76, 317.05, 317.78, 319.75],
    ("MTF-48-CNN + LSTM", "10min"): [303.11, 301.07, 317.07, 316.67, 319.75],
    ("MTF-36-CNN + LSTM", "10min"): [303.09, 301.85, 317.04, 317.62, 319.73],
    ("MTF-24-CNN + LSTM", "10min"): [302.77, 290.28, 314.65, 318.18, 319.73],
    ("MTF-18-CNN + LSTM", "10min"): [307.89, 305.69, 317.07, 308.98, 319.75],
    ("MTF-16-CNN + LSTM", "10min"): [302.95, 293.75, 317.06, 316.97, 319.66],
    ("MTF-12-CNN + LSTM", "10min"): [304.37, 300.08, 317.08, 317.73, 319.71],
    ("MTF-9-CNN + LSTM", "10min"): [307.23, 310.02, 317.07, 316.93, 319.75],
    ("MTF-8-CNN + LSTM", "10min"): [308.75, 286.64, 317.08, 317.63, 319.67],
    ("MTF-6-CNN + LSTM", "10min"): [305.05, 284.88, 317.04, 317.60, 319.83],
    ("MTF-4-CNN + LSTM", "10min"): [305.44, 284.95, 317.08, 317.31, 319.73],
    ("LSTM", "HAR"): [278.85, 310.79, 319.43, 319.45, 320.33],
    _MTF_HAR[0]: [284.52, 312.75, 316.29, 318.15, 318.20],
    _MTF_HAR[1]: [298.60, 312.37, 317.02, 318.00, 318.54],
    ("LSTM", "1 day"): [286.08, 310.09, 317.14, 316.11, 319.58],
    ("LSTM", "1h"): [303.09, 307.09, 319.83, 314.82, 320.94],
    ("LSTM", "30min"): [305.83, 305.44, 319.58, 318.30, 321.71],
    ("LSTM", "5min"): [306.50, 313.18, 318.92, 317.31, 321.27],
    ("MTF-24-CNN + LSTM", "1h"): [295.16, 306.14, 317.07, 316.55, 318.95],
    ("MTF-48-CNN + LSTM", "30min"): [297.60, 308.50, 317.08, 315.37, 319.68],
    ("MTF-288-CNN + LSTM", "5min"): [302.59, 301.84, 317.07, 316.03, 319.73],
}
# fmt: on
#: The rows of each table, in the paper's order. 6: the previous day's 10-minute RV, by MTF image size; 7: inputs
#: as HAR's (past 1-day RV, 7-day and 30-day averages), and MTF images of the past 7 or 30 daily RVs; 9: LSTM by
#: input frequency; 10: CNN-LSTM by input frequency (the image is the full-size MTF of the previous day's RVs).
_NEURAL_TABLES = {
    6: [("LSTM", "10min"),
        *((f"MTF-{size}-CNN + LSTM", "10min") for size in (144, 72, 48, 36, 24, 18, 16, 12, 9, 8, 6, 4))],
    7: [("LSTM", "HAR"), *_MTF_HAR],
    9: [("LSTM", freq) for freq in ("HAR", "1 day", "1h", "30min", "10min", "5min")],
    10: [*_MTF_HAR, *((f"MTF-{size}-CNN + LSTM", freq) for size, freq in ((24, "1h"), (48, "30min"), (144, "10min"),
                                                                           (288, "5min")))],
}


def huang_neural_table(number: int) -> pd.DataFrame:
    """Huang et al. (2024) Tables 6, 7, 9 and 10: out-of-sample RMSE of the neural networks, HAR and GARCH(1, 1).

    Parameters
    ----------
    number
        6 (LSTM and CNN-LSTM on the previous day's 10-minute RV, by MTF image size), 7 (inputs as HAR's, and
        MTF images of the past 7 or 30 daily RVs), 9 (LSTM by input frequency) or 10 (CNN-LSTM by input
        frequency).

    Returns
    -------
    pandas.DataFrame
        Index ``(model, input)``, with the HAR (tick-level RV) and GARCH(1, 1) rows of every table first and
        last; columns a MultiIndex ``(panel, horizon)``: ``"rmse"`` as printed (the paper's "basis point" units)
        and ``"relative_pct"`` = 100 (1 − RMSE/RMSE_HAR), eq. (9), recomputed from Panel A. The printed Panel B
        agrees to 0.01 pp wherever it is legible; the text layer of Table 6's last row (MTF-4) is garbled, so
        Panel B is derived rather than transcribed.
    """
    if number not in _NEURAL_TABLES:
        raise ValueError(f"Huang et al. neural-network tables are {sorted(_NEURAL_TABLES)}, got {number!r}")
    rows = {("HAR", "HAR"): _HAR_ROW} | {key: _NEURAL_RMSE[key] for key in _NEURAL_TABLES[number]}
    rows[("GARCH(1, 1)", "log return")] = _GARCH11_ROW
    index = pd.MultiIndex.from_tuples(list(rows), names=["model", "input"])
    rmse = pd.DataFrame(list(rows.values()), index=index, columns=_HUANG_HORIZONS)
    rel = 100 * (1 - rmse / rmse.iloc[0])
    return pd.concat({"rmse": rmse, "relative_pct": rel}, axis=1).rename_axis(columns=["panel", "horizon"])


#: Huang et al. (2024) §4.4: the hyper-parameter grid searched for every LSTM and CNN-LSTM (200 epochs, Adam).
HUANG_GRID = {"batch_size": (10, 32, 64, 128, 256, 512, 1024), "neurons": (1, 5, 10, 15, 20, 25, 30), "epochs": 200}


def dhansoia_table3() -> pd.DataFrame:
    """Dhansoia (2025) Table 3: bitcoin test-set performance (log "realized volatility" target, 50/25/25 split).

    Returns
    -------
    pandas.DataFrame
        Index ``model`` (``Moving Average``, ``LSTM (from scratch)``, ``Transfer LSTM``, ``HAR``), columns
        ``rmse, mae, r2, correlation``.
    """
    return pd.DataFrame(
        {"rmse": [0.619, 0.264, 0.235, 0.110], "mae": [0.456, 0.139, 0.137, 0.046],
         "r2": [-0.384, 0.749, 0.801, 0.956], "correlation": [0.291, 0.880, 0.908, 0.978]},
        index=pd.Index(["Moving Average", "LSTM (from scratch)", "Transfer LSTM", "HAR"], name="model"),
    )


def dhansoia_table4() -> pd.DataFrame:
    """Dhansoia (2025) Table 4: improvement of the transfer LSTM over the LSTM from scratch (percent, p-value).

    The test behind the p-values is not named; R² has none. ``p_value`` holds the upper bound where the paper
    prints "< 0.001".
    """
    return pd.DataFrame(
        {"improvement_pct": [10.99, 1.57, 6.95, 3.15], "p_value": [0.001, 0.042, float("nan"), 0.001]},
        index=pd.Index(["rmse", "mae", "r2", "correlation"], name="metric"),
    )


def dhansoia_table5() -> pd.DataFrame:
    """Dhansoia (2025) Table 5: advanced architectures against HAR (RMSE and percent vs HAR, as printed).

    Rows marked ``normalized`` are "results on normalized scale" (the paper's footnote): their RMSE is not on the
    scale of the other rows.
    """
    return pd.DataFrame(
        {
            "rmse": [0.110, 0.168, 0.155, 0.145, 0.110, 0.117, 0.270, 0.269, 0.270],
            "vs_har_pct": [0.0, -52.7, -40.9, -31.8, -0.51, -6.85, 0.01, 0.18, 0.00],
            "group": ["baseline", "unfreezing", "unfreezing", "unfreezing", "hybrid", "hybrid", "correction",
                      "correction", "correction"],
            "normalized": [False, False, False, False, False, False, True, True, True],
        },
        index=pd.Index(["HAR", "Differential LR", "Gradual Unfreezing", "Aggressive Fine-tune", "HAR-LSTM Hybrid",
                        "Dynamic Attention", "Residual Boosting", "Regime Ensemble", "Transfer Residual"], name="model"),
    )


#: Dhansoia (2025) Table 7: parameters of the transfer LSTM by component.
DHANSOIA_TABLE7 = {"encoder": 53_760, "attention": 4_224, "head": 2_113, "total": 60_097}

#: Dhansoia (2025) Table 8: training hyper-parameters (pre-training / fine-tuning).
DHANSOIA_TABLE8 = {
    "pretrain": {"lr": 1e-3, "batch_size": 32, "max_epochs": 50, "patience": 10, "dropout": 0.1},
    "finetune": {"lr": 1e-4, "batch_size": 16, "max_epochs": 30, "patience": 10, "dropout": 0.1},
}

#: Dhansoia (2025) Table 6: Diebold-Mariano statistics against HAR (p-value upper bound where "< 0.001").
DHANSOIA_TABLE6 = {"Transfer LSTM": (-7.63, 0.001), "LSTM (scratch)": (-7.31, 0.001), "Moving Average": (-18.26, 0.001),
                   "HAR-LSTM Hybrid": (-0.42, 0.674)}

#: The failed technical-indicator experiment (``lstm_technical_indicators_btc_hourly_log.txt``): test-set numbers.
TECHLOG_TEST = {"mse": 20785.670576, "mae": 119.816390, "r2": -0.0055, "first_epoch_loss": 457413.75}


# --------------------------------------------------------------------------------------------------------------
# Liu, Tran, Wang, Gerlach & Kohn (2023), DeepVol
# --------------------------------------------------------------------------------------------------------------
#: Row labels of Liu et al.'s Tables 2, 3 and 5, as the keys of ``volrep.evaluate.risk_metrics``.
LIU_METRICS = ("violation_ratio_1%", "qloss_1%", "joint_loss_1%", "violation_ratio_2.5%", "qloss_2.5%",
               "joint_loss_2.5%", "nll")


def _liu_table(groups: tuple[str, str], values: list[list[float]]) -> pd.DataFrame:
    """A Liu et al. risk table: rows :data:`LIU_METRICS`; columns (group, GARCH | DeepVol | rate); rates as shares."""
    columns = pd.MultiIndex.from_product([groups, ["GARCH", "DeepVol", "rate"]], names=["group", "column"])
    frame = pd.DataFrame(values, index=pd.Index(LIU_METRICS, name="metric"), columns=columns, dtype=float)
    rate = frame.columns.get_level_values("column") == "rate"
    frame.loc[:, rate] = frame.loc[:, rate] / 100.0
    return frame


def liu_table2() -> pd.DataFrame:
    """Liu et al. (2023) Table 2: GARCH(1, 1) and DeepVol on the 100 training stocks (S&P 500 members).

    Columns ``train`` (January 2005 – August 2019) and ``test`` (September 2019 – March 2023), each with the
    averages over stocks of GARCH and DeepVol and the "Rate" (share of stocks on which DeepVol is better; printed
    in percent, stored as a share). Rows: violation ratio α̂/α, Qloss (a sum over the period), JointLoss at 1 %
    and 2.5 %, and the NLL — percent returns.
    """
    return _liu_table(("train", "test"), [
        [1.53, 1.26, 91, 1.97, 1.60, 84],
        [248, 241, 92, 76, 72, 80],
        [2.90, 2.85, 94, 3.16, 3.05, 89],
        [1.05, 0.88, 95, 1.35, 1.15, 81],
        [467, 459, 84, 143, 138, 78],
        [2.58, 2.55, 94, 2.81, 2.75, 90],
        [1.91, 1.90, 85, 2.09, 2.07, 93],
    ])


def liu_table3() -> pd.DataFrame:
    """Liu et al. (2023) Table 3: test-period results on the 305 new stocks and 300 artificial portfolios of them.

    Column groups ``new stocks`` and ``portfolios`` (the paper's "New portfolios"), laid out as
    :func:`liu_table2`. The printed row label "Qloss_2.5%" is read as Qloss (2.5 %).
    """
    return _liu_table(("new stocks", "portfolios"), [
        [2.02, 1.65, 79, 1.98, 1.45, 100],
        [79, 74, 86, 46, 42, 100],
        [3.20, 3.08, 90, 2.58, 2.41, 100],
        [1.33, 1.14, 79, 1.69, 1.14, 100],
        [146, 141, 84, 92, 88, 100],
        [2.84, 2.77, 90, 2.34, 2.25, 100],
        [2.11, 2.09, 90, 1.63, 1.62, 77],
    ])


def liu_table5() -> pd.DataFrame:
    """Liu et al. (2023) Table 5: the global market (4,470 stocks of nine exchanges, 2000 – April 2023).

    Laid out as :func:`liu_table2` (``train`` and ``test``). The paper does not state the split date.
    """
    return _liu_table(("train", "test"), [
        [1.48, 1.28, 79, 1.67, 1.39, 71],
        [304, 299, 79, 76, 71, 79],
        [3.15, 3.09, 79, 3.28, 3.14, 79],
        [1.03, 0.89, 82, 1.13, 0.96, 73],
        [589, 583, 73, 143, 138, 79],
        [2.86, 2.82, 81, 2.95, 2.86, 82],
        [2.22, 2.18, 79, 2.29, 2.23, 86],
    ])


#: Liu et al. (2023) Table 4: stocks per exchange in case study 2 (market capitalisation above USD 10 billion).
LIU_TABLE4 = {"Australian Stock Exchange Ltd": 26, "The Stock Exchange of Hong Kong Ltd": 208,
              "National Stock Exchange of India": 294, "NASDAQ Global Select Consolidated": 541,
              "Shanghai Stock Exchange": 548, "Sbi Japannext Co Ltd": 595, "London Stock Exchange": 640,
              "Shenzhen Stock Exchange": 647, "NYSE Consolidated": 971}
#: The total printed under Table 4.
LIU_TABLE4_TOTAL = 4470


#: The papers' headline claims — those of their abstracts and conclusions — as ``(paper, statement, claim ids)``;
#: an id may be an ``fnmatch`` pattern (all horizons, all metrics). The scoreboard leads with them
#: (:func:`volrep.report.scoreboard_markdown`), each with every variant the chapters judged.
HEADLINE_CLAIMS = (
    ("dhansoia", "volatility is rough: H ≈ 0.1 (abstract; S&P 500 0.124, bitcoin 0.102)",
     ("dhansoia.abstract.*.hurst",)),
    ("dhansoia", "transfer learning from the S&P 500 improves bitcoin RMSE by 10.99 % (abstract, Table 4)",
     ("dhansoia.T4.rmse.improvement_*", "dhansoia.code.transfer_vs_scratch_rmse_pct*")),
    ("dhansoia", "the HAR-LSTM hybrid puts α = 0.886 on HAR (§5.4)", ("dhansoia.S5_4.hybrid_alpha_*",)),
    ("huang", "HAR beats every GARCH-type model at every horizon (§5.1)", ("huang.S5.1.har_beats_garch.h*_binance",)),
    ("huang", "the best CNN-LSTM on MTF images beats HAR by 9.77 % at 7 days (abstract, Table 6)",
     ("huang.T6.best_cnn_lstm.h7_*",)),
    ("huang", "the LSTM on HAR's inputs beats HAR at every horizon (Table 7)", ("huang.T7.lstm_har_beats_har_all_h_*",)),
    ("deepvol", "DeepVol beats daily re-estimated GARCH on most stocks (abstract, Tables 2–3: test-day rates)",
     ("deepvol.T2.*.test_rate", "deepvol.T3.*.new_stocks_rate")),
    ("deepvol", "the authors' pretrained DeepVol beats a daily refitted GARCH(1, 1) on MSFT (their code's notebook)",
     ("deepvol.code.*",)),
    ("techlog", "the LSTM on technical indicators has no skill: test R² = −0.0055", ("techlog.test.r2", "techlog.corrected*.r2")),
)
