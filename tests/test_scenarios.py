"""Weight scenarios: every measure against a hand-computed case, the data-driven weights
and TOPSIS against published worked examples, the break-even weights against brute force,
and the named scenarios against the scorer itself.

The small hand case used throughout (weights 0.4 / 0.6 on KPIs x and y):

======  ===  ===  =====================================
person   x    y   score = 0.4 x + 0.6 y
======  ===  ===  =====================================
P1      100    0  40
P2        0  100  60
P3       60   30  0.4 x 60 + 0.6 x 30 = 24 + 18 = 42
======  ===  ===  =====================================
"""
from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from salesperf_kit import scenarios as sc
from salesperf_kit.exceptions import ParamsError, ScoringError
from salesperf_kit.params import load_params, params_from_dict
from salesperf_kit.scoring import assign_grades, rank, score

ROOT = Path(__file__).resolve().parents[1]
THRESHOLDS = {"method": "thresholds", "thresholds": {"A": 50, "B": 0}}


@pytest.fixture
def hand() -> pd.DataFrame:
    return pd.DataFrame({"x": [100.0, 0.0, 60.0], "y": [0.0, 100.0, 30.0]}, index=["P1", "P2", "P3"])


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    """The telesales demo month with two named scenarios and a phase (team blend, 360
    ratings, bonuses and a forced 20/70/10 distribution, as the shipped plan has), loaded
    the way the notebook loads it (``data_path="demo"``: the demo data in memory)."""
    return _demo_inputs(tmp_path_factory)


@pytest.fixture(scope="module")
def demo_within(tmp_path_factory):
    """:func:`demo` with its forced distribution applied within each role (55 agents, 5 leads)."""
    return _demo_inputs(tmp_path_factory, within="role")


