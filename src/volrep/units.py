"""Units of the book's numbers, in one place.

Variances (realized variance, forecasts, errors) are computed and stored in **decimal daily units**: a daily RV of
0.0016 is a daily return variance of 0.16 %², i.e. a 4 % daily volatility. Tables and plots show them in **basis
points** (× 10⁴: 16 bp), which keeps squared losses away from the floating-point floor and makes small numbers
readable; volatilities are annualised with the calendar of the asset (365 days for bitcoin, which trades every day).
"""

from __future__ import annotations

import numpy as np

#: Basis points per decimal unit.
BP = 1e4


def to_bp(values):
    """Decimal daily variances (a number, array, Series or DataFrame) in basis points."""
    return values * BP


def annualised_volatility(daily_variance, days_per_year: int = 365):
    """Annualised volatility ``sqrt(days_per_year · v)`` of a decimal daily variance ``v`` (365: bitcoin's calendar;
    252 for exchange-traded stocks)."""
    return np.sqrt(days_per_year * daily_variance)
