"""Tests of volrep.chapters.transfer_lstm: the comparison of our network with Dhansoia's Table 7."""

from volrep.chapters import transfer_lstm


def test_table7_explanation_matches_attention_and_head_only():
    table = transfer_lstm.table7_explanation()
    assert table["matches"].isna().tolist() == [False, True, False, False, False]  # no bottleneck row in Table 7
    assert table["matches"].fillna(False).tolist() == [False, False, True, True, False]
    assert table.loc["encoder", "keras"] == 82_944 and table.loc["total", "paper"] == 60_097
