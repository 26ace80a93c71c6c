"""Benchmark: many weight scenarios scored, ranked and graded at once.

10,000 weight scenarios (Dirichlet around the plan) x 2,000 people x 12 KPIs: every
person's score, rank, grade and top-k place in every scenario, counted per person
(:func:`salesperf_kit.scenarios.simulate`). The same scenarios are then run through the
kit's own one-scenario scorer, :func:`salesperf_kit.scoring.score`, in a loop over a
sample of them, and that time is extrapolated to all of them.

Run from the repository root::

    .venv/bin/python benchmarks/scenarios.py [--scenarios 10000] [--people 2000] [--sample 50]

Prints ``seconds=<s>`` (the vectorised run), the loop's extrapolated time, and ends with
``ratio=<loop / vectorised>``.
"""
from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from salesperf_kit import scenarios as sc  # noqa: E402
from salesperf_kit.kpis import KPIResult  # noqa: E402
from salesperf_kit.params import params_from_dict  # noqa: E402
from salesperf_kit.periods import parse_period  # noqa: E402
from salesperf_kit.scoring import assign_grades, rank, score  # noqa: E402

KPIS = ["revenue", "orders", "aov", "margin", "new_customers", "repurchase_rate", "complaint_rate", "csat",
        "calls", "connect_rate", "close_rate", "refund_rate"]
WEIGHTS = [0.25, 0.05, 0.05, 0.10, 0.10, 0.05, 0.05, 0.10, 0.05, 0.05, 0.10, 0.05]


def make_inputs(people: int, seed: int = 0):
    """A plan with one role weighing 12 KPIs (percentile points, forced 20/70/10 grades)
    and a KPI result of ``people`` salespeople with random KPI values."""
    rng = np.random.default_rng(seed)
    params = params_from_dict({
        "business": "telesales", "language": "en",
        "scoring": {"normalisation": {"method": "percentile"},
                    "roles": {"agent": {"weights": dict(zip(KPIS, WEIGHTS))}},
                    "grading": {"method": "forced", "distribution": {"A": 0.2, "B": 0.7, "C": 0.1}}},
        "scenarios": {"top_k": 3},
    })
    ids = [f"E{i:05d}" for i in range(people)]
    wide = pd.DataFrame({"employee_id": ids, "name": ids, "team": [f"T{i % 40}" for i in range(people)],
                         "role": "agent"})
    for k in KPIS:
        wide[k] = rng.lognormal(3.0, 0.6, people)
    kpis = KPIResult(period=parse_period("2026-10"), kpis=list(KPIS), facts=pd.DataFrame(index=pd.Index(ids)),
                     long=pd.DataFrame(), wide=wide, notices=[], options={})
    return params, kpis


def with_weights(params, weights: np.ndarray):
    data = params.model_dump(exclude={"source"})
    data["scoring"]["roles"]["agent"]["weights"] = dict(zip(KPIS, map(float, weights)))
    return params_from_dict(data)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--scenarios", type=int, default=10_000)
    ap.add_argument("--people", type=int, default=2_000)
    ap.add_argument("--sample", type=int, default=50,
                    help="scenarios run through the one-scenario scorer (about 1 s each at 2,000 people)")
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()

    params, kpis = make_inputs(args.people)
    card = score(kpis, params)
    model = sc.score_model(card)
    W = sc.draw_weights(model, draws=args.scenarios, concentration=50, seed=1).to_numpy()
    print(f"scenarios={args.scenarios} people={args.people} kpis={len(KPIS)} grading=forced top_k={model.top_k} "
          f"cpus={os.cpu_count()}")

    sc.simulate(model, W[:200])                       # warm-up (imports, allocator)
    times = []
    for _ in range(args.repeat):
        start = time.perf_counter()
        sim = sc.simulate(model, W)
        times.append(time.perf_counter() - start)
    seconds = statistics.median(times)
    probs = sim.probabilities()
    print(f"seconds={seconds:.3f}  (vectorised simulate: scores, ranks, grades and top-k of every person in every "
          f"scenario; median of {args.repeat} runs: {', '.join(f'{t:.3f}' for t in times)})")
    print(f"  P(grade A) of the first person {probs['p_A'].iloc[0]:.3f}, P(top 3) {probs['p_top_k'].iloc[0]:.3f}")

    # the kit's one-scenario scorer, looped over a sample of the same scenarios
    sample = W[np.linspace(0, len(W) - 1, args.sample).astype(int)]
    grade_counts = np.zeros((args.people, 3), dtype=int)
    top = np.zeros(args.people, dtype=int)
    start = time.perf_counter()
    for w in sample:
        t = score(kpis, with_weights(params, w)).table.set_index("employee_id").loc[model.people.index]
        top += (t["rank"] <= model.top_k).to_numpy()
        for j, g in enumerate("ABC"):
            grade_counts[:, j] += (t["grade"] == g).to_numpy()
    per = (time.perf_counter() - start) / args.sample
    loop = per * args.scenarios
    check = sc.simulate(model, sample)
    same = np.array_equal(check.grade_counts, grade_counts) and np.array_equal(check.top_k_counts, top)
    print(f"loop_seconds={loop:.1f}  (scoring.score looped over {args.sample} of the scenarios, "
          f"{per * 1000:.1f} ms each, extrapolated to {args.scenarios}; its grades and top-k places "
          f"{'match' if same else 'DO NOT match'} the vectorised run on those scenarios)")

    # the per-scenario path without the KPI normalisation: ScoreModel + scoring.rank/assign_grades
    start = time.perf_counter()
    for w in sample:
        s = pd.Series(model.scores(w), index=model.people.index)
        rank(s, tie="min")
        assign_grades(s, model.grading)
    per_model = (time.perf_counter() - start) / args.sample
    print(f"loop_model_seconds={per_model * args.scenarios:.1f}  (one scenario at a time with the same score model, "
          f"scoring.rank and scoring.assign_grades, {per_model * 1000:.1f} ms each, extrapolated)")
    print(f"ratio={loop / seconds:.0f}")


if __name__ == "__main__":
    main()
