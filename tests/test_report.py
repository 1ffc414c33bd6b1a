import json

import pytest

from volrep.errors import ConfigError
from volrep.report import Claim, claims_frame, numeric_verdict, read_results, scoreboard_markdown, write_results


def test_numeric_verdict_bands():
    assert numeric_verdict(1.0, 1.05) == "reproduced"
    assert numeric_verdict(1.0, 1.3) == "partly"
    assert numeric_verdict(1.0, 3.0) == "not reproduced"
    assert numeric_verdict(-2.0, -2.1) == "reproduced"
    assert numeric_verdict(1.0, float("nan")) == "not comparable"
    assert numeric_verdict(0.0, 0.05) == "reproduced"


def test_claim_validates_fields():
    with pytest.raises(ConfigError, match="must start with"):
        Claim("nobody.T1.x", 1.0, 1.0, "proper", "reproduced")
    with pytest.raises(ConfigError, match="variant"):
        Claim("huang.T1.x", 1.0, 1.0, "exact", "reproduced")
    with pytest.raises(ConfigError, match="verdict"):
        Claim("huang.T1.x", 1.0, 1.0, "proper", "great")


def test_results_roundtrip_and_scoreboard(tmp_path):
    claims = [
        Claim("huang.T3.10min.avg_rv", 0.002161, 0.0019, "proper", "partly", "15-min bars"),
        Claim("huang.T2.2014.1min", 0.2424, None, "faithful", "not comparable", "no tick data | mirror"),
    ]
    path = write_results("02_rv_signature", "quick", {"rows": 10, "x": float("nan")}, claims, directory=tmp_path)
    payload = json.loads(path.read_text())
    assert payload["chapter"] == "02_rv_signature"
    assert payload["data"]["x"] is None  # NaN is not valid JSON: written as null
    assert [c["id"] for c in payload["claims"]] == [c.id for c in claims]
    assert not list(tmp_path.glob(".*.tmp"))
    page = scoreboard_markdown(read_results(tmp_path))
    assert "| [02_rv_signature](#02-rv-signature) | 0 | 1 | 0 | 1 | 2 |" in page  # tally per chapter and verdict
    assert "| **all** | **0** | **1** | **0** | **1** | **2** |" in page
    assert "no tick data \\| mirror" in page  # pipes in notes are escaped for the Markdown table
    assert list(claims_frame(claims).columns) == ["id", "variant", "paper", "ours", "verdict", "note"]


def test_duplicate_claim_ids_rejected(tmp_path):
    c = Claim("huang.T3.x.y", 1.0, 1.0, "proper", "reproduced")
    with pytest.raises(ConfigError, match="duplicated"):
        write_results("02_rv_signature", "quick", {}, [c, c], directory=tmp_path)
