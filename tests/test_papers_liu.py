"""Liu et al. (2023) tables as transcribed in volrep.papers: layout, units and spot values."""

import pytest

from volrep import evaluate, papers
from volrep.chapters import deepvol as ch


@pytest.mark.parametrize("table, groups", [(papers.liu_table2, ("train", "test")),
                                           (papers.liu_table3, ("new stocks", "portfolios")),
                                           (papers.liu_table5, ("train", "test"))])
def test_layout_matches_the_chapter_and_the_metric_names(table, groups):
    t = table()
    assert tuple(t.index) == papers.LIU_METRICS == ch.METRICS
    assert list(t.columns) == [(g, c) for g in groups for c in ("GARCH", "DeepVol", "rate")]
    names = [evaluate.risk_metric_name(m, a) for a in evaluate.RISK_ALPHAS for m in ("violation_ratio", "qloss", "joint_loss")]
    assert set(names) | {"nll"} == set(t.index)
    rates = t.xs("rate", axis=1, level="column")
    assert ((rates > 0.5) & (rates <= 1)).all().all()  # every printed Rate is 71-100 %


def test_spot_values_as_printed():
    t2, t3, t5 = papers.liu_table2(), papers.liu_table3(), papers.liu_table5()
    assert t2.loc["qloss_1%", ("test", "GARCH")] == 76 and t2.loc["nll", ("test", "rate")] == pytest.approx(0.93)
    assert t2.loc["violation_ratio_2.5%", ("train", "DeepVol")] == 0.88
    assert t3.loc["nll", ("portfolios", "rate")] == pytest.approx(0.77)
    assert t3.loc["joint_loss_1%", ("new stocks", "DeepVol")] == 3.08
    assert t5.loc["qloss_2.5%", ("train", "GARCH")] == 589 and t5.loc["nll", ("test", "DeepVol")] == 2.23
    # The paper's own text: DeepVol has the lower average of every loss in Tables 2, 3 and 5.
    for t in (t2, t3, t5):
        for g in t.columns.get_level_values("group").unique():
            losses = t.drop(index=[m for m in t.index if m.startswith("violation")])
            assert (losses[(g, "DeepVol")] < losses[(g, "GARCH")]).all()


def test_table4_counts_add_up_to_the_printed_total():
    assert sum(papers.LIU_TABLE4.values()) == papers.LIU_TABLE4_TOTAL == 4470
    assert len(papers.LIU_TABLE4) == 9
