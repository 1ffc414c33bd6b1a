"""The error hierarchy (issue 19): one base class, bad settings and bad data are ValueErrors, interrupts are not."""

import pytest

from volrep.errors import ChapterInterrupted, ConfigError, DataError, MissingDataError, VolrepError
from volrep.errors import ChapterError


@pytest.mark.parametrize("error", [ConfigError("x"), DataError("f.csv", "rule"),
                                   MissingDataError("f.csv", "/mirror/f.csv", None)])
def test_bad_settings_and_bad_data_are_value_errors(error):
    assert isinstance(error, VolrepError) and isinstance(error, ValueError)


@pytest.mark.parametrize("error", [ChapterInterrupted("05_transfer_lstm"), ChapterError("cell 3 failed")])
def test_failed_and_interrupted_runs_are_not_value_errors(error):
    assert isinstance(error, VolrepError) and not isinstance(error, ValueError)


def test_data_error_names_file_row_and_rule():
    with pytest.raises(DataError, match=r"^prices\.csv, row 7: violates rule 'price > 0' — -3\.0$"):
        raise DataError("prices.csv", "price > 0", 7, "-3.0")
