import json

import pytest

from volrep.errors import ConfigError
from volrep import verdicts
from volrep.report import Claim, claims_frame, read_results, scoreboard_markdown, write_results


def test_claim_validates_fields():
    with pytest.raises(ConfigError, match="must start with"):
        Claim("nobody.T1.x", 1.0, 1.0, "proper", verdicts.level(1.0, 1.0))
    with pytest.raises(ConfigError, match="variant"):
        Claim("huang.T1.x", 1.0, 1.0, "exact", verdicts.level(1.0, 1.0))
    with pytest.raises(ConfigError, match="rule"):
        Claim("huang.T1.x", 1.0, 1.0, "proper", "reproduced")  # a verdict without its rule


def test_results_roundtrip_and_scoreboard(tmp_path):
    claims = [
        Claim("huang.T3.10min.avg_rv", 0.002161, 0.0019, "proper", verdicts.level(0.002161, 0.0014), "15-min bars",
              provisional=True),
        Claim("huang.T2.2014.1min", 0.2424, None, "faithful", verdicts.not_comparable("no_data"), "no tick data | mirror",
              provisional=True),  # more training cannot make it comparable: not provisional
    ]
    path = write_results("02_rv_signature", "quick", {"rows": 10, "x": float("nan")}, claims, directory=tmp_path)
    payload = json.loads(path.read_text())
    assert payload["chapter"] == "02_rv_signature"
    assert payload["data"]["x"] is None  # NaN is not valid JSON: written as null
    assert [c["id"] for c in payload["claims"]] == [c.id for c in claims]
    assert not list(tmp_path.glob(".*.tmp"))
    assert payload["claims"][0]["rule"] == "level 10%/50%" and payload["claims"][1]["reason"] == "no_data"
    assert payload["claims"][0]["provisional"] is True and payload["claims"][1]["provisional"] is False
    assert "provisional:" in payload["claims"][0]["note"]
    page = scoreboard_markdown(read_results(tmp_path))
    assert "| 02_rv_signature | 0 | 1 | 0 | 1 | 2 | 1 |" in page  # tally per chapter and verdict, provisional
    assert "| level | 0 | 1 | 0 | 0 | 1 | 1 |" in page  # tally per rule
    assert "| **all** | **0** | **1** | **0** | **1** | **2** | **1** |" in page
    assert "no tick data | mirror" not in page.split("## Every claim")[0]  # notes only in the HTML table
    assert 'data-rule="not comparable"' in page and "partly (provisional)" in page
    assert "## Headline claims" in page and "not judged in this build" in page
    assert list(claims_frame(claims).columns) == ["id", "variant", "paper", "ours", "verdict", "rule", "provisional",
                                                  "note"]


def test_scoreboard_refuses_a_claim_counted_twice(tmp_path):
    c = Claim("dhansoia.T3.har.rmse_yahoo", 1.0, 1.0, "faithful", verdicts.level(1.0, 1.0))
    write_results("04_baselines", "quick", {}, [c], directory=tmp_path)
    write_results("05_transfer_lstm", "quick", {}, [c], directory=tmp_path)
    with pytest.raises(ConfigError, match="counted twice.*04_baselines, 05_transfer_lstm"):
        scoreboard_markdown(read_results(tmp_path))


def test_duplicate_claim_ids_rejected(tmp_path):
    c = Claim("huang.T3.x.y", 1.0, 1.0, "proper", verdicts.level(1.0, 1.0))
    with pytest.raises(ConfigError, match="duplicated"):
        write_results("02_rv_signature", "quick", {}, [c, c], directory=tmp_path)
