"""Forecasting models: HAR, the GARCH family, naive baselines and the papers' networks."""