def _demo_inputs(tmp_path_factory, within: str = "company"):
    import yaml

    base = load_params("telesales").model_dump(exclude={"source"})
    base["scoring"]["grading"]["within"] = within
    agent = dict(base["scoring"]["roles"]["agent"]["weights"])
    base["scoring"]["phases"] = [{"name": "launch", "months": [3], "roles": {
        "agent": {"revenue": 0.2, "calls": 0.3, "connect_rate": 0.2, "effective_talk_minutes": 0.3}}}]
    base["scenarios"]["scenarios"] = {
        "revenue_30": {"label": {"zh": "销售额 30%", "en": "Revenue 30%"},
                       "roles": {"agent": {**agent, "revenue": 0.30, "close_rate": 0.20}}},
        "launch": {"phase": "launch"},
    }
    folder = tmp_path_factory.mktemp("scenarios")
    path = folder / "telesales.yaml"
    path.write_text(yaml.safe_dump(base, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return sc.scenario_inputs(business="telesales", params_file=path, data_path="demo", period="2026-10")


# ============================================================================= matrices
def test_score_matrix_by_hand_with_redistribution():
    """P1: 0.5 x 80 + 0.3 x 60 + 0.2 x 100 = 40 + 18 + 20 = 78.
    P2 has no y: (0.5 x 50 + 0.2 x 70) / (0.5 + 0.2) = (25 + 14) / 0.7 = 55.714...
    P3 has nothing: NaN. Second weight row (1, 0, 0): 80, 50, NaN."""
    N = pd.DataFrame({"x": [80.0, 50.0, np.nan], "y": [60.0, np.nan, np.nan], "z": [100.0, 70.0, np.nan]})
    got = sc.score_matrix(N, {"x": 0.5, "y": 0.3, "z": 0.2})
    assert got[:2] == pytest.approx([78.0, 39 / 0.7])
    assert np.isnan(got[2])
    rows = sc.score_matrix(N, np.array([[0.5, 0.3, 0.2], [1.0, 0.0, 0.0]]))
    assert rows.shape == (2, 3)
    assert rows[1, :2] == pytest.approx([80.0, 50.0])
    # weights that do not sum to 1 are used in proportion
    assert sc.score_matrix(N, {"x": 5, "y": 3, "z": 2})[:2] == pytest.approx([78.0, 39 / 0.7])
    with pytest.raises(ScoringError, match="does not have"):
        sc.score_matrix(N, {"revenue": 1.0})


def test_rank_matrix_ties_and_missing():
    assert sc.rank_matrix([90, 80, 80, 70, np.nan]).tolist()[:4] == [1, 2, 2, 4]
    assert np.isnan(sc.rank_matrix([90, 80, 80, 70, np.nan])[4])
    assert sc.rank_matrix([90, 80, 80, 70], tie="first").tolist() == [1, 2, 3, 4]
    assert sc.rank_matrix([[1, 2], [2, 1]]).tolist() == [[2, 1], [1, 2]]


def test_rank_matrix_and_grades_tie_equal_points_added_in_another_order():
    """340/7 points as 100/7 + 160/7 + 80/7 and as 20 + 200/7 + 0 (two PwC agents) differ in
    the last bit of the float; TOPSIS's 'rank_in_role' ranked them 4 and 5 next to a scorecard
    that ties them. By hand: 60 first, the two 48.57 share 2nd, 10 is 4th; at A 50 % of 4
    people both 48.57 reach the second A."""
    s = [60.0, 100 / 7 + 160 / 7 + 80 / 7, 20 + 200 / 7 + 0, 10.0]
    assert s[1] != s[2]
    assert sc.rank_matrix(s).tolist() == [1, 2, 2, 4]
    forced = {"method": "forced", "distribution": {"A": 0.5, "B": 0.5}}
    assert sc.grade_matrix(s, forced).tolist() == ["A", "A", "A", "B"]
    # ten points of 5 added up are 49.99999999999999, not below a threshold of 50
    fifty = sum([0.1] * 10) * 50
    assert fifty < 50
    assert sc.grade_matrix([fifty, 10.0], THRESHOLDS).tolist() == ["A", "B"]
    assert assign_grades(pd.Series([fifty, 10.0]), THRESHOLDS).tolist() == ["A", "B"]


def test_grades_follow_the_scorer():
    """Thresholds A 80 / B 60 / C 0: 85 -> A, 60 -> B (>=), 59.9 -> C, -5 -> C (below every
    threshold: the lowest grade). Forced 20/70/10 with 7 people -> 1/5/1 (largest remainder)."""
    g = {"method": "thresholds", "thresholds": {"A": 80, "B": 60, "C": 0}}
    assert sc.grade_matrix([85, 60, 59.9, -5], g).tolist() == ["A", "B", "C", "C"]
    forced = {"method": "forced", "distribution": {"A": 0.2, "B": 0.7, "C": 0.1}}
    got = sc.grade_matrix([70, 60, 50, 40, 30, 20, 10], forced).tolist()
    assert got == ["A", "B", "B", "B", "B", "B", "C"]
    rng = np.random.default_rng(3)
    for grading in (g, forced):
        for _ in range(20):
            s = rng.choice([55.0, 61.0, 70.0, 80.0, 90.0, np.nan], size=12)   # many ties
            want = [None if pd.isna(g) else g for g in assign_grades(pd.Series(s), grading)]
            assert sc.grade_matrix(s, grading).tolist() == want


# ============================================================================= Monte Carlo core
def brute_counts(model: sc.ScoreModel, W: np.ndarray) -> dict:
    """Per person, loop over the rows with the scorer's own rank and assign_grades."""
    labels = sc._Grader.of(model.grading).labels
    groups = None if model.grade_groups is None else pd.Series(model.grade_groups, index=model.people.index)
    n = len(model.people)
    grade = np.zeros((n, len(labels)), dtype=int)
    top = np.zeros(n, dtype=int)
    rank_sum = np.zeros(n)
    for w in W:
        s = pd.Series(model.scores(w), index=model.people.index)
        r = rank(s, tie="min")
        g = assign_grades(s, model.grading, groups)
        top += (r <= model.top_k).to_numpy()
        rank_sum += r.fillna(0).to_numpy()
        for j, lab in enumerate(labels):
            grade[:, j] += (g == lab).to_numpy()
    return {"grade": grade, "top": top, "rank_sum": rank_sum}


def test_simulate_by_hand(hand):
    """Three weight rows for the hand case:
    (0.4, 0.6): P1 40, P2 60, P3 42 -> ranks 3, 1, 2; grades (A >= 50) B, A, B
    (0.8, 0.2): P1 80, P2 20, P3 54 -> ranks 1, 3, 2; grades A, B, A
    (0.5, 0.5): P1 50, P2 50, P3 45 -> ranks 1, 1, 3; grades A, A, B
    top 1: P1 twice, P2 twice (tied first), P3 never. Mean ranks 5/3, 5/3, 7/3."""
    W = np.array([[0.4, 0.6], [0.8, 0.2], [0.5, 0.5]])
    sim = sc.simulate(hand, W, weights=[0.4, 0.6], grading=THRESHOLDS, top_k=1)
    assert sim.grade_counts.tolist() == [[2, 1], [2, 1], [1, 2]]
    assert sim.top_k_counts.tolist() == [2, 2, 0]
    p = sim.probabilities()
    assert p["rank_mean"].tolist() == pytest.approx([5 / 3, 5 / 3, 7 / 3])
    assert p["rank_median"].tolist() == [1, 1, 2]
    assert p["p_top_k"].tolist() == pytest.approx([2 / 3, 2 / 3, 0])


@pytest.mark.parametrize("grading", [THRESHOLDS, {"method": "forced", "distribution": {"A": 0.3, "B": 0.5, "C": 0.2}}])
def test_simulate_matches_a_loop_with_ties_and_gaps(grading):
    rng = np.random.default_rng(7)
    N = pd.DataFrame(rng.choice([0.0, 20.0, 50.0, 80.0, 100.0], size=(25, 4)), columns=list("abcd"))
    N.iloc[3] = N.iloc[4]                 # identical people always tie
    N.iloc[5] = N.iloc[4]
    N.iloc[6, 1] = np.nan                 # a missing KPI
    N.iloc[7, :] = np.nan                 # nobody can score this one
    model = sc._model(N, [0.4, 0.3, 0.2, 0.1], grading=grading, top_k=3)
    W = rng.dirichlet([2, 2, 2, 2], size=40)
    W[:5] = [0.4, 0.3, 0.2, 0.1]
    want = brute_counts(model, W)
    for hist in (True, False):
        for workers, chunk in ((1, 7), (2, 11)):
            sim = sc.simulate(model, W, chunk=chunk, workers=workers, rank_distribution=hist)
            assert sim.grade_counts.tolist() == want["grade"].tolist()
            assert sim.top_k_counts.tolist() == want["top"].tolist()
            assert sim.rank_sum == pytest.approx(want["rank_sum"])
            assert sim.unscored.tolist() == [40 if i == 7 else 0 for i in range(25)]


def test_simulate_follows_every_step_of_the_scorer(demo):
    """Ratings, bonuses, team blend and forced grades: the vectorised counts equal a loop
    over the scorer's rank and assign_grades."""
    model = sc.score_model(demo.scorecard, kpis=demo.kpis)
    W = sc.draw_weights(model, draws=30, seed=5, concentration=20)
    want = brute_counts(model, W.to_numpy())
    sim = sc.simulate(model, W, chunk=8)
    assert sim.grade_counts.tolist() == want["grade"].tolist()
    assert sim.top_k_counts.tolist() == want["top"].tolist()
    assert sim.rank_sum == pytest.approx(want["rank_sum"])


def test_a_forced_distribution_within_each_role_in_every_analysis(demo_within):
    """scoring.grading.within: role: the 5 team leads get 20/70/10 among themselves (1 A,
    4 B: 0.7 x 5 = 3.5 and 0.1 x 5 = 0.5 tie for the last place, which goes to the better
    grade), the 55 agents among themselves (11 A, 39 B, 5 C: 11 / 38.5 / 5.5, the last
    place again to B). Graded all together, 2 of the 5 leads got a C. The model, the
    vectorised counts, the sweep and the scenario comparison grade as the scorer does."""
    card = demo_within.scorecard.table
    assert "(forced distribution A 20%/B 70%/C 10% within each role)" in \
        demo_within.scorecard.explain(str(card["employee_id"].iloc[0]), "en")
    counts = card.groupby("role")["grade"].value_counts().unstack(fill_value=0)
    assert counts.loc["team_lead"].to_dict() == {"A": 1, "B": 4, "C": 0}
    assert counts.loc["agent"].to_dict() == {"A": 11, "B": 39, "C": 5}
    model = sc.score_model(demo_within.scorecard, kpis=demo_within.kpis)
    assert model.grades(model.scores(model.weights)).tolist() == card["grade"].tolist()
    W = sc.draw_weights(model, draws=30, seed=5, concentration=20)
    want = brute_counts(model, W.to_numpy())
    sim = sc.simulate(model, W, chunk=8)
    assert sim.grade_counts.tolist() == want["grade"].tolist()
    for role, kpi in (("agent", "revenue"), ("team_lead", "csat")):
        one = sc.score_model(demo_within.scorecard, role=role, kpis=demo_within.kpis)
        check_sweep_against_grid(sc.sweep(one, kpi), one, grid=2001)
    table = sc.compare_scenarios(demo_within.scorecard, kpis=demo_within.kpis).table
    base = table[table["scenario"] == "baseline"].set_index("employee_id")["grade"]
    assert base.reindex(card["employee_id"].astype(str)).tolist() == card["grade"].tolist()


def test_a_grading_passed_to_an_analysis_brings_its_own_groups(demo, demo_within):
    """simulate(model, W, grading=...) kept the model's grade groups: a company-wide
    grading passed to a model graded within each role was still applied per role, and the
    other way round not at all. The groups now follow the grading passed (by role, where
    the model has none of its own)."""
    from salesperf_kit.params import Grading

    shares = {"A": 0.2, "B": 0.7, "C": 0.1}
    company, by_role = Grading(method="forced", distribution=shares), \
        Grading(method="forced", distribution=shares, within="role")
    roles = pd.Series(demo.scorecard.table["role"].astype(str).to_numpy(),
                      index=demo.scorecard.table["employee_id"].astype(str))
    for inputs, grading, groups in ((demo_within, company, None), (demo, by_role, roles)):
        model = sc.score_model(inputs.scorecard, kpis=inputs.kpis)
        W = sc.draw_weights(model, draws=12, seed=3, concentration=20).to_numpy()
        want = np.zeros((len(model.people), 3), dtype=int)
        for w in W:
            s = pd.Series(model.scores(w), index=model.people.index)
            g = assign_grades(s, grading, None if groups is None else groups.reindex(s.index))
            want += np.stack([(g == lab).to_numpy() for lab in shares], axis=1)
        assert sc.simulate(model, W, grading=grading).grade_counts.tolist() == want.tolist()


def test_rank_quantiles_from_the_histogram():
    """A person ranked 1, 1, 2, 3 and 5 in five scenarios: the median is the smallest rank
    reached by half of them (1, 1, 2 -> 2); the 5 % quantile 1; the 95 % quantile 5."""
    sim = sc.Simulation(pd.Index(["P"]), 5, [], np.zeros((1, 0)), 1, np.array([2]), np.array([12.0]),
                        np.array([0]), np.array([[2, 1, 1, 0, 1]]))
    p = sim.probabilities().iloc[0]
    assert (p["rank_p05"], p["rank_median"], p["rank_p95"], p["rank_mean"]) == (1, 2, 5, 2.4)


# ============================================================================= rank correlations
def test_rank_correlations_by_hand():
    """Baseline order 1 2 3 4, scenario 1 3 2 4: of the 6 pairs, 5 concordant and 1
    discordant -> tau = (5 - 1) / 6 = 2/3; rank differences 0, 1, 1, 0 ->
    rho = 1 - 6 x 2 / (4 x 15) = 0.8."""
    tau, rho = sc.rank_correlations([4, 3, 2, 1], [[4, 2, 3, 1], [4, 3, 2, 1]])
    assert tau == pytest.approx([2 / 3, 1.0])
    assert rho == pytest.approx([0.8, 1.0])


def test_rank_correlations_with_ties_agree_with_scipy():
    from scipy import stats

    rng = np.random.default_rng(1)
    base = rng.choice([1.0, 2.0, 3.0], size=30)
    S = rng.choice([1.0, 2.0, 3.0, 4.0], size=(6, 30))
    tau, rho = sc.rank_correlations(base, S)
    for r in range(6):
        assert tau[r] == pytest.approx(stats.kendalltau(base, S[r]).statistic)
        assert rho[r] == pytest.approx(stats.spearmanr(base, S[r]).statistic)
    # float noise does not break a tie
    tau, _ = sc.rank_correlations([1.0, 1.0, 2.0], [[1.0, 1.0 + 1e-13, 2.0]])
    assert tau[0] == pytest.approx(1.0)


# ============================================================================= draws and Monte Carlo
def test_draws_are_reproducible_and_respect_the_plan(hand):
    w = pd.Series({"x": 0.4, "y": 0.6})
    a = sc.draw_weights(hand, w, draws=4000, concentration=50, seed=11)
    b = sc.draw_weights(hand, w, draws=4000, concentration=50, seed=11)
    pd.testing.assert_frame_equal(a, b)
    assert not a.equals(sc.draw_weights(hand, w, draws=4000, concentration=50, seed=12))
    assert a.sum(axis=1).to_numpy() == pytest.approx(np.ones(4000))
    # Dirichlet(50 w): mean w, var w (1 - w) / 51 -> sd of x = sqrt(0.24 / 51) = 0.0686
    assert a["x"].mean() == pytest.approx(0.4, abs=0.005)
    assert a["x"].std() == pytest.approx(math.sqrt(0.24 / 51), rel=0.06)
    u = sc.draw_weights(hand, w, draws=4000, method="uniform", seed=1)
    assert u["x"].mean() == pytest.approx(0.5, abs=0.02)        # uniform on the simplex
    assert u["x"].std() == pytest.approx(math.sqrt(1 / 12), rel=0.06)
    zero = sc.draw_weights(pd.DataFrame({"x": [1.0], "y": [2.0], "z": [3.0]}), {"x": 0.5, "y": 0.5, "z": 0.0},
                           draws=50)
    assert (zero["z"] == 0).all()


def test_monte_carlo_is_deterministic_and_sensible(demo):
    model = sc.score_model(demo.scorecard, role="agent", kpis=demo.kpis)
    a = sc.monte_carlo(model, draws=300, seed=4)
    b = sc.monte_carlo(model, draws=300, seed=4)
    pd.testing.assert_frame_equal(a.people, b.people)
    assert np.array_equal(a.tau, b.tau) and a.median_tau == b.median_tau
    c = sc.monte_carlo(model, draws=300, seed=5)
    assert not np.array_equal(a.tau, c.tau)
    p = a.people
    grades = [f"p_{g}" for g in a.grades]
    assert p[grades].sum(axis=1).to_numpy() == pytest.approx(np.ones(len(p)))
    assert 0.5 < a.median_tau < 1.0
    # team leads' weights are not varied, but they stay in the ranking
    assert set(p["role"]) == {"agent", "team_lead"}
    # almost no spread: everyone keeps grade and place
    still = sc.monte_carlo(model, draws=50, concentration=1e9, seed=1)
    assert (still.people["p_same_grade"] == 1).all()
    assert still.median_tau == pytest.approx(1.0)
    top = still.people.sort_values("rank").head(model.top_k)
    assert (top["p_top_k"] == 1).all()
    # uniform weights shake the ranking more than Dirichlet(50) around the plan
    assert sc.monte_carlo(model, draws=300, method="uniform", seed=4).median_tau < a.median_tau


# ============================================================================= the model
def test_model_reproduces_the_scorecard(demo):
    model = sc.score_model(demo.scorecard, kpis=demo.kpis)
    got = model.scores(model.weights)
    assert got == pytest.approx(demo.scorecard.table["score"].to_numpy(), abs=1e-9)
    assert model.notes == []
    assert model.columns[0].count("/") == 1            # role/kpi columns with two roles
    with pytest.raises(ScoringError, match="roles|role"):
        model.column("revenue")                         # weighted by both roles


def test_score_model_on_a_plain_matrix(hand):
    model = sc._model(hand, {"x": 0.4, "y": 0.6}, grading=THRESHOLDS)
    assert model.people["score"].tolist() == pytest.approx([40, 60, 42])
    assert model.people["rank"].tolist() == [3, 1, 2]
    assert model.people["grade"].tolist() == ["B", "A", "B"]


# ============================================================================= sweep
def test_sweep_by_hand(hand):
    """Scores as x's weight t goes from 0 to 1 (y's weight 1 - t):
    P1 = 100 t, P2 = 100 (1 - t), P3 = 60 t + 30 (1 - t) = 30 + 30 t.
    Crossings: P1 = P3 at 100 t = 30 + 30 t -> t = 3/7; P1 = P2 at t = 1/2;
    P2 = P3 at 100 - 100 t = 30 + 30 t -> t = 7/13.
    At t = 0.4: P2 60 (1st), P3 42 (2nd), P1 40 (3rd).
    P1 keeps 3rd on [0, 3/7], P3 keeps 2nd on [0, 3/7], P2 keeps 1st on [0, 1/2].
    Top 1: P2 in it on [0, 1/2]; P1 out of it until it passes P2 at 1/2; P3 never in.
    Grade A at >= 50: P1 (B) on [0, 1/2] (100 t = 50); P2 (A) on [0, 1/2];
    P3 (B) until 30 + 30 t = 50 -> t = 2/3."""
    s = sc.sweep(hand, {"x": 0.4, "y": 0.6}, "x", grading=THRESHOLDS, top_k=1)
    p = s.people
    assert s.weight == pytest.approx(0.4)
    assert p.index.tolist() == ["P2", "P3", "P1"]
    assert p["rank"].tolist() == [1, 2, 3]
    assert p.loc["P1", ["rank_from", "rank_to"]].tolist() == pytest.approx([0, 3 / 7])
    assert p.loc["P3", ["rank_from", "rank_to"]].tolist() == pytest.approx([0, 3 / 7])
    assert p.loc["P2", ["rank_from", "rank_to"]].tolist() == pytest.approx([0, 0.5])
    assert p.loc["P2", ["top_k_from", "top_k_to"]].tolist() == pytest.approx([0, 0.5])
    assert p.loc["P1", ["top_k_from", "top_k_to"]].tolist() == pytest.approx([0, 0.5])
    assert p.loc["P3", ["top_k_from", "top_k_to"]].tolist() == pytest.approx([0, 1])
    assert p["grade"].tolist() == ["A", "B", "B"]
    assert p.loc["P1", ["grade_from", "grade_to"]].tolist() == pytest.approx([0, 0.5])
    assert p.loc["P3", ["grade_from", "grade_to"]].tolist() == pytest.approx([0, 2 / 3])
    assert p.loc["P2", ["grade_from", "grade_to"]].tolist() == pytest.approx([0, 0.5])
    c = s.crossings
    assert c["weight"].tolist() == pytest.approx([3 / 7, 0.5, 7 / 13])
    assert list(zip(c["rises"], c["falls"])) == [("P1", "P3"), ("P1", "P2"), ("P3", "P2")]
    assert s.first_place().name == "P2" and s.first_place()["rank_to"] == pytest.approx(0.5)
    assert s.scores([0.0, 1.0]).to_numpy().ravel() == pytest.approx([0, 100, 30, 100, 0, 60])


def check_sweep_against_grid(s: sc.Sweep, model: sc.ScoreModel, grid: int = 4001) -> None:
    """Brute force: score everyone on a dense grid of the weight with ScoreModel.scores
    (the plain weighted sum with redistribution and the scorer's later steps, not the
    sweep's polynomials), then check the intervals and the crossings."""
    col = s.column
    block = [c for c in model.columns if model.role_of[c] == s.role]
    base = model.weights[block] / model.weights[block].sum()
    t = np.linspace(0, 1, grid)
    W = np.tile(model.weights.to_numpy(), (grid, 1))
    for c in block:
        j = model.columns.index(c)
        W[:, j] = t if c == col else base[c] * (1 - t) / (1 - base[col])
    S = model.scores(W)
    # at t = 0 (or 1) someone whose only KPIs then weigh 0 has no score (and leaves the team
    # mean); the sweep shows the limit there
    rows = np.isfinite(S).all(axis=1)
    assert rows[1:-1].all()
    assert S[rows] == pytest.approx(s.scores(t).to_numpy()[rows], abs=1e-8)
    R = sc.rank_matrix(S, tie="min")
    G = sc.grade_matrix(S, model.grading, groups=model.grade_groups) if model.grading is not None else None
    step = 1 / (grid - 1)
    ids = list(model.people.index)
    for e, row in s.people.dropna(subset=["rank"]).iterrows():
        i = ids.index(e)
        inside = (t > row["rank_from"] + step) & (t < row["rank_to"] - step)
        assert (R[inside, i] == row["rank"]).all(), e
        for edge, beyond in ((row["rank_to"], t > row["rank_to"] + step),
                             (row["rank_from"], t < row["rank_from"] - step)):
            if beyond.any() and 0 < edge < 1:
                near = beyond & (np.abs(t - edge) < 3 * step)
                assert (R[near, i] != row["rank"]).any(), (e, edge)
        inside = (t > row["top_k_from"] + step) & (t < row["top_k_to"] - step)
        assert ((R[inside, i] <= s.top_k) == row["in_top_k"]).all(), e
        if "grade" in row:
            inside = (t > row["grade_from"] + step) & (t < row["grade_to"] - step)
            assert (G[inside, i] == row["grade"]).all(), e
            beyond = (t > row["grade_to"] + step) & (t < row["grade_to"] + 3 * step) & rows
            assert row["grade_to"] >= 1 - step or (G[beyond, i] != row["grade"]).any(), e
    # every sign change of a pair's score difference between grid points is a listed crossing
    pos = {e: k for k, e in enumerate(ids)}
    listed = [(w, pos[a], pos[b]) for w, a, b in zip(s.crossings["weight"], s.crossings["rises"], s.crossings["falls"])]
    tf, Sf = t[rows], S[rows]
    D = np.sign(np.round(Sf[:, :, None] - Sf[:, None, :], 9))
    flips = np.argwhere((D[1:] * D[:-1]) < 0)
    for k, a, b in flips:
        if a < b:
            assert any(tf[k] - 1e-9 <= w <= tf[k + 1] + 1e-9 and {x, y} == {a, b} for w, x, y in listed), (tf[k], a, b)
    for w, a, b in listed:
        k = min(int(w / step), grid - 2)
        lo, hi = max(k - 1, 0), min(k + 2, grid - 1)
        assert S[lo, a] <= S[lo, b] + 1e-9 and S[hi, a] >= S[hi, b] - 1e-9


def test_sweep_matches_brute_force_with_missing_values():
    rng = np.random.default_rng(2)
    N = pd.DataFrame(rng.uniform(0, 100, size=(14, 4)), columns=["a", "b", "c", "d"],
                     index=[f"E{i}" for i in range(14)])
    N.iloc[0, 0] = np.nan      # no value for the swept KPI: constant score
    N.iloc[1, 1:] = np.nan     # only the swept KPI
    N.iloc[2, 2] = np.nan      # part of the others: a ratio of two lines
    model = sc._model(N, [0.3, 0.3, 0.2, 0.2], grading=THRESHOLDS, top_k=3)
    s = sc.sweep(model, "a")
    assert len(s.crossings) > 10
    check_sweep_against_grid(s, model)


def test_sweep_matches_brute_force_on_the_demo_scorecard(demo):
    """Team blend, ratings, bonuses and a forced distribution; the leads' csat can be missing."""
    for role, kpi in (("agent", "revenue"), ("team_lead", "csat")):
        model = sc.score_model(demo.scorecard, role=role, kpis=demo.kpis)
        s = sc.sweep(model, kpi)
        check_sweep_against_grid(s, model, grid=2001)
        assert s.scores([s.weight]).to_numpy()[0] == pytest.approx(demo.scorecard.table["score"].to_numpy())


def test_sweep_in_top_k_is_a_boolean_column(hand):
    """At 0.4 / 0.6 the scores are P1 40, P2 60, P3 42: with top_k=1 only P2 is in. The
    column is a (nullable) boolean, so that ``people[~people["in_top_k"]]`` lists the others;
    as an object column, ``~True`` was -2."""
    p = sc.sweep(hand, {"x": 0.4, "y": 0.6}, "x", top_k=1).people
    assert p["in_top_k"].dtype == "boolean"
    assert p.index[p["in_top_k"]].tolist() == ["P2"]
    assert p.index[~p["in_top_k"]].tolist() == ["P3", "P1"]


def test_sweep_refuses_a_kpi_with_all_the_weight(hand):
    with pytest.raises(ScoringError, match="all of the role's weight"):
        sc.sweep(hand, {"x": 1.0, "y": 0.0}, "x")
    with pytest.raises(ScoringError, match="not a weighted KPI"):
        sc.sweep(sc._model(hand, {"x": 0.5, "y": 0.5}), "revenue")


# ============================================================================= sensitivity
def test_oat_ranges_by_hand(hand):
    """P3's score with x's weight at 0.4 x 0.5 = 0.2 (y 0.8): 0.2 x 60 + 0.8 x 30 = 36;
    at 0.4 x 1.5 = 0.6 (y 0.4): 36 + 12 = 48; baseline 42; swing 12. For y (0.6 -> 0.3 and
    0.9): 0.7 x 60 + 0.3 x 30 = 51 and 0.1 x 60 + 0.9 x 30 = 33, swing 18, listed first."""
    o = sc.oat_ranges(hand, {"x": 0.4, "y": 0.6}, output="score:P3", spread=0.5)
    assert o["kpi"].tolist() == ["y", "x"]
    assert o[["output_low", "output_high", "swing"]].to_numpy().ravel() == pytest.approx([51, 33, 18, 36, 48, 12])
    assert o["base"].to_numpy() == pytest.approx([42, 42])
    rank_p3 = sc.oat_ranges(hand, {"x": 0.4, "y": 0.6}, output=("rank", "P3"))
    assert set(rank_p3["base"]) == {2.0}


def test_oat_swing_counts_both_ends_moving_the_same_way():
    """P keeps 50 points whatever the weights; A (x 80, y 12) and B (x 10, y 80) score 46
    and 45 at 0.5 / 0.5, so P is first. x at 0.25 (y 0.75): B 2.5 + 60 = 62.5 passes P;
    x at 0.75 (y 0.25): A 60 + 3 = 63 passes P. P's rank is 2 at both ends and 1 at the
    plan's weights: the weight moves P by one place, a swing of 2 - 1 = 1, not |2 - 2| = 0."""
    pts = pd.DataFrame({"x": [50.0, 80.0, 10.0], "y": [50.0, 12.0, 80.0]}, index=["P", "A", "B"])
    o = sc.oat_ranges(pts, {"x": 0.5, "y": 0.5}, output="rank:P", spread=0.5)
    row = o.set_index("kpi").loc["x"]
    assert (row["output_low"], row["base"], row["output_high"]) == (2.0, 1.0, 2.0)
    assert row["swing"] == pytest.approx(1.0)


def test_tornado_shows_both_ends_when_they_move_the_same_way():
    """The rank of P (see the test above) is 2 with x's weight lowered and 2 with it raised,
    1 at the plan: both bars go from 1 to 2 (width 1). Drawn on the same row, the second
    hid the first; each end has its own half of the row, so both are seen."""
    import matplotlib.pyplot as plt

    pts = pd.DataFrame({"x": [50.0, 80.0, 10.0], "y": [50.0, 12.0, 80.0]}, index=["P", "A", "B"])
    ax = sc.tornado(sc.oat_ranges(pts, {"x": 0.5, "y": 0.5}, output="rank:P", spread=0.5), language="en")
    low, high = ax.containers
    for a, b in zip(low.patches, high.patches):
        assert a.get_width() == pytest.approx(1.0) and b.get_width() == pytest.approx(1.0)
        ya, yb = sorted([(a.get_y(), a.get_y() + a.get_height()), (b.get_y(), b.get_y() + b.get_height())])
        assert ya[1] <= yb[0] + 1e-12   # side by side, not on top of each other
    plt.close(ax.figure)


def test_sensitivity_sobol_and_morris(hand):
    """P3 = 60 x share of x + 30 x share of y: both weights matter; P1's score only
    through the x/y split. A person with equal points on both KPIs never moves: NaN or 0."""
    N = hand.assign(z=[10.0, 20.0, 30.0])
    w = {"x": 0.6, "y": 0.3, "z": 0.1}
    a = sc.sensitivity(N, w, output="score:P1", samples=128, seed=3)
    b = sc.sensitivity(N, w, output="score:P1", samples=128, seed=3)
    pd.testing.assert_frame_equal(a, b)
    assert list(a.columns) == ["kpi", "weight", "S1", "S1_conf", "ST", "ST_conf"]
    assert a["ST"].iloc[0] > a["ST"].iloc[-1]
    m = sc.sensitivity(N, w, output="stability", method="morris", samples=30, seed=3)
    assert {"mu_star", "sigma"} <= set(m.columns) and m["mu_star"].ge(0).all()
    # P1 = 100 f_x / (f_x + f_y) with both factors on [0.5, 1.5]: symmetric, equal indices
    sym = sc.sensitivity(hand, {"x": 0.5, "y": 0.5}, output="score:P1", samples=512, seed=1).set_index("kpi")
    assert sym.loc["x", "ST"] == pytest.approx(sym.loc["y", "ST"], abs=0.1)
    assert sym["S1"].sum() == pytest.approx(1.0, abs=0.15)        # almost additive on this range
    flat = sc.sensitivity(pd.DataFrame({"x": [50.0, 1.0], "y": [50.0, 2.0]}), {"x": 0.5, "y": 0.5},
                          output="score:0", samples=64)
    assert flat["ST"].fillna(0).abs().max() < 1e-9
    with pytest.raises(ScoringError, match="output"):
        sc.sensitivity(N, w, output="everything")


# ============================================================================= data-driven weights
@pytest.mark.parametrize("call, message", [
    (lambda h: sc.oat_ranges(h, {"x": 0.4, "y": 0.6}, spread=1.5),
     "spread=1.5: the spread is the share by which each weight is varied either way, so it must be above 0 and at "
     "most 1. Fix: spread=0.5 varies each weight from 0.5 to 1.5 times the plan's."),
    (lambda h: sc.sensitivity(h, {"x": 0.4, "y": 0.6}, samples=100),
     "samples=100: Sobol' sampling needs a power of 2 (its sequence is balanced only at 2, 4, 8, ...). "
     "Fix: samples=64 or samples=128."),
])
def test_a_sensitivity_argument_out_of_range_is_named(hand, call, message):
    with pytest.raises(ScoringError) as err:
        call(hand)
    assert str(err.value) == message


def test_entropy_weights_worked_by_hand():
    """Raw variant, three people, columns (1, 1, 1), (1, 1, 2), (0, 1, 1).

    Column 1: p = 1/3 each -> e = ln 3 / ln 3 = 1, d = 0.
    Column 2: p = (0.25, 0.25, 0.5) -> H = 0.5 ln 4 + 0.5 ln 2 = 1.5 ln 2 = 1.039721;
              e = 1.039721 / ln 3 (1.098612) = 0.946395, d = 0.053605.
    Column 3: p = (0, 0.5, 0.5) -> H = ln 2 = 0.693147 (0 ln 0 = 0); e = 0.630930,
              d = 0.369070.
    w = d / (0.053605 + 0.369070 = 0.422675) = (0, 0.126824, 0.873176).

    Normalised variant (direction first): a = (10, 20, 30) up, b = (1, 2, 3) down,
    c = (5, 7, 7) up -> (0, .5, 1), (1, .5, 0), (0, 1, 1). a and b: p = (0, 1/3, 2/3),
    H = ln 3 - (2/3) ln 2 = 0.636514, e = 0.579380, d = 0.420620; c: d = 0.369070 as above.
    w = (0.420620, 0.420620, 0.369070) / 1.210310 = (0.347531, 0.347531, 0.304939)."""
    raw = sc.entropy_weights(np.array([[1, 1, 0], [1, 1, 1], [1, 2, 1.0]]), variant="raw")
    assert raw.tolist() == pytest.approx([0.0, 0.126824, 0.873176], abs=1e-6)
    X = pd.DataFrame({"a": [10, 20, 30], "b": [1, 2, 3], "c": [5, 7, 7]})
    norm = sc.entropy_weights(X, higher_is_better={"a": True, "b": False, "c": True})
    assert norm.tolist() == pytest.approx([0.347531, 0.347531, 0.304939], abs=1e-6)
    # catalogue directions: complaint_rate is lower-is-better, so its best value is the minimum
    kpi = pd.DataFrame({"revenue": [10, 20, 30], "complaint_rate": [0.3, 0.2, 0.1]})
    assert sc.entropy_weights(kpi).tolist() == pytest.approx([0.5, 0.5])


def test_data_driven_weights_with_nobody_complete_are_nan_not_a_crash():
    """Each person misses one KPI (a lead-funnel export: no revenue for one rep, no new
    customers for the other), so no row is complete: m = 0 people, and entropy and CRITIC
    have nothing to weigh. Too little data gives NaN, as with one person, not numpy's
    'zero-size array to reduction operation minimum'."""
    X = pd.DataFrame({"revenue": [np.nan, 10.0], "new_customers": [3.0, np.nan]}, index=["P1", "P2"])
    entropy = sc.entropy_weights(X)
    assert entropy.isna().all() and entropy.attrs["people"] == 0
    assert sc.entropy_weights(X.fillna(1.0).iloc[:0]).isna().all()
    assert sc.critic_weights(X).isna().all()


def test_entropy_weights_reproduce_xu_2004():
    """Xu, X. (2004). A note on the subjective and objective integrated approach to
    determine attribute weights. European Journal of Operational Research 156(2), 530-532:
    entropy weights of the raw decision matrix below, 0.4630, 0.3992, 0.1378, 0.0000 (the
    raw-values variant, p_ij = x_ij / sum_i x_ij)."""
    X = np.array([[30, 30, 38, 29], [19, 54, 86, 29], [19, 15, 85, 28.9], [68, 70, 60, 29]])
    got = sc.entropy_weights(X, variant="raw")
    assert got.round(4).tolist() == [0.4630, 0.3992, 0.1378, 0.0000]


def test_critic_weights_worked_by_hand():
    """a = (10, 20, 30) up, b = (1, 2, 3) down, c = (5, 7, 6) up, min-max with direction:
    a' = (0, .5, 1), b' = (1, .5, 0), c' = (0, 1, .5). sd (ddof 1) = 0.5 for each.
    r_ab = -1; r_ac = [(-.5)(-.5) + 0 + (.5)(0)] / 2 / 0.25 = 0.5; r_bc = -0.5.
    C_a = 0.5 x (2 + 0.5) = 1.25; C_b = 0.5 x (2 + 1.5) = 1.75; C_c = 0.5 x (0.5 + 1.5) = 1.
    w = (1.25, 1.75, 1) / 4 = (0.3125, 0.4375, 0.25)."""
    X = pd.DataFrame({"a": [10, 20, 30], "b": [1, 2, 3], "c": [5, 7, 6]})
    got = sc.critic_weights(X, higher_is_better={"a": True, "b": False, "c": True})
    assert got.tolist() == pytest.approx([0.3125, 0.4375, 0.25])
    assert got.attrs["information"].tolist() == pytest.approx([1.25, 1.75, 1.0])


def test_critic_weights_reproduce_tus_and_aytac_adali_2019():
    """CRITIC (Diakoulaki, Mavrotas & Papayannakis 1995, Computers & Operations Research
    22(7), 763-770) as applied by Tuş, A. & Aytaç Adalı, E. (2019), The new combination
    with CRITIC and WASPAS methods for the time and attendance software selection problem,
    OPSEARCH 56(2), 528-538: weights 0.157, 0.249, 0.168, 0.121, 0.154, 0.151. The
    published weights are those of min-max normalising every column upward, (x - min) /
    (max - min), which is what higher_is_better=True gives."""
    X = np.array([[5000, 3, 3, 4, 3, 2], [680, 5, 3, 2, 2, 1], [2000, 3, 2, 3, 4, 3],
                  [600, 4, 3, 1, 2, 2], [800, 2, 4, 3, 3, 4]], dtype=float)
    got = sc.critic_weights(X, higher_is_better=True)
    assert got.round(3).tolist() == [0.157, 0.249, 0.168, 0.121, 0.154, 0.151]


def test_ahp_weights_worked_by_hand():
    """Saaty's random index (Saaty 1980): RI(3) = 0.58, RI(4) = 0.90.

    A = [[1, 3, 5], [1/3, 1, 3], [1/5, 1/3, 1]]. For a 3 x 3 reciprocal matrix the principal
    eigenvector equals the normalised row geometric means (Crawford & Williams 1985):
    (15^(1/3), 1, (1/15)^(1/3)) = (2.466212, 1, 0.405480), sum 3.871692 ->
    w = (0.636986, 0.258285, 0.104729); and lambda_max = 1 + (a13 / (a12 a23))^(1/3) +
    (a12 a23 / a13)^(1/3) = 1 + (5/9)^(1/3) + (9/5)^(1/3) = 1 + 0.822070 + 1.216440 =
    3.038511; CI = 0.038511 / 2 = 0.019256; CR = 0.019256 / 0.58 = 0.0332 <= 0.1."""
    r = sc.ahp_weights([[1, 3, 5], [1 / 3, 1, 3], [1 / 5, 1 / 3, 1]], names=["revenue", "calls", "csat"])
    assert r.weights.tolist() == pytest.approx([0.636986, 0.258285, 0.104729], abs=1e-6)
    assert r.lambda_max == pytest.approx(3.038511, abs=1e-6)
    assert (r.ci, r.cr, r.ri, r.consistent) == (pytest.approx(0.019256, abs=1e-6), pytest.approx(0.0332, abs=1e-4),
                                                0.58, True)
    assert sc.ahp_weights([[1, 3, 5], [1 / 3, 1, 3], [1 / 5, 1 / 3, 1]], method="geometric").weights.tolist() == \
        pytest.approx(r.weights.tolist())
    # a consistent 4 x 4 (a_ij = w_i / w_j for w = 8, 4, 2, 1 over 15): lambda = 4, CR = 0
    w = np.array([8, 4, 2, 1]) / 15
    c = sc.ahp_weights(np.outer(w, 1 / w))
    assert c.weights.tolist() == pytest.approx(w.tolist())
    assert (c.lambda_max, c.cr, c.ri) == (pytest.approx(4.0), pytest.approx(0.0, abs=1e-12), 0.90)
    # cyclic judgements (1 beats 2 beats 3 beats 1, each by 9): a = 9, b = 9, c = 1/9 ->
    # lambda = 1 + (1/729)^(1/3) + 729^(1/3) = 1 + 1/9 + 9 = 10.111; CR = 3.5556 / 0.58 = 6.13
    bad = sc.ahp_weights([[1, 9, 1 / 9], [1 / 9, 1, 9], [9, 1 / 9, 1]])
    assert bad.lambda_max == pytest.approx(1 + 1 / 9 + 9)
    assert bad.cr == pytest.approx((1 / 9 + 7) / 2 / 0.58) and not bad.consistent
    assert bad.weights.tolist() == pytest.approx([1 / 3] * 3)
    assert sc.SAATY_RI == {1: 0.0, 2: 0.0, 3: 0.58, 4: 0.90, 5: 1.12, 6: 1.24, 7: 1.32, 8: 1.41, 9: 1.45, 10: 1.49}


def test_ahp_rejects_malformed_matrices():
    with pytest.raises(ScoringError, match="reciprocal"):
        sc.ahp_weights([[1, 3], [3, 1]])
    with pytest.raises(ScoringError, match="square"):
        sc.ahp_weights([[1, 2, 3], [0.5, 1, 2]])
    with pytest.raises(ScoringError, match="too large"):
        sc.ahp_weights(np.ones((11, 11)))
    assert sc.ahp_weights([[1, 0.3333], [3, 1]]).cr == 0.0    # 2 x 2: always consistent


def test_topsis_reproduces_papathanasiou_and_ploskas():
    """Papathanasiou, J. & Ploskas, N. (2018). Multiple Criteria Decision Aid: Methods,
    Examples and Python Implementations, ch. 1 (TOPSIS), Springer: 6 alternatives, 4
    benefit criteria, weights 0.4 / 0.3 / 0.1 / 0.2, vector normalisation; closeness 0.387,
    0.327, 0.391, 0.615, 0.868, 0.493."""
    X = np.array([[8, 7, 2, 1], [5, 3, 7, 5], [7, 5, 6, 4], [9, 9, 7, 3], [11, 10, 3, 7], [6, 9, 5, 4]], float)
    got = sc.topsis(X, [0.4, 0.3, 0.1, 0.2], higher_is_better=True)
    assert got["closeness"].round(3).tolist() == [0.387, 0.327, 0.391, 0.615, 0.868, 0.493]
    assert got["rank"].tolist() == [5, 6, 4, 2, 1, 3]


def test_topsis_fighter_aircraft_worked_by_hand():
    """Hwang & Yoon (1981), the fighter-aircraft example: speed, range, payload, cost
    (lower is better), reliability, manoeuvrability; weights .2 .1 .1 .1 .2 .3.

    Column norms sqrt(sum x^2): 4.2814, 4096.34, 39560.08, 10.8513, 10.3923, 13.4164.
    Weighted normalised v for A1: .2 x 2/4.2814 = .0934, .1 x 1500/4096.34 = .0366,
    .1 x 20000/39560.08 = .0506, .1 x 5.5/10.8513 = .0507, .2 x 5/10.3923 = .0962,
    .3 x 9/13.4164 = .2012. Ideal (max; min for cost): .1168, .0659, .0531, .0415, .1347,
    .2012; anti-ideal: .0841, .0366, .0455, .0599, .0577, .1118.
    S+(A1) = sqrt(.0234^2 + .0293^2 + .0025^2 + .0092^2 + .0385^2 + 0) = .0546;
    S-(A1) = sqrt(.0093^2 + 0 + .0051^2 + .0092^2 + .0385^2 + .0894^2) = .0984;
    C(A1) = .0984 / (.0546 + .0984) = .643. Likewise C = .268 (A2), .614 (A3), .312 (A4):
    A1 > A3 > A4 > A2."""
    X = pd.DataFrame([[2.0, 1500, 20000, 5.5, 5, 9], [2.5, 2700, 18000, 6.5, 3, 5],
                      [1.8, 2000, 21000, 4.5, 7, 7], [2.2, 1800, 20000, 5.0, 5, 5]],
                     columns=["speed", "range", "payload", "cost", "reliability", "manoeuvrability"],
                     index=["A1", "A2", "A3", "A4"])
    hib = {"speed": True, "range": True, "payload": True, "cost": False, "reliability": True, "manoeuvrability": True}
    got = sc.topsis(X, [0.2, 0.1, 0.1, 0.1, 0.2, 0.3], higher_is_better=hib)
    assert got.loc["A1", ["s_plus", "s_minus"]].round(4).tolist() == [0.0546, 0.0984]
    assert got["closeness"].round(3).tolist() == [0.643, 0.268, 0.614, 0.312]
    assert got["rank"].tolist() == [1, 4, 2, 3]


def test_data_driven_weights_next_to_the_plan(demo):
    params = demo.params.model_dump(exclude={"source"})
    order = list(demo.scorecard.weights["team_lead"])
    # revenue 3x close_rate, 5x csat, 5x collaboration; the rest equal
    params["scenarios"]["ahp"] = {"team_lead": {"matrix": [[1, 3, 5, 5], [1 / 3, 1, 2, 2], [0.2, 0.5, 1, 1],
                                                            [0.2, 0.5, 1, 1]]}}
    card = demo.scorecard
    card.params, saved = params_from_dict(params), card.params
    try:
        t = sc.data_driven_weights(card, "team_lead")
    finally:
        card.params = saved
    assert t.index.tolist() == order
    for col in ("plan", "entropy", "critic", "ahp"):
        assert t[col].sum() == pytest.approx(1.0)
    assert t["ahp"].idxmax() == "revenue" and t.attrs["ahp"].consistent
    # the notes in the plan's language (zh), or as asked
    assert t.attrs["notes"][-1].endswith("（Saaty 随机一致性指标 RI(4) = 0.90）：一致（CR ≤ 0.1）。")
    card.params = params_from_dict(params)
    try:
        en = sc.data_driven_weights(card, "team_lead", language="en")
    finally:
        card.params = saved
    assert en.attrs["notes"][-1].endswith("(Saaty's random index RI(4) = 0.90): consistent (CR <= 0.1).")
    agents = sc.data_driven_weights(card, "agent", source="normalised")
    # the shipped telesales plan compares 4 of the agent's KPIs: AHP weighs exactly those
    assert agents["ahp"].dropna().index.tolist() == ["revenue", "close_rate", "calls", "csat"]
    assert agents["ahp"].sum() == pytest.approx(1.0) and agents.attrs["people"] > 40
    ranking = sc.topsis_ranking(card, "agent")
    assert ranking["topsis"].between(0, 1).all() and len(ranking) == (card.table["role"] == "agent").sum()


# ============================================================================= named scenarios
def test_scenario_weights_what_if_and_phase(demo):
    w, notes = sc.scenario_weights(demo.params, demo.scorecard, what_if={"rev": {"agent": {"revenue": 0.30}}})
    assert w["launch"]["agent"] == {"revenue": 0.2, "calls": 0.3, "connect_rate": 0.2, "effective_talk_minutes": 0.3}
    assert w["launch"]["team_lead"] == demo.scorecard.weights["team_lead"]
    # revenue 0.35 -> 0.30: the other 0.65 become 0.70, each x 0.70 / 0.65
    assert w["rev"]["agent"]["revenue"] == 0.30
    assert w["rev"]["agent"]["close_rate"] == pytest.approx(0.15 * 0.70 / 0.65)
    assert sum(w["rev"]["agent"].values()) == pytest.approx(1.0)
    assert notes == []
    with pytest.raises(ScoringError, match="nobody"):
        sc.scenario_weights(demo.params, demo.scorecard, what_if={"x": {"boss": {"revenue": 0.3}}})
    bad = demo.params.model_dump(exclude={"source"})
    bad["scenarios"]["scenarios"] = {"p": {"phase": "lanch"}}
    with pytest.raises(ParamsError, match="Did you mean 'launch'"):
        sc.scenario_weights(params_from_dict(bad), demo.scorecard)


def _client(tmp_path, text: str):
    """A client plan extending the shipped telesales plan with ``text`` (YAML)."""
    path = tmp_path / "client.yaml"
    path.write_text("extends: telesales\n" + text, encoding="utf-8")
    return load_params(path)


def test_a_scenario_role_that_is_no_role_is_an_error_at_its_line(demo, tmp_path):
    params = _client(tmp_path, "scenarios:\n  scenarios:\n    bad:\n      roles:\n"
                               "        agnet: {revenue: 1}\n")
    with pytest.raises(ParamsError) as err:
        sc.scenario_weights(params, demo.scorecard)
    assert str(err.value) == (
        f"{tmp_path / 'client.yaml'}: scenarios.scenarios.bad.roles.agnet (line 6): 'agnet' is not a role of the "
        "plan (scoring.roles: agent, team_lead). Did you mean 'agent'? Fix: write one of the roles (or its label, "
        "e.g. 坐席 for agent), or delete the role from the scenario.")


def test_a_scenario_role_written_as_its_label_is_that_role(demo, tmp_path):
    by_name = _client(tmp_path, "scenarios:\n  scenarios:\n    s:\n      roles:\n        agent: {revenue: 1}\n")
    expected = sc.scenario_weights(by_name, demo.scorecard)[0]["s"]["agent"]
    assert expected != demo.scorecard.weights["agent"]
    for written in ("坐席", "Agent"):
        params = _client(tmp_path, f"scenarios:\n  scenarios:\n    s:\n      roles:\n        {written}: {{revenue: 1}}\n")
        w, notes = sc.scenario_weights(params, demo.scorecard, what_if={"q": {written: {"revenue": 0.30}}})
        assert w["s"]["agent"] == expected and notes == []
        assert w["q"]["agent"]["revenue"] == 0.30


def test_an_inherited_scenario_for_a_plan_role_nobody_holds_stays_a_note(demo, tmp_path):
    """A plan's role that this client's people do not have (the plan a client extends may
    weigh a manager the client has none of): the scenario's weights for it reach nobody."""
    params = _client(tmp_path, "scoring:\n  roles:\n    manager: {weights: {revenue: 1}}\n"
                               "scenarios:\n  scenarios:\n    s:\n      roles:\n        manager: {revenue: 1}\n"
                               "        agent: {revenue: 1}\n")
    w, notes = sc.scenario_weights(params, demo.scorecard)
    assert notes == ["scenario 's' sets weights for the role 'manager', which nobody in the scorecard has: ignored."]


@pytest.mark.parametrize("written", ["bad: {}", "bad: {label: {zh: 只有标签, en: label only}}",
                                     "bad: {incentives: {}}"])
def test_a_scenario_that_changes_nothing_is_noted_at_its_key(demo, tmp_path, written):
    # an indentation slip that lost the weights was scored as the baseline without a word
    params = _client(tmp_path, f"scenarios:\n  scenarios:\n    {written}\n")
    _, notes = sc.scenario_weights(params, demo.scorecard)
    assert notes == [
        "scenarios.scenarios.bad (line 4): scenario 'bad' changes neither weights nor pay, so it is scored as the "
        "baseline. Fix: give it roles, a phase or incentives (an indentation slip can leave them outside it), "
        "or delete it."]


@pytest.mark.parametrize("what_if, empty", [({}, ""), ({"agent": {}}, " (what_if.x.agent is empty)"),
                                            ({"agent": {}, "incentives": {}},
                                             " (what_if.x.agent, what_if.x.incentives are empty)")])
def test_a_what_if_that_changes_nothing_is_refused(demo, what_if, empty):
    with pytest.raises(ScoringError) as err:
        sc.scenario_weights(demo.params, demo.scorecard, what_if={"x": what_if})
    assert str(err.value).startswith(f"what_if.x: scenario 'x' changes neither weights nor pay{empty}, so it would "
                                     "be scored as the baseline. Fix: give it the weights to change or the pay "
                                     "change. A what-if is {name: {role: {kpi: weight}}}")


def test_a_scenario_phase_the_plan_lacks_names_its_line_and_the_fix(demo, tmp_path):
    params = _client(tmp_path, "scenarios:\n  scenarios:\n    bad: {phase: promo}\n")
    with pytest.raises(ParamsError) as err:
        sc.scenario_weights(params, demo.scorecard)
    assert str(err.value) == (
        f"{tmp_path / 'client.yaml'}: scenarios.scenarios.bad.phase (line 4): 'promo' is not one of scoring.phases "
        "(the plan has none). Fix: add the phase under scoring.phases (its name and weights), or delete the key.")


@pytest.mark.parametrize("what_if, message", [
    ({"agent": {"revenue": 30}}, r"the weight of revenue is 30; a weight is a fraction of 1.* Write 30 % as 0\.3\."),
    ({"agent": {"revenue": "30%"}}, r"found '30%'\. Write 30 % as 0\.30\."),
    ({"agent": {"revenue": 0.6, "calls": 0.6}}, r"\(revenue=0\.6, calls=0\.6\) sum to 1\.2, more than 1\. Fix: lower"),
    ({"agent": 0.3}, r"what_if\.x\.agent: expected \{kpi: weight\}, found 0\.3\. A what-if is"),
    ({"revenue": 0.3}, r"nobody in the scorecard has the role 'revenue' .*A what-if is \{name: \{role:"),
    ({"agent": {"revenue": 1.2}}, r"^what_if\.x\.agent: the weight of revenue is 1\.2; a weight is a fraction of 1 "
                                  r"\(1 is the whole score\), so 1\.2 would be 120 % of the score, which no weight "
                                  r"can be: likely a slip\. Fix: write the KPI's share of the score, e\.g\. 0\.3 for "
                                  r"30 %\.$"),
    ({"roles": {"agent": {"revenue": 0.3}}},
     r"^what_if\.x\.roles: a what-if names its roles directly, without the parameter file's 'roles:' level\. "
     r"Fix: write what_if=\{'x': \{'agent': \{\.\.\.\}\}\}, not \{'x': \{'roles': \{'agent': \{\.\.\.\}\}\}\}\.$"),
    ({"agent": {"销售额": 0.3}}, r"^what_if\.x\.agent: '销售额' is not a KPI of the catalogue\. Did you mean "
                                r"'revenue'\? \(销售额 is its label; weights name the KPI itself\.\)$"),
])
def test_what_if_mistakes_say_what_to_write(demo, what_if, message):
    with pytest.raises(ScoringError, match=message):
        sc.scenario_weights(demo.params, demo.scorecard, what_if={"x": what_if})


def test_what_if_as_a_list_is_an_error_not_an_attribute_error(demo):
    with pytest.raises(ScoringError, match=r"^what_if: expected a mapping of scenario names to their changes, found a "
                                           r"list \(\['revenue_30'\]\)\. The parameter file's scenarios are compared "
                                           r"already; what_if adds quick ones by name\. A what-if is"):
        demo.compare(what_if=["revenue_30"])


def test_what_if_setting_every_kpi_below_1_says_what_is_left(demo):
    """The agents' eight weights x 0.9 sum to 0.9: 0.1 is left and no KPI to take it."""
    lower = {k: 0.9 * v for k, v in demo.scorecard.weights["agent"].items()}
    with pytest.raises(ScoringError, match=r"sum to 0\.9, and no other KPI .* remaining 0\.1\. Fix: make them"):
        sc.scenario_weights(demo.params, demo.scorecard, what_if={"x": {"agent": lower}})
    with pytest.raises(ParamsError, match="taken \\(by the baseline\\); give the what-if another name"):
        sc.scenario_weights(demo.params, demo.scorecard, what_if={"baseline": {"agent": {"revenue": 0.3}}})


def test_topsis_ranking_weights_are_checked_against_the_role(demo):
    """With revenue alone, v_i = x_i / ||x||, S+ = (max - x_i) / ||x||, S- = (x_i - min) / ||x||,
    so the closeness is (x_i - min) / (max - min)."""
    X, _ = sc.role_matrix(demo.scorecard, "agent", value="raw")
    x = X["revenue"]
    got = sc.topsis_ranking(demo.scorecard, "agent", weights={"revenue": 1.0})["topsis"]
    assert got.to_numpy() == pytest.approx(((x - x.min()) / (x.max() - x.min())).loc[got.index].to_numpy())
    with pytest.raises(ScoringError, match=r"weights for revenu, which the role 'agent' does not weigh .*"
                                           r"Did you mean 'revenue'\? Fix: give weights"):
        sc.topsis_ranking(demo.scorecard, "agent", weights={"revenu": 1.0})


def test_sweep_names_an_unknown_role(demo):
    with pytest.raises(ScoringError, match=r"role='agnet': the model has no such role; it has agent, team_lead\. "
                                           r"Did you mean 'agent'\?"):
        sc.sweep(demo.model(), "revenue", role="agnet")


def test_compare_scenarios_equals_the_scorer_with_those_weights(demo):
    """Each scenario, scored by the scorer itself with the scenario's weights written into
    the plan, gives the same scores, ranks, grades and payouts."""
    from salesperf_kit.incentives import payouts

    comp = demo.compare(what_if={"calls_up": {"agent": {"calls": 0.25}}})
    t = comp.table.set_index(["scenario", "employee_id"])
    base = t.loc["baseline"]
    card = demo.scorecard.table.set_index("employee_id")
    assert base["score"].to_numpy() == pytest.approx(card.loc[base.index, "score"].to_numpy())
    assert base["rank"].tolist() == card.loc[base.index, "rank"].tolist()
    assert base["grade"].tolist() == card.loc[base.index, "grade"].tolist()
    weights, _ = sc.scenario_weights(demo.params, demo.scorecard, what_if={"calls_up": {"agent": {"calls": 0.25}}})
    for name in ("revenue_30", "launch", "calls_up"):
        p = demo.params.model_dump(exclude={"source"})
        p["scoring"]["phases"] = []
        for role, w in weights[name].items():
            p["scoring"]["roles"][role]["weights"] = w
        params = params_from_dict(p)
        ref = score(demo.kpis, params, targets=demo.targets, ratings=demo.ratings).table.set_index("employee_id")
        got = t.loc[name]
        assert got["score"].to_numpy() == pytest.approx(ref.loc[got.index, "score"].to_numpy(), abs=1e-9), name
        assert got["rank"].tolist() == ref.loc[got.index, "rank"].tolist(), name
        assert got["grade"].tolist() == ref.loc[got.index, "grade"].tolist(), name
        pay = payouts(ref.reset_index(), demo.kpis, params, targets=demo.targets).set_index("employee_id")["total"]
        assert got["payout"].to_numpy() == pytest.approx(pay.loc[got.index].to_numpy()), name
    s = comp.summary.set_index("scenario")
    assert s.loc["baseline", ["kendall_tau", "spearman_rho"]].tolist() == [1.0, 1.0]
    assert s.loc["baseline", "rank_changes"] == 0
    assert s.loc["revenue_30", "label"] == "销售额 30%"
    assert (s["kendall_tau"] <= 1).all() and s.loc["launch", "kendall_tau"] < 0.95
    rows = t.loc["launch"]
    assert s.loc["launch", "payout_change"] == pytest.approx(rows["payout_change"].sum())
    # pay is in cents: a sum of cents carries no float residue (9.09e-13 read as a change)
    for col in ("payout_total", "payout_change"):
        assert (s[col] * 100 == (s[col] * 100).round()).all(), s[col].tolist()
    assert (t["payout_change"] * 100 == (t["payout_change"] * 100).round()).all()
    assert s.loc["launch", "grade_changes"] == int(rows["grade_changed"].sum()) > 0
    assert (rows["rank_change"] == rows["baseline_rank"] - rows["rank"]).all()
    assert comp.ranks.columns.tolist() == ["name", "baseline", "revenue_30", "launch", "calls_up"]
    assert set(comp.changes()["scenario"]) <= {"revenue_30", "launch", "calls_up"}


def test_scenario_weighing_a_kpi_the_plan_does_not(demo):
    what_if = {"orders": {"agent": {"orders": 0.2}}}
    with pytest.raises(ScoringError, match="pass kpis="):
        sc.compare_scenarios(demo.scorecard, demo.params, what_if=what_if)
    comp = sc.compare_scenarios(demo.scorecard, demo.params, kpis=demo.kpis, targets=demo.targets,
                                ratings=demo.ratings, what_if=what_if)
    weights, _ = sc.scenario_weights(demo.params, demo.scorecard, what_if=what_if)
    p = demo.params.model_dump(exclude={"source"})
    p["scoring"]["roles"]["agent"]["weights"] = weights["orders"]["agent"]
    ref = score(demo.kpis, params_from_dict(p), targets=demo.targets, ratings=demo.ratings).table
    got = comp.table[comp.table["scenario"] == "orders"].set_index("employee_id")["score"]
    assert got.to_numpy() == pytest.approx(ref.set_index("employee_id").loc[got.index, "score"].to_numpy())


def test_a_weight_on_a_kpi_without_values_is_not_silently_dropped(demo):
    """The demo data have no mentor_id, so nobody has a value of mentoring. A scenario
    giving it 0.20 has the agents' other weights x 0.80; the scorer shares the 0.20 out
    over them in proportion, 0.80 w / 0.80 = w: exactly the baseline. Asked as a what-if
    that is an error; a scenario of the file is scored (= the baseline) with a note."""
    with pytest.raises(ScoringError, match=r"what_if.mentor weighs mentoring .*mentor_id.*Fix: weigh a KPI"):
        demo.compare(what_if={"mentor": {"agent": {"mentoring": 0.20}}})
    p = demo.params.model_dump(exclude={"source"})
    agent = demo.scorecard.weights["agent"]
    p["scenarios"]["scenarios"] = {"mentor": {"roles": {"agent": {
        "mentoring": 0.20, **{k: v * 0.80 for k, v in agent.items()}}}}}
    comp = sc.compare_scenarios(demo.scorecard, params_from_dict(p), kpis=demo.kpis, targets=demo.targets,
                                ratings=demo.ratings, language="en")
    t = comp.table[comp.table["scenario"] == "mentor"]
    assert t["score"].to_numpy() == pytest.approx(t["baseline_score"].to_numpy())
    assert [n for n in comp.notes if "mentoring" in n] == [
        "scenario 'mentor' weighs mentoring for the role 'agent', but nobody of that role has points of it "
        "this period (mentoring needs column(s) mentor_id of 'employees', which the data do not have): the "
        "weight is shared out over the other KPIs, so the scenario scores as if it were left out."]


def test_a_what_if_is_not_refused_for_a_kpi_only_the_plan_weighs(demo):
    """Targets for revenue only: calls (normalised by attainment) gives nobody points, and
    the scorer shares the plan's 0.10 out in the baseline. A what-if that sets revenue to
    0.30 rescales the other weights by 0.70 / 0.65, calls to 0.10 x 0.70 / 0.65 = 0.107692;
    it is scored as the scorer scores those weights, not refused for calls, which it did
    not name, and one note says why calls has no points."""
    targets = demo.targets[demo.targets["kpi"] != "calls"]
    card = score(demo.kpis, demo.params, targets=targets, ratings=demo.ratings)
    comp = sc.compare_scenarios(card, demo.params, kpis=demo.kpis, targets=targets, ratings=demo.ratings,
                                what_if={"rev": {"agent": {"revenue": 0.30}}}, language="en")
    w = comp.weights[(comp.weights["scenario"] == "rev") & (comp.weights["role"] == "agent")].set_index("kpi")
    assert w.loc["calls", "weight"] == pytest.approx(0.07 / 0.65)
    p = demo.params.model_dump(exclude={"source"})
    p["scoring"]["roles"]["agent"]["weights"] = w["weight"].to_dict()
    ref = score(demo.kpis, params_from_dict(p), targets=targets, ratings=demo.ratings).table.set_index("employee_id")
    got = comp.table[comp.table["scenario"] == "rev"].set_index("employee_id")["score"]
    assert got.to_numpy() == pytest.approx(ref.loc[got.index, "score"].to_numpy())
    assert [n for n in comp.notes if "calls" in n] == [
        "the plan weighs calls for the role 'agent', but nobody of that role has points of it this period (calls "
        "is scored against a target and the data give nobody a calls target): the baseline and every scenario "
        "share the weight out over the other KPIs."]
    # in the plan's language (zh), as its labels are: no English inside a Chinese workbook
    zh = sc.compare_scenarios(card, demo.params, kpis=demo.kpis, targets=targets, ratings=demo.ratings,
                              what_if={"rev": {"agent": {"revenue": 0.30}}})
    assert [n for n in zh.notes if "呼叫量" in n] == [
        "方案为岗位「坐席」设了「呼叫量」的权重，但本期该岗位无人有该指标得分（「呼叫量」按目标考核，而数据中没有任何人的"
        "该项目标）：基准和各情景都把这部分权重按比例分给其他指标。"]


def test_a_what_if_on_a_kpi_outside_the_computed_set_is_computed(demo):
    """fcr_rate is in neither the plan nor the telesales default set, but the demo's
    service tickets give it. A what-if of fcr_rate 0.20 (revenue 0.35 x 0.80 = 0.28, the
    other weights x 0.80 too) is scored as the scorer scores those weights on KPIs that
    include fcr_rate, not refused as a KPI the data lack."""
    from salesperf_kit.kpis import compute_kpis

    assert "fcr_rate" not in demo.kpis.kpis
    comp = demo.compare(what_if={"fcr": {"agent": {"fcr_rate": 0.20}}})
    w = comp.weights[(comp.weights["scenario"] == "fcr") & (comp.weights["role"] == "agent")].set_index("kpi")
    assert w.loc[["fcr_rate", "revenue"], "weight"].tolist() == pytest.approx([0.20, 0.28])
    kpis = compute_kpis(demo.dataset, "2026-10", kpis=[*demo.kpis.kpis, "fcr_rate"],
                        options=demo.params.engine_options)
    p = demo.params.model_dump(exclude={"source"})
    p["scoring"]["roles"]["agent"]["weights"] = w["weight"].to_dict()
    ref = score(kpis, params_from_dict(p), targets=demo.targets, ratings=demo.ratings).table.set_index("employee_id")
    got = comp.table[comp.table["scenario"] == "fcr"].set_index("employee_id")["score"]
    assert got.to_numpy() == pytest.approx(ref.loc[got.index, "score"].to_numpy())
    assert (got != comp.table[comp.table["scenario"] == "baseline"].set_index("employee_id")["score"]).any()


def test_without_kpis_payouts_are_left_out_with_a_note(demo):
    comp = sc.compare_scenarios(demo.scorecard, demo.params, language="en")
    assert "payout" not in comp.table and any("payouts left out" in n for n in comp.notes)
    zh = sc.compare_scenarios(demo.scorecard, demo.params).notes
    assert "未计算薪酬：传入 kpis=（KPIResult）才能看到每人和总额的薪酬变化。" in zh


def test_run_scenarios_is_what_the_cli_writes(demo):
    out = sc.run_scenarios(demo.dataset, demo.params, "2026-10")
    assert {"scenario", "employee_id", "rank", "grade", "rank_change", "payout_change"} <= set(out.columns)
    assert set(out["scenario"]) == {"baseline", "revenue_30", "launch"}
    assert list(out.attrs["summary"]["scenario"]) == ["baseline", "revenue_30", "launch"]


def test_a_period_without_records_is_refused_not_scored(demo):
    """November 2030 has no order, call or ticket in the demo data: scoring it would give
    everyone the same points on nothing, so it is refused as the scorecard refuses it."""
    from salesperf_kit.exceptions import SalesperfError

    with pytest.raises(SalesperfError, match=r"No records in 2030-11.*The data cover: orders .*Fix: choose a period"):
        sc.run_scenarios(demo.dataset, demo.params, "2030-11")


# ============================================================================= figures and widget
def test_figures_return_axes(demo):
    import matplotlib.pyplot as plt

    model = sc.score_model(demo.scorecard, role="agent", kpis=demo.kpis)
    comp = sc.compare_scenarios(demo.scorecard, demo.params)
    mc = sc.monte_carlo(model, draws=50, seed=0)
    axes = [sc.bump_chart(comp, language="en"), sc.grade_probability_heatmap(mc),
            sc.tornado(sc.oat_ranges(model)), sc.sweep_chart(sc.sweep(model, "revenue"))]
    for ax in axes:
        assert isinstance(ax, plt.Axes)
    fig, ax = plt.subplots()
    assert sc.tornado(sc.oat_ranges(model, output="rank:" + model.people.index[0]), ax=ax) is ax
    assert len(axes[0].get_lines()) >= 15


def test_bump_chart_names_the_scenarios_in_the_figure_language(demo):
    """The first column is the plan itself: 基准 in a Chinese chart (as the comparison's
    label says), Baseline in an English one, never the internal key 'baseline'; the
    scenarios by their labels in the chart's language (the English chart of a Chinese
    comparison read 销售额30 where the plan says 'Revenue at 30 %'), a scenario without
    a label by its key. A ranks table keeps the labels."""
    import matplotlib.pyplot as plt

    comp = sc.compare_scenarios(demo.scorecard, demo.params, language="zh")
    for language, expected in (("zh", ["基准", "销售额 30%", "launch"]), ("en", ["Baseline", "Revenue 30%", "launch"])):
        for ranks in (comp, comp.ranks):
            ax = sc.bump_chart(ranks, language=language)
            assert [t.get_text() for t in ax.get_xticklabels()] == expected
            plt.close(ax.figure)


def test_bump_chart_joins_the_names_of_people_tied_at_an_end():
    """Diane and Joe tie at 4 in the baseline and at 3 in the scenario: one label each side,
    'Diane, Joe', not two names printed on top of each other."""
    import matplotlib.pyplot as plt

    ranks = pd.DataFrame({"name": ["Ann", "Bo", "Cy", "Diane", "Joe"], "baseline": [1, 2, 3, 4, 4],
                          "s1": [1, 2, 5, 3, 3]}, index=["e1", "e2", "e3", "e4", "e5"])
    ax = sc.bump_chart(ranks, language="en")
    texts = sorted(t.get_text() for t in ax.texts)
    assert texts == sorted(["Ann", "Bo", "Cy", "Diane, Joe"] * 2)
    plt.close(ax.figure)


def test_grade_heat_map_has_axis_titles():
    import matplotlib.pyplot as plt

    p = pd.DataFrame({"A": [0.7, 0.1], "B": [0.3, 0.9]}, index=["Ann", "Bo"])
    for language, (x, y) in (("zh", ("等级", "人员")), ("en", ("Grade", "Person"))):
        ax = sc.grade_probability_heatmap(p, language=language)
        assert (ax.get_xlabel(), ax.get_ylabel()) == (x, y)
        plt.close(ax.figure)


@pytest.mark.parametrize("language", ["english", "EN", "fr"])
def test_a_language_other_than_zh_or_en_is_refused(demo, language):
    """'english' used to give English figures and a comparison whose labels fell back to
    the first one written (Chinese), with nothing said."""
    model = sc.score_model(demo.scorecard, role="agent", kpis=demo.kpis)
    with pytest.raises(ScoringError, match=r"`language` must be one of \['zh', 'en'\]"):
        sc.compare_scenarios(demo.scorecard, demo.params, language=language)
    with pytest.raises(ScoringError, match="`language`"):
        sc.sweep_chart(sc.sweep(model, "revenue"), language=language)
    with pytest.raises(ScoringError, match="`language`"):
        sc.tornado(sc.oat_ranges(model), language=language)


def test_weight_sliders_rerank_live(demo):
    box = sc.weight_sliders(demo.scorecard, "agent")
    first = box.table.copy()
    assert (first["rank_change"] == 0).all()
    box.sliders["revenue"].value = 0.0
    moved = box.table
    model = sc.score_model(demo.scorecard, role="agent")
    w = dict(demo.scorecard.weights["agent"], revenue=0.0)
    total = sum(w.values())
    want = model.scores(model.weights_from({"agent": {k: v / total for k, v in w.items()}}))
    assert moved["score"].to_numpy() == pytest.approx(pd.Series(want, index=model.people.index)[moved.index].to_numpy())
    assert (moved["rank_change"] != 0).any()


# ============================================================================= the notebook
def test_the_notebook_is_thin_and_parameterised():
    nb = json.loads((ROOT / "notebooks" / "scenarios.ipynb").read_text(encoding="utf-8"))
    import ast

    code = [c for c in nb["cells"] if c["cell_type"] == "code"]
    assert "parameters" in code[0]["metadata"].get("tags", [])
    params = {}
    for node in ast.parse("".join(code[0]["source"])).body:
        params[node.targets[0].id] = ast.literal_eval(node.value)
    assert params["business"] == "telesales" and params["period"] == "2026-10" and params["language"] == "zh"
    assert params["data_path"] == "" and params["output_dir"] == ""
    for cell in code:
        tree = ast.parse("".join(cell["source"]))
        assert not [n for n in ast.walk(tree) if isinstance(n, (ast.FunctionDef, ast.ClassDef, ast.For, ast.While,
                                                                ast.Lambda, ast.AsyncFunctionDef))]
        assert not any(o.get("output_type") == "error" for o in cell.get("outputs", []))


def test_save_results_writes_one_workbook_or_nothing(demo, tmp_path):
    comp = sc.compare_scenarios(demo.scorecard, demo.params)
    assert sc.save_results("", comparison=comp) == []
    paths = sc.save_results(tmp_path / "out", comparison=comp, sweep=sc.sweep(demo.model("agent"), "revenue"))
    sheets = pd.read_excel(paths[0], sheet_name=None, engine="openpyxl")
    assert list(sheets) == ["汇总", "人员明细", "权重", "权重扫描", "名次交叉点"]
    assert len(sheets["人员明细"]) == len(comp.table)


@pytest.mark.parametrize("language, heads", [("zh", ["工号", "姓名", "得分", "基准得分"]),
                                             ("en", ["Employee ID", "Name", "Score", "Baseline score"])])
def test_save_results_heads_the_sheets_in_the_notebook_s_language(demo, tmp_path, language, heads):
    """The notebook's workbook had the raw column names (employee_id, baseline_score) in a
    Chinese analysis, while ``salesperf scenarios`` heads the same table 工号, 基准得分."""
    comp = sc.compare_scenarios(demo.scorecard, demo.params)
    path = sc.save_results(tmp_path, comparison=comp, language=language)[0]
    header = list(pd.read_excel(path, sheet_name=1, engine="openpyxl").columns)
    assert all(h in header for h in heads), header
    assert "employee_id" not in header and "baseline_score" not in header


def test_save_results_gives_money_the_plan_s_currency(demo, tmp_path):
    """The notebook's workbook headed the payouts 薪酬总额 and 情景薪酬 with report.currency
    set: the comparison carries the plan's unit per language, so that its headers of money
    give it (薪酬总额（元）, Total payout (CNY)) without the parameters; given them, theirs."""
    import dataclasses

    params = demo.params.model_copy(update={"report": demo.params.report.model_copy(
        update={"currency": {"zh": "元", "en": "CNY"}})})
    comp = dataclasses.replace(demo, params=params).compare()
    assert comp.currency == {"zh": "元", "en": "CNY"}
    for language, total, payout in (("zh", "薪酬总额（元）", "情景薪酬（元）"), ("en", "Total payout (CNY)", "Payout (CNY)")):
        path = sc.save_results(tmp_path / language, comparison=comp, language=language)[0]
        sheets = pd.read_excel(path, sheet_name=None, engine="openpyxl")
        summary, people = list(sheets.values())[:2]
        assert total in summary.columns and payout in people.columns
    plain = demo.params.model_copy(update={"report": demo.params.report.model_copy(update={"currency": None})})
    path = sc.save_results(tmp_path / "plain", comparison=comp, params=plain)[0]   # (the parameters' unit: none)
    assert "薪酬总额" in pd.read_excel(path, sheet_name="汇总", engine="openpyxl").columns
    assert dataclasses.replace(demo, params=plain).compare().currency == {}
    assert demo.compare().currency == {"zh": "元", "en": "CNY"}  # (the shipped plan's yuan)


def test_save_results_keeps_a_name_starting_with_equals_as_text(hand, tmp_path):
    """A name typed as =1+1 is written as the text "=1+1" (Excel would show 2 and run
    whatever formula a name holds), as export.write_table writes it."""
    import openpyxl

    s = sc.sweep(hand.rename(index={"P1": "=1+1"}), {"x": 0.4, "y": 0.6}, "x")
    path = sc.save_results(tmp_path, sweep=s)[0]
    cells = [c for row in openpyxl.load_workbook(path)["权重扫描"].iter_rows() for c in row if c.value == "=1+1"]
    assert cells and all(c.data_type == "s" for c in cells)


def test_the_cli_workbook_formats_baseline_scores_and_payouts(tmp_path):
    """salesperf scenarios --out x.xlsx: 68.3333... shows as 68.33 in baseline_score as in
    score, and the payouts as money (4,500.00)."""
    import openpyxl
    from salesperf_kit.export import write_table

    t = pd.DataFrame({"score": [68 + 1 / 3], "baseline_score": [68 + 1 / 3], "payout": [4500.0],
                      "baseline_payout": [4000.0], "payout_change": [500.0]})
    path = write_table(t, tmp_path / "s.xlsx", labels=False, sheet="scenarios")
    row = next(openpyxl.load_workbook(path)["scenarios"].iter_rows(min_row=2))
    assert [c.number_format for c in row] == ["0.00", "0.00", "#,##0.00", "#,##0.00", "#,##0.00"]


@pytest.mark.parametrize("method", ["sobol", "morris"])
def test_sensitivity_is_identical_for_seed_zero(demo, method):
    """SALib ignores a seed of 0; the kit's default seed is 0, and results must still repeat
    exactly, confidence intervals included."""
    model = demo.model("agent")
    a = sc.sensitivity(model, output="stability", method=method, seed=0)
    b = sc.sensitivity(model, output="stability", method=method, seed=0)
    pd.testing.assert_frame_equal(a, b)


def test_a_payout_notice_is_said_once_not_once_per_scenario(demo, monkeypatch, caplog):
    import logging

    from salesperf_kit import incentives

    real = incentives.payouts

    def noisy(*args, **kwargs):  # a plan the data cannot pay in full warns at every payout run
        logging.getLogger("salesperf_kit.incentives").warning("The data give no orders: ...")
        return real(*args, **kwargs)

    monkeypatch.setattr(incentives, "payouts", noisy)
    with caplog.at_level(logging.WARNING, logger="salesperf_kit.incentives"):
        comp = sc.compare_scenarios(demo.scorecard, demo.params, kpis=demo.kpis, targets=demo.targets,
                                    ratings=demo.ratings)
    assert comp.table["scenario"].nunique() == 3  # the baseline and the plan's two scenarios
    assert [r.getMessage() for r in caplog.records] == ["The data give no orders: ..."]
    assert not logging.getLogger("salesperf_kit.incentives").disabled


def test_results_print_as_a_short_summary_in_a_notebook(demo, hand):
    """Typing a result's name in a notebook shows what it holds in a line or two: frames by
    their shape, long lists by their length, a period as 2026-10, never the frames themselves."""
    model = sc.score_model(demo.scorecard, role="agent", kpis=demo.kpis)
    results = [demo, demo.scorecard, demo.kpis, model, sc.monte_carlo(model, draws=20, seed=1),
               sc.simulate(hand, np.array([[0.4, 0.6]]), weights=[0.4, 0.6], grading=THRESHOLDS, top_k=1),
               sc.sweep(hand, {"x": 0.4, "y": 0.6}, "x", grading=THRESHOLDS, top_k=1),
               sc.compare_scenarios(demo.scorecard, demo.params, kpis=demo.kpis, targets=demo.targets,
                                    ratings=demo.ratings)]
    for r in results:
        text = repr(r)
        assert text.startswith(type(r).__name__ + "(") and len(text) < 700, text
        assert "\n" not in text and "    " not in text  # no frame printed in it
    card = demo.scorecard
    rows, cols = card.table.shape
    assert f"table=<DataFrame {rows} rows × {cols} columns>" in repr(card) and "period=2026-10" in repr(card)
    from salesperf_kit._repr import short
    assert short(list(range(5))) == "<list of 5>" and short([1, 2]) == "[1, 2]"
    assert short({"orders": pd.DataFrame({"a": range(1234)})}) == "{'orders': 1,234 rows}"


# ============================================================================= pay scenarios
PAY_REVENUE = {"e1": 40_000, "e2": 80_000, "e3": 120_000, "e4": 0, "e5": 60_000}


@pytest.fixture(scope="module")
def pay_case():
    """Five agents with one October order each (e4 none), scored on revenue alone and paid
    only a whole-amount commission of 2 % / 3 % from 50,000 / 4 % from 100,000, so that each
    payout is a line of arithmetic:

    ====  =======  ============  ================================  ==============
    who   revenue  plan          higher (2 / 3.5 / 5 %)            capped at 3,000
    ====  =======  ============  ================================  ==============
    e1     40,000  2 % =   800   2 % = 800                         800
    e2     80,000  3 % = 2,400   3.5 % = 2,800                     2,400
    e3    120,000  4 % = 4,800   5 % = 6,000                       3,000
    e4          0  0             0                                 0
    e5     60,000  3 % = 1,800   3.5 % = 2,100                     1,800
    total          9,800         11,700 (+1,900)                   8,000 (-1,800)
    ====  =======  ============  ================================  ==============
    """
    from salesperf_kit.kpis import compute_kpis

    ids = list(PAY_REVENUE)
    employees = pd.DataFrame({"employee_id": ids, "name": [f"N{e}" for e in ids], "team": ["t1"] * 3 + ["t2"] * 2,
                              "role": "agent"})
    orders = pd.DataFrame([{"order_id": f"o-{e}", "employee_id": e, "customer_id": f"c-{e}",
                            "order_date": pd.Timestamp("2026-10-05"), "amount": float(a), "status": "completed"}
                           for e, a in PAY_REVENUE.items() if a])
    kpis = compute_kpis({"employees": employees, "orders": orders}, "2026-10", kpis=["revenue"])
    params = params_from_dict({
        "business": "telesales",
        "scoring": {"roles": {"agent": {"weights": {"revenue": 1}}}, "grading": THRESHOLDS},
        "incentives": {"commission": {"mode": "whole", "tiers": [{"above": 0, "rate": 0.02},
                                                                 {"above": 50_000, "rate": 0.03},
                                                                 {"above": 100_000, "rate": 0.04}]}},
        "scenarios": {"scenarios": {
            "higher": {"label": {"en": "Higher commission"},
                       "incentives": {"commission": {"tiers": [{"above": 0, "rate": 0.02},
                                                               {"above": 50_000, "rate": 0.035},
                                                               {"above": 100_000, "rate": 0.05}]}}},
        }}})
    return kpis, params, score(kpis, params)


def test_a_pay_scenario_is_paid_under_its_own_plan(pay_case):
    kpis, params, card = pay_case
    comp = sc.compare_scenarios(card, params, kpis=kpis, what_if={"capped": {"incentives": {"commission": {"cap": 3000}}}})
    pay = comp.table.pivot(index="employee_id", columns="scenario", values="payout")
    assert pay["baseline"].to_dict() == {"e1": 800, "e2": 2400, "e3": 4800, "e4": 0, "e5": 1800}
    assert pay["higher"].to_dict() == {"e1": 800, "e2": 2800, "e3": 6000, "e4": 0, "e5": 2100}
    # the cap alone changes: the plan's tiers stay
    assert pay["capped"].to_dict() == {"e1": 800, "e2": 2400, "e3": 3000, "e4": 0, "e5": 1800}
    s = comp.summary.set_index("scenario")
    assert s["payout_total"].to_dict() == {"baseline": 9800, "higher": 11700, "capped": 8000}
    assert s["payout_change"].to_dict() == {"baseline": 0, "higher": 1900, "capped": -1800}
    # what the plan costs against revenue of 40,000 + 80,000 + 120,000 + 60,000 = 300,000
    assert s["payout_to_revenue"].to_dict() == pytest.approx({"baseline": 9800 / 300_000, "higher": 0.039,
                                                              "capped": 8000 / 300_000})
    assert s["pay_plan_changes"].to_dict() == {"baseline": "", "higher": "commission.tiers",
                                               "capped": "commission.cap"}
    # the weights are the plan's: nobody moves
    assert s["rank_changes"].tolist() == [0, 0, 0] and (s["kendall_tau"] == 1).all()
    assert s.loc["higher", "label"] == "Higher commission"


def test_a_pay_scenario_without_kpis_says_it_cannot_show(pay_case):
    kpis, params, card = pay_case
    comp = sc.compare_scenarios(card, params, language="en")
    assert "payout" not in comp.table
    assert any("higher change the pay plan" in n and "pass kpis=" in n for n in comp.notes), comp.notes


@pytest.mark.parametrize("change, message", [
    ({"commision": {"cap": 1}}, r"what_if\.x\.incentives\.commision: unknown key\. Did you mean 'commission'\?"),
    ({"commission": {"tiers": [{"above": 0, "rate": 3}]}},
     r"what_if\.x\.incentives\.commission\.tiers \(item 1\)\.rate: .*Fix: write 3 % as 0\.03"),
    ({"awards": {"sales_champ": 1}}, r"awards\.sales_champ: unknown key\. Did you mean 'sales_champion'\?"),
    ({"commission": {"cap": -5}}, r"what_if\.x\.incentives\.commission\.cap: expected a number of at least 0, "
                                  r"found -5\. Fix: write 0 or more \(pay is never negative\)"),
    (5, r"what_if\.x\.incentives: expected a mapping of incentive settings"),
    ({"grade_multipliers": {"a": 1.5}}, r"^what_if\.x\.incentives\.grade_multipliers\.a: 'a' is not a grade of the "
                                        r"plan \(scoring\.grading\.thresholds: A, B\), so its multiplier would apply "
                                        r"to nobody\. Did you mean 'A'\? Fix: write one of A, B$"),
])
def test_a_pay_what_if_is_checked_like_the_plan(pay_case, change, message):
    kpis, params, card = pay_case
    with pytest.raises(ParamsError, match=message):
        sc.compare_scenarios(card, params, kpis=kpis, what_if={"x": {"incentives": change}})


def test_a_pay_what_if_may_name_a_grade_by_its_label(demo):
    # {优秀: 1.5} was taken as a grade nobody has and cost 0.00; it is A's label
    plan = sc._pay_plan(demo.params, "x", {"x": {"incentives": {"grade_multipliers": {"优秀": 1.5}}}})
    assert plan.incentives.grade_multipliers == {"A": 1.5, "B": 1.0, "C": 0.5}


def test_a_pay_scenario_the_data_cannot_pay_is_left_unpaid_not_a_crash():
    """A call centre without orders (as the PwC call-centre log): two agents scored on their
    connect rate, paid a base of 5,000 and a performance pay of 1,000 x 1.2 (A) or x 1.0 (B),
    and no commission. A scenario that adds commission tiers (one inherited from a shipped
    plan) cannot be paid without orders: the comparison used to stop at that scenario with
    'incentives.commission.basis is 'ordered', but the data give no orders', naming no
    scenario. Its payouts are now left out and the note names it and how to drop it; the
    baseline is paid as before:

    ====  ==========  =====  =================================
    who   connected   grade  payout
    ====  ==========  =====  =================================
    a1    2 of 2      A      5,000 + 1,000 x 1.2 = 6,200
    a2    1 of 2      B      5,000 + 1,000 x 1.0 = 6,000
    ====  ==========  =====  =================================
    """
    from salesperf_kit.kpis import compute_kpis

    employees = pd.DataFrame({"employee_id": ["a1", "a2"], "name": ["A1", "A2"], "team": "t", "role": "agent"})
    calls = pd.DataFrame({"call_id": ["c1", "c2", "c3", "c4"], "employee_id": ["a1", "a1", "a2", "a2"],
                          "started_at": pd.to_datetime(["2026-10-05 09:00"] * 4), "duration_s": 120.0,
                          "connected": [True, True, True, False]})
    kpis = compute_kpis({"employees": employees, "calls": calls}, "2026-10", kpis=["connect_rate"])
    params = params_from_dict({
        "business": "telesales",
        "scoring": {"roles": {"agent": {"weights": {"connect_rate": 1}}}, "grading": THRESHOLDS},
        "incentives": {"base_pay": {"default": 5000}, "performance_pay": {"default": 1000},
                       "grade_multipliers": {"A": 1.2, "B": 1.0}},
        "scenarios": {"scenarios": {"提成上调": {"incentives": {"commission": {"tiers": [{"above": 0, "rate": 0.02}]}}}}}})
    comp = sc.compare_scenarios(score(kpis, params), params, kpis=kpis, language="en")
    pay = comp.table.pivot(index="employee_id", columns="scenario", values="payout")
    assert pay["baseline"].to_dict() == {"a1": 6200, "a2": 6000}
    assert pay["提成上调"].isna().all()
    s = comp.summary.set_index("scenario")
    assert s.loc["baseline", "payout_total"] == 12200
    assert math.isnan(s.loc["提成上调", "payout_total"]) and math.isnan(s.loc["提成上调", "payout_change"])
    assert s.loc["提成上调", "pay_plan_changes"] == "commission.tiers"
    note = next(n for n in comp.notes if n.startswith("scenario 提成上调"))
    assert "scenarios.scenarios.提成上调.incentives: commission.tiers" in note and "data give no orders" in note
    assert "set scenarios.scenarios.提成上调: null" in note


@pytest.fixture(scope="module")
def no_orders_case():
    """Three agents of a call centre without orders, weighed 0.4 connect rate, 0.4 effective
    talk minutes (connected calls of 60 s or more) and 0.2 revenue, which nobody has:

    ====  ===================  ==============  ===================
    who   calls                connect_rate    effective minutes
    ====  ===================  ==============  ===================
    a1    2 connected, 30 s    2 / 2 = 1       0 (greetings only)
    a2    2 of 4, 60 s each    2 / 4 = 0.5     2
    a3    1 of 4, 60 s         1 / 4 = 0.25    1
    ====  ===================  ==============  ===================
    """
    from salesperf_kit.kpis import compute_kpis

    employees = pd.DataFrame({"employee_id": ["a1", "a2", "a3"], "name": ["A1", "A2", "A3"], "team": "t",
                              "role": "agent"})
    rows = ([("a1", 30, True)] * 2 + [("a2", 60, True)] * 2 + [("a2", 0, False)] * 2 + [("a3", 60, True)]
            + [("a3", 0, False)] * 3)
    calls = pd.DataFrame([{"call_id": f"c{i}", "employee_id": e, "started_at": pd.Timestamp("2026-10-05 09:00"),
                           "duration_s": float(d), "connected": c} for i, (e, d, c) in enumerate(rows)])
    kpis = compute_kpis({"employees": employees, "calls": calls}, "2026-10",
                        kpis=["connect_rate", "effective_talk_minutes", "revenue"])
    params = params_from_dict({"business": "telesales", "scoring": {"grading": THRESHOLDS, "roles": {"agent": {
        "weights": {"connect_rate": 0.4, "effective_talk_minutes": 0.4, "revenue": 0.2}}}}})
    return score(kpis, params)


def test_data_driven_weights_leave_out_a_kpi_nobody_has(no_orders_case):
    """Revenue (no orders) left every agent incomplete, so entropy and CRITIC were NaN for
    all KPIs ('from the raw KPI values of 0 people'), as on the PwC call-centre log. By hand,
    on connect rate and talk minutes only:

    min-max: connect (1, 1/3, 0), minutes (0, 1, 1/2); p = (3/4, 1/4, 0) and (0, 2/3, 1/3);
    e = -(sum p ln p) / ln 3; entropy weight = (1 - e) / sum (1 - e).
    CRITIC: sd (population) x sum (1 - r); r(connect, minutes) of (1, 1/3, 0) and (0, 1, 1/2)
    """
    t = sc.data_driven_weights(no_orders_case, "agent", language="en")
    assert t.index.tolist() == ["connect_rate", "effective_talk_minutes"]
    assert t["plan"].tolist() == [0.5, 0.5]   # 0.4 / 0.8 each: the scorer's share
    e1 = -(0.75 * math.log(0.75) + 0.25 * math.log(0.25)) / math.log(3)
    e2 = -(2 / 3 * math.log(2 / 3) + 1 / 3 * math.log(1 / 3)) / math.log(3)
    assert t["entropy"].tolist() == pytest.approx([(1 - e1) / (2 - e1 - e2), (1 - e2) / (2 - e1 - e2)])
    assert t["critic"].notna().all() and t["critic"].sum() == pytest.approx(1.0)
    assert t.attrs["people"] == 3
    assert any(n.startswith("revenue left out: nobody of the role 'agent' has points of it") for n in t.attrs["notes"])


def test_ahp_of_a_role_with_a_kpi_nobody_has(no_orders_case):
    """The AHP matrix compares the role's three KPIs, revenue among them; nobody has
    revenue points, so it is left out and the other two share its priority, as the plan's
    weights do. Consistent judgements (connect 2x minutes, 4x revenue; minutes 2x revenue)
    give 4/7, 2/7, 1/7; without revenue: 4/6 and 2/6."""
    card = no_orders_case
    params = card.params.model_dump(exclude={"source"})
    params["scenarios"] = {"ahp": {"agent": {"matrix": [[1, 2, 4], [0.5, 1, 2], [0.25, 0.5, 1]]}}}
    card.params, saved = params_from_dict(params), card.params
    try:
        t = sc.data_driven_weights(card, "agent", language="en")
    finally:
        card.params = saved
    assert t["ahp"].tolist() == pytest.approx([2 / 3, 1 / 3])
    assert t.attrs["ahp"].weights.tolist() == pytest.approx([4 / 7, 2 / 7, 1 / 7])
    assert any(n.startswith("AHP: the priorities of revenue are left out") for n in t.attrs["notes"])


def test_topsis_ranking_leaves_out_a_kpi_nobody_has(no_orders_case):
    """TOPSIS on connect rate (1, 0.5, 0.25) and minutes (0, 2, 1), weights 0.5 / 0.5:
    vector-normalised v = 0.5 x (1, 0.5, 0.25) / sqrt(1.3125) and 0.5 x (0, 2, 1) / sqrt(5);
    closeness = d- / (d+ + d-), with the ideal (max, max) and the anti-ideal (min, min)."""
    r = sc.topsis_ranking(no_orders_case, "agent", language="en")
    c = 0.5 * np.array([1, 0.5, 0.25]) / math.sqrt(1.3125)
    m = 0.5 * np.array([0, 2, 1]) / math.sqrt(5)
    plus = np.hypot(c.max() - c, m.max() - m)
    minus = np.hypot(c - c.min(), m - m.min())
    expected = dict(zip(["a1", "a2", "a3"], minus / (plus + minus)))
    assert r["topsis"].to_dict() == pytest.approx(expected)
    assert r["topsis_rank"].to_dict() == {"a2": 1.0, "a1": 2.0, "a3": 3.0}
    assert "revenue left out" in r.attrs["notes"][0]


def test_the_notebook_shows_the_comparison_notes_next_to_its_summary():
    """The notes said on the command line (a KPI the data cannot give, a scenario whose pay
    could not be computed) were never shown in the notebook: on the PwC call-centre log its
    summary showed an empty payout for a scenario and nothing said why."""
    nb = json.loads((ROOT / "notebooks" / "scenarios.ipynb").read_text(encoding="utf-8"))
    code = ["".join(c["source"]).strip() for c in nb["cells"] if c["cell_type"] == "code"]
    assert code[code.index("comparison.summary") + 1] == "comparison.notes"


def test_the_cli_workbook_carries_the_notes_to_the_manager(tmp_path):
    """The workbook is what goes to the manager; the notes (revenue weighted 35 % but not
    computable, so shared out; a scenario left unpaid) were printed on the command line
    only, and the PwC workbook showed a weight of 35 % on revenue and an empty total payout
    with nothing to say why. With notes, a fourth sheet 说明 (Notes) lists them; without,
    the workbook keeps its three sheets."""
    from openpyxl import load_workbook

    params = params_from_dict({"business": "telesales", "scoring": {"roles": {"agent": {"weights": {"csat": 1}}}}})
    table = pd.DataFrame({"scenario": ["baseline"], "employee_id": ["Dan"], "role": ["agent"], "score": [75.0]})
    table.attrs["notes"] = ["the plan weighs revenue for the role 'agent', but nobody of that role has points of it.",
                            "scenario 提成上调 changes the pay plan in a way these data cannot pay."]
    path = sc.write_scenarios(table, tmp_path / "zh.xlsx", params, language="zh")
    assert load_workbook(path).sheetnames == ["汇总", "人员明细", "说明"]
    assert pd.read_excel(path, sheet_name="说明", engine="openpyxl")["说明"].tolist() == table.attrs["notes"]
    path = sc.write_scenarios(table, tmp_path / "en.xlsx", params, language="en")
    assert pd.read_excel(path, sheet_name="Notes", engine="openpyxl")["Notes"].tolist() == table.attrs["notes"]
    table.attrs["notes"] = []
    assert load_workbook(sc.write_scenarios(table, tmp_path / "none.xlsx", params)).sheetnames == ["汇总", "人员明细"]


def test_the_weights_say_what_share_of_the_points_each_kpi_carries(no_orders_case):
    """The weights sheet showed revenue at 20 % (PwC: 35 %) though nobody has revenue and
    the scorer shares its weight out. By hand: baseline connect 0.4 / 0.8 = 0.5, minutes
    0.5, revenue 0; what-if connect 0.6, the others rescaled to 0.4 x 0.4 / 0.6 = 0.2667
    (minutes) and 0.1333 (revenue): connect 0.6 / 0.8667 = 0.6923, minutes 0.3077."""
    comp = sc.compare_scenarios(no_orders_case, what_if={"c": {"agent": {"connect_rate": 0.6}}})
    w = comp.weights.set_index(["scenario", "kpi"])["scored_weight"]
    assert w["baseline"].to_dict() == pytest.approx({"connect_rate": 0.5, "effective_talk_minutes": 0.5,
                                                     "revenue": 0.0})
    assert w["c"].to_dict() == pytest.approx({"connect_rate": 0.6 / (0.6 + 0.4 * 0.4 / 0.6),
                                              "effective_talk_minutes": (0.4 * 0.4 / 0.6) / (0.6 + 0.4 * 0.4 / 0.6),
                                              "revenue": 0.0})


def test_a_chart_shows_in_a_jupyter_kernel(tmp_path, monkeypatch):
    """The kit switched a Jupyter kernel's matplotlib to Agg on its first figure, so the
    scenarios notebook showed '<Axes: title=...>' and never a chart, in JupyterLab as in its
    stored outputs; the analyst's own plt.plot stopped showing too. Run as JupyterLab runs
    a kernel (no MPLBACKEND from make test's environment), a figure the cell returns is shown."""
    import nbformat
    from nbclient import NotebookClient

    from salesperf_kit.report import _kernel

    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell("from salesperf_kit import plots\nimport matplotlib.pyplot as plt"),
                nbformat.v4.new_code_cell("plt.plot([1, 2], [3, 1]);")]
    monkeypatch.delenv("MPLBACKEND", raising=False)   # (the kernel inherits this environment)
    NotebookClient(nb, kernel_name=_kernel(), timeout=120, resources={"metadata": {"path": str(tmp_path)}}).execute()
    assert any("image/png" in o.get("data", {}) for o in nb.cells[1].outputs), nb.cells[1].outputs


# ============================================================================= notes of the analysis
@pytest.fixture(scope="module")
def no_spend_case():
    """Two online sales reps with orders and traffic but no ad spend, under a plan with a
    sales-cost discount (35 %, 10 %): sales_cost_ratio cannot be computed, so the scorecard
    discounts nobody."""
    from salesperf_kit.kpis import compute_kpis

    employees = pd.DataFrame({"employee_id": ["s1", "s2"], "name": ["S1", "S2"], "team": "t", "role": "sales_rep"})
    orders = pd.DataFrame([{"order_id": f"o{i}", "employee_id": e, "customer_id": f"c{i}", "amount": a,
                            "order_date": pd.Timestamp("2026-10-05"), "status": "completed"}
                           for i, (e, a) in enumerate([("s1", 1000.0), ("s2", 500.0)])])
    traffic = pd.DataFrame([{"date": pd.Timestamp("2026-10-05"), "employee_id": e, "channel": "web",
                             "inquiries": 10.0} for e in ("s1", "s2")])
    kpis = compute_kpis({"employees": employees, "orders": orders, "traffic": traffic}, "2026-10",
                        kpis=["revenue", "sales_cost_ratio"])
    params = params_from_dict({"business": "online", "scoring": {
        "grading": THRESHOLDS, "roles": {"sales_rep": {"weights": {"revenue": 1}}},
        "bonuses": {"sales_cost": {"limit": 0.35, "discount": 0.1}}}})
    return kpis, score(kpis, params)


def test_sales_cost_note_says_the_ratio_could_not_be_computed(no_spend_case):
    """With kpis= passed, advising to 'pass kpis=' was advice nobody could follow; the
    note now says what the data lack and who counts as over the limit."""
    kpis, card = no_spend_case
    assert "sales_cost_ratio" in kpis.left_out
    assert sc.score_model(card, kpis=kpis).notes == [
        "sales-cost discount: sales_cost_ratio could not be computed (it needs column(s) spend of 'traffic', "
        "which the data do not have), so nobody is treated as over the limit (the scorecard discounted nobody)."]
    zh = sc.compare_scenarios(card, kpis=kpis, language="zh").notes
    assert "销售费用率折扣：无法计算销售费用率（需要数据中没有的「流量」表的「花费」（spend）列），视为无人超出上限（评分卡未对任何人打折）。" in zh
    assert not any("kpis=" in n for n in zh)
    # without kpis= the advice stays
    assert "pass kpis= to read every person's sales_cost_ratio" in sc.score_model(card).notes[0]


def test_a_tie_at_an_end_of_the_sweep_is_not_a_crossing():
    """Weights 0.5 / 0.5, x swept. Scores: P1 100 t, P2 100 t + 50 (1 - t), P3 50 (1 - t).
    P2 and P3 tie at t = 0 only and P1 and P2 at t = 1 only: neither pair changes order
    inside the range, so the one swap is P1 over P3 where 100 t = 50 (1 - t), t = 1/3.
    P2's first place runs from 0 (the tie with P3), printed as 0, not -0."""
    N = pd.DataFrame({"x": [100.0, 100.0, 0.0], "y": [0.0, 50.0, 50.0]}, index=["P1", "P2", "P3"])
    s = sc.sweep(N, {"x": 0.5, "y": 0.5}, "x")
    assert s.crossings[["rises", "falls"]].values.tolist() == [["P1", "P3"]]
    assert s.crossings["weight"].tolist() == pytest.approx([1 / 3])
    p = s.people
    assert p.loc["P2", ["rank", "rank_from", "rank_to"]].tolist() == [1.0, 0.0, 1.0]
    assert p.loc["P3", ["rank", "rank_from", "rank_to"]].tolist() == pytest.approx([3.0, 1 / 3, 1.0])
    numbers = p[["rank_from", "rank_to", "top_k_from", "top_k_to"]].to_numpy(dtype=float)
    assert not np.signbit(numbers).any()
    assert "-0" not in p.to_string()


def test_a_kpi_nobody_has_is_left_out_of_sweep_sensitivity_and_tornado(no_orders_case):
    """Nobody has revenue points: sweeping its weight moved nobody and the tornado drew an
    empty row, which read as 'no effect' where the truth is 'not measured'. The sweep is
    refused, naming why; the one-at-a-time ranges and Sobol leave revenue out and say so,
    and the tornado names it under the chart."""
    m = sc.score_model(no_orders_case)
    with pytest.raises(ScoringError, match=r"'revenue' cannot be swept: nobody of the role 'agent' has points of it"
                                           r".*Sweep a KPI someone has points of: connect_rate, "
                                           r"effective_talk_minutes\."):
        sc.sweep(m, "revenue")
    note = ("left out: revenue for the role 'agent': nobody of the role has points of it this period, so its "
            "weight moves nobody (the scorer shares it out among the other KPIs); 'no effect' would only mean "
            "'not measured'.")
    oat = sc.oat_ranges(m)
    assert oat["kpi"].tolist() == ["connect_rate", "effective_talk_minutes"]
    assert oat.attrs["left_out"] == ["revenue"] and oat.attrs["notes"] == [note]
    assert oat.attrs["notes"][0].zh.startswith("未计入：岗位「agent」的「销售额」：本期该岗位无人有该指标得分")
    s = sc.sensitivity(m, samples=64)
    assert sorted(s["kpi"]) == ["connect_rate", "effective_talk_minutes"]
    assert s.attrs["notes"] == [note]
    ax = sc.tornado(oat, language="zh")
    assert [t.get_text() for t in ax.texts] == ["未计入（本期无人有得分）：销售额"]
    assert sorted(t.get_text() for t in ax.get_yticklabels()) == sorted(["接通率", "有效沟通时长"])


def test_notes_on_a_kpi_nobody_has_name_the_role_as_the_plan_does(no_orders_case):
    """With the role labelled (坐席 / Agent), the notes of the tornado, Sobol and the
    data-driven weights named it by its key: 岗位「agent」 in a Chinese workbook."""
    from dataclasses import replace

    params = params_from_dict({"business": "telesales", "scoring": {"grading": THRESHOLDS, "roles": {"agent": {
        "label": {"zh": "坐席", "en": "Agent"},
        "weights": {"connect_rate": 0.4, "effective_talk_minutes": 0.4, "revenue": 0.2}}}}})
    card = replace(no_orders_case, params=params)
    [note] = sc.oat_ranges(sc.score_model(card)).attrs["notes"]
    assert note.startswith("left out: revenue for the role 'Agent': nobody of the role has points of it")
    assert note.zh.startswith("未计入：岗位「坐席」的「销售额」：本期该岗位无人有该指标得分")
    notes = sc.data_driven_weights(card, "agent", language="zh").attrs["notes"]
    assert any(n.startswith("「销售额」不计：本期岗位「坐席」无人有该指标得分") for n in notes)
    notes = sc.topsis_ranking(card, "agent", language="en").attrs["notes"]
    assert notes[0].startswith("revenue left out: nobody of the role 'Agent' has points of it")

def test_a_base_pay_change_that_reaches_nobody_is_said(demo, pay_case):
    """Every demo employee has a base_pay of their own (55 agents, 5 team leads), which
    overrides the plan's: raising base_pay.default or .team_lead cost 0.00 with no word.
    Where nobody has one (the pay case), base_pay.default: 100 pays 5 x 100 = 500 more,
    and nothing is noted."""
    c = demo.compare(what_if={"base_up": {"incentives": {"base_pay": {"default": 5500}}},
                              "lead_up": {"incentives": {"base_pay": {"team_lead": 9000}}}}, language="en")
    summary = c.summary.set_index("scenario")
    assert summary.loc[["base_up", "lead_up"], "payout_change"].tolist() == [0.0, 0.0]
    tail = ("have a base_pay of their own in the employees table, which overrides the plan's; to cost a raise, "
            "change that column.")
    assert ("scenario 'base_up' changes incentives.base_pay.default, which applies to nobody (so it changes no "
            "payout): all 55 people it would pay " + tail) in c.notes
    assert ("scenario 'lead_up' changes incentives.base_pay.team_lead, which applies to nobody (so it changes no "
            "payout): all 5 people it would pay " + tail) in c.notes
    zh = demo.compare(what_if={"base_up": {"incentives": {"base_pay": {"default": 5500}}}}, language="zh").notes
    assert ("情景「base_up」修改了 incentives.base_pay.default，但不适用于任何人（因此不改变任何薪酬）："
            "它适用的 55 人在员工表中都有自己的基本工资（base_pay），以员工表为准；要测算加薪，请修改该列。") in zh
    kpis, params, card = pay_case
    c = sc.compare_scenarios(card, params, kpis=kpis, language="en",
                             what_if={"base_up": {"incentives": {"base_pay": {"default": 100}}}})
    assert c.summary.set_index("scenario").loc["base_up", "payout_change"] == 500.0
    assert not any("applies to nobody" in n for n in c.notes)


def test_a_quarter_s_plan_cost_says_it_is_not_the_sum_of_its_months(pay_case):
    """The pay case's October orders read as 2026-Q4: the commission tiers apply to the
    quarter's revenue (the same 9,800 here, one month having orders) and base pay would be
    counted once; the comparison says so, and a month says nothing of it."""
    from salesperf_kit.kpis import compute_kpis

    month, params, card = pay_case
    tables = {"employees": month.employees.reset_index(drop=True)[["employee_id", "name", "team", "role"]],
              "orders": month.table("orders")}
    kpis = compute_kpis(tables, "2026-Q4", kpis=["revenue"])
    c = sc.compare_scenarios(score(kpis, params), params, kpis=kpis, language="en")
    assert c.summary.set_index("scenario").loc["baseline", "payout_total"] == 9_800.0
    assert ("2026-Q4 is a quarter: its payouts count base and performance pay once and apply the commission tiers, "
            "gates and caps to the period's totals, as if the plan's amounts were per quarter. If they are per "
            "month, the plan's cost (payout_total, payout_to_revenue) is not the sum of the months': score each "
            "month and add them up for that.") in c.notes
    zh = sc.compare_scenarios(score(kpis, params), params, kpis=kpis, language="zh").notes
    assert any(n.startswith("2026-Q4 为季度：其薪酬只计一次基本工资和绩效工资") for n in zh)
    assert not any("is a quarter" in n for n in sc.compare_scenarios(card, params, kpis=month, language="en").notes)


def test_a_quarter_s_scenario_pay_is_the_sum_of_its_months_as_score_pays_it():
    """The shipped telesales plan pays per month. A 2026-Q3 comparison counted base pay once
    and applied the monthly commission tiers to the quarter's revenue: a baseline of
    743,383.96 where `salesperf score` pays 1,467,789.64, and +79,801.96 for the commission
    scenario where its three months add up to +29,941.45. Each scenario's pay is now the
    sum of its months', each month scored and paid under it."""
    from salesperf_kit.loaders import load_plan_data
    from salesperf_kit.scoring import period_payouts

    params = load_params("telesales")
    data = load_plan_data(params, "demo", period="2026-Q3")
    quarter = sc._score_period(data, params, "2026-Q3")
    c = quarter.compare(language="en")
    summary = c.summary.set_index("scenario")
    assert summary.loc["baseline", "payout_total"] == pytest.approx(
        float(period_payouts(data, params, quarter.scorecard)["total"].sum()), abs=0.005)
    months = [sc._score_period(data, params, m).compare(language="en").summary.set_index("scenario")
              for m in ("2026-07", "2026-08", "2026-09")]
    for name in summary.index:
        assert summary.loc[name, "payout_total"] == pytest.approx(sum(m.loc[name, "payout_total"] for m in months),
                                                                  abs=0.005)
        assert summary.loc[name, "payout_change"] == pytest.approx(sum(m.loc[name, "payout_change"] for m in months),
                                                                   abs=0.005)
    people = c.table[c.table["scenario"] == "baseline"]
    assert people["payout"].sum() == pytest.approx(summary.loc["baseline", "payout_total"], abs=0.005)
    assert not any("is a quarter" in n for n in c.notes)
    assert "2026-Q3's pay is the sum of its months' (incentives.pay_period: month): each month (2026-07, 2026-08, " \
           "2026-09) was scored and paid under each scenario; the scores, ranks and grades are 2026-Q3's." in c.notes
    # a month that cannot be compared (a what-if on a KPI nobody of the role has that month)
    # leaves the quarter's figures as one period, and says so
    def refused(*args):
        raise ScoringError("what_if.x: nobody has points")

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(sc, "_score_period", refused)
        one = quarter.compare(language="en")
    assert any(n.startswith("2026-Q3's pay could not be summed over its months (2026-07: what_if.x: nobody has "
                            "points)") for n in one.notes)
    assert any("is a quarter" in n for n in one.notes)


def test_a_what_if_says_when_it_adds_a_kpi_or_changes_nothing(demo):
    """An analyst's "revenue 30 %" for direct reps, who are weighed on received_revenue,
    added revenue beside it (sales then carried 61.5 % of the score: 14 grade changes), and
    a weight set to the baseline's own passed as a scenario; neither was said."""
    c = demo.compare(what_if={"intent": {"agent": {"intent_rate": 0.10}},
                              "same": {"agent": {"revenue": 0.35}}}, language="en")
    assert ("what_if.intent.agent: intent_rate is not among the KPIs the role is scored on (revenue, close_rate, "
            "intent_customers, calls, connect_rate, effective_talk_minutes, csat, complaint_rate): added with its "
            "weight, the others scaled down to make room; to weigh intent_rate in place of intent_customers, also set "
            "intent_customers: 0.") in c.notes
    assert ("what_if.same.agent: the weights set (revenue 0.35) are the baseline's already, so this what-if is "
            "scored as the baseline.") in c.notes
    weights = c.weights.set_index(["scenario", "role", "kpi"])["weight"]
    assert weights[("intent", "agent", "intent_rate")] == 0.10
    assert weights[("intent", "agent", "revenue")] == pytest.approx(0.35 * 0.9)
    assert not [n for n in demo.compare(what_if={"calls_up": {"agent": {"calls": 0.25}}}, language="en").notes
                if n.startswith("what_if.calls_up")]


def test_a_what_if_of_the_grading_says_how_to_compare_gradings(demo):
    """Grade cut-offs in a what-if were 'nobody in the scorecard has the role grading'; and
    passing another plan to compare_scenarios re-graded the 'baseline' with it, unsaid."""
    with pytest.raises(ScoringError, match=r"what_if.g.grading: a what-if changes the weights of roles .* not the "
                                           r"plan's scoring or grading. Fix: to compare other grade cut-offs"):
        demo.compare(what_if={"g": {"grading": {"thresholds": {"S": 95}}}})
    data = demo.params.model_dump(exclude={"source"})
    data["scoring"]["grading"]["distribution"] = {"A": 0.1, "B": 0.8, "C": 0.1}
    other = params_from_dict(data)
    c = sc.compare_scenarios(demo.scorecard, other, kpis=demo.kpis, targets=demo.targets, ratings=demo.ratings,
                             language="en")
    assert any(n.startswith("the parameters passed grade otherwise than the scorecard's (scoring.grading)")
               for n in c.notes)
    assert not any("grade otherwise" in n for n in demo.compare(language="en").notes)


def test_a_comparison_where_nobody_is_scored_counts_no_changes(ad_buyers_without_orders):
    """A client's first data (the Maven pipeline without targets) scored nobody: the summary
    read '0 rank changes, 0 grade changes' for every scenario, as if the scenario changed
    nothing, and a payout share of revenue beside a total it could not give."""
    folder, plan = ad_buyers_without_orders
    inp = sc.scenario_inputs(business="online", params_file=plan, data_path=str(folder), period="2026-10")
    assert inp.scorecard.table["score"].isna().all()
    summary = inp.compare(language="en").summary
    row = summary.set_index("scenario").loc["baseline"]
    assert row[["rank_changes", "largest_move", "grade_changes"]].isna().all()
    assert np.isnan(row["payout_total"]) and np.isnan(row["payout_to_revenue"])


def test_a_weight_nobody_has_points_of_says_when_it_is_0_over_0_for_all():
    """The online demo's customer service is weighed 30 % on inquiry conversion, and none of
    them has an inquiry: the note said nobody had points of it, and not why."""
    from salesperf_kit.params import PARAMS_DIR

    inp = sc.scenario_inputs(business="online", params_file=PARAMS_DIR / "online.yaml", data_path="demo",
                             period="2026-10")
    notes = inp.compare(language="en").notes
    assert ("the plan weighs inquiry_conversion for the role 'customer_service', but nobody of that role has points "
            "of it this period (inquiry_conversion is 0 / 0 for each of them: none had what it is measured over): the "
            "baseline and every scenario share the weight out over the other KPIs.") in notes


def test_save_results_in_chinese_names_sheets_roles_kpis_and_headers(demo, tmp_path):
    """The notebook's zh workbook had sheets summary ... data_weights, roles agent /
    team_lead, KPIs revenue, headers rank_from, p_A, S1, plan, a monte_carlo_summary in
    English, and 'baseline' beside 基准; it now reads as the command's workbook does."""
    comp = sc.compare_scenarios(demo.scorecard, demo.params, language="zh")
    model = demo.model("agent")
    path = sc.save_results(tmp_path, comparison=comp, sweep=sc.sweep(model, "revenue"),
                           monte_carlo=sc.monte_carlo(model, draws=50),
                           sensitivity=sc.sensitivity(demo.model(), samples=16),
                           weights=sc.data_driven_weights(demo.scorecard, "agent"), language="zh")[0]
    sheets = pd.read_excel(path, sheet_name=None, engine="openpyxl")
    assert list(sheets) == ["汇总", "人员明细", "权重", "权重扫描", "名次交叉点", "蒙特卡洛", "蒙特卡洛汇总", "敏感性",
                            "数据驱动权重"]
    ascii_heads = {name: [h for h in t.columns if str(h).isascii() and str(h) not in ("Kendall τ", "Spearman ρ")]
                   for name, t in sheets.items()}
    assert ascii_heads == {name: [] for name in sheets}
    assert list(sheets["名次交叉点"].columns) == ["交叉点权重", "上升者工号", "下降者工号", "上升者", "下降者"]
    assert [h for h in sheets["蒙特卡洛"].columns if "等级概率" in h] == ["A 等级概率", "B 等级概率", "C 等级概率"]
    assert list(sheets["数据驱动权重"].columns) == ["指标", "方案权重", "熵权法权重", "CRITIC 权重", "AHP 权重"]
    assert list(sheets["敏感性"].columns[:3]) == ["岗位", "指标", "权重"]
    assert set(sheets["敏感性"]["岗位"]) == {"坐席", "组长"}   # every role's weights varied, by the plan's labels
    assert sheets["蒙特卡洛汇总"].iloc[:2].values.tolist() == [["抽样方法", "dirichlet"], ["抽样次数", 50]]
    assert set(sheets["人员明细"]["岗位"]) == {"坐席", "组长"} and set(sheets["权重扫描"]["岗位"]) <= {"坐席", "组长"}
    assert "销售额" in set(sheets["权重"]["指标"]) and "revenue" not in set(sheets["权重"]["指标"])
    assert sheets["汇总"]["情景"].iloc[0] == "基准" and "baseline" not in set(sheets["人员明细"]["情景"])


def test_weight_sliders_speak_the_language(demo):
    """The zh sliders were headed <b>agent</b> and their table read name, team, role ...
    with role 'agent'."""
    box = sc.weight_sliders(demo.scorecard, "agent", language="zh")
    assert box.children[0].value == "<b>坐席</b>"
    assert list(box.shown.columns) == ["姓名", "团队", "岗位", "得分", "排名", "等级", "基准排名", "名次变化"]
    assert box.shown.index.name == "工号" and set(box.shown["岗位"]) == {"坐席"}
    assert "rank_change" in box.table     # the latest ranking keeps its column names for code
    assert sc.weight_sliders(demo.scorecard, "agent", language="en").children[0].value == "<b>Agent</b>"


def test_largest_move_is_a_whole_number(demo):
    """The console showed largest_move as 6.0 where the workbook shows 6."""
    moves = sc.compare_scenarios(demo.scorecard, demo.params).summary["largest_move"]
    assert all(type(v) is int for v in moves) and moves.dtype.kind == "i"


def test_the_terminal_summary_reads_as_the_workbook_heads_it():
    """`salesperf scenarios` printed the raw frame to the terminal (scenario, kendall_tau,
    payout_total, 495490.12) under a Chinese plan: it now prints the summary sheet's
    headers in the plan's language, money to the cent with its unit, and no index."""
    from salesperf_kit.params import PARAMS_DIR

    params = load_params(PARAMS_DIR / "telesales.yaml")
    table = pd.DataFrame()
    table.attrs["summary"] = pd.DataFrame({
        "scenario": ["baseline", "提成上调"], "label": ["基准", "提成比例上调"], "kendall_tau": [1.0, 0.94689],
        "payout_total": [495490.12, 506787.5], "payout_change": [0.0, 11297.38], "payout_to_revenue": [0.164833, 0.168592]})
    zh = sc.summary_text(table, params).splitlines()
    # (the shipped plan's money is in yuan)
    assert zh[0].split() == ["情景", "情景说明", "Kendall", "τ", "薪酬总额（元）", "薪酬变化（元）", "薪酬占销售额比例"]
    assert zh[2].split() == ["提成上调", "提成比例上调", "0.947", "506,787.50", "+11,297.38", "16.9%"]
    plan = params.model_copy(update={"report": params.report.model_copy(update={"currency": "CNY"})})
    en = sc.summary_text(table, plan, language="en").splitlines()
    assert en[0] == "Scenario Description Kendall τ Total payout (CNY) Payout change (CNY) Payout to revenue"
    assert en[1].split() == ["Baseline", "基准", "1.000", "495,490.12", "+0.00", "16.5%"]
    assert sc.summary_text(pd.DataFrame(), params) == ""
