"""volrep.units: the one place where decimal daily variances become basis points and annual volatilities."""

import numpy as np
import pandas as pd

from volrep import units


def test_basis_points_and_annualised_volatility():
    v = pd.Series([0.0016, 0.0004])
    pd.testing.assert_series_equal(units.to_bp(v), pd.Series([16.0, 4.0]))
    np.testing.assert_allclose(units.annualised_volatility(0.0004), 0.02 * np.sqrt(365))
    np.testing.assert_allclose(units.annualised_volatility(0.0004, days_per_year=252), 0.02 * np.sqrt(252))
