"""Parameter files: extends and deep merge, and every rejection names the file and key path."""
from __future__ import annotations

import re

import pytest

from salesperf_kit.catalogue import BUSINESSES
from salesperf_kit.exceptions import ParamsError
from salesperf_kit.params import PARAMS_DIR, deep_merge, load_params, params_from_dict

MINIMAL = {"business": "telesales", "scoring": {"roles": {"agent": {"weights": {"revenue": 0.6, "calls": 0.4}}}}}


def _write(tmp_path, name: str, text: str):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def _error_of(path) -> str:
    """The message of the ParamsError that loading ``path`` raises."""
    with pytest.raises(ParamsError) as err:
        load_params(path)
    return str(err.value)


@pytest.mark.parametrize("business", BUSINESSES)
def test_shipped_files_are_valid(business):
    p = load_params(PARAMS_DIR / f"{business}.yaml")
    assert p.business == business
    for spec in p.scoring.roles.values():
        assert sum(spec.weights.values()) == pytest.approx(1.0)


def test_deep_merge_rules():
    base = {"a": {"x": 1, "y": 2}, "l": [1, 2], "k": 5, "scoring": {"roles": {"r": {"weights": {"p": 0.5, "q": 0.5}}}}}
    over = {"a": {"y": 3, "z": 4}, "l": [9], "k": None, "scoring": {"roles": {"r": {"weights": {"p": 1.0}}}}}
    got = deep_merge(base, over)
    assert got["a"] == {"x": 1, "y": 3, "z": 4}  # mappings merge key by key
    assert got["l"] == [9]  # lists replace
    assert "k" not in got  # null removes
    assert got["scoring"]["roles"]["r"]["weights"] == {"p": 1.0}  # weights replace whole (they sum to 1)
    assert base["a"] == {"x": 1, "y": 2}  # inputs untouched


def test_client_file_extends_and_overrides_only_what_it_names(tmp_path):
    (tmp_path / "clients").mkdir()
    _write(tmp_path, "base.yaml", (PARAMS_DIR / "telesales.yaml").read_text(encoding="utf-8"))
    client = _write(tmp_path / "clients", "acme.yaml", (
        "extends: ../base.yaml\n"
        "kpi_options: {effective_talk_seconds: 45}\n"
        "scoring:\n  roles:\n    agent:\n      weights: {revenue: 0.5, calls: 0.5}\n"
        "report: {client: Acme}\n"))
    p = load_params(client)
    assert p.kpi_options.effective_talk_seconds == 45
    assert p.kpi_options.revenue_basis == "ordered"  # from the base
    assert p.scoring.roles["agent"].weights == {"revenue": 0.5, "calls": 0.5}
    assert "team_lead" in p.scoring.roles  # untouched role kept
    assert p.report.client == "Acme" and p.report_language == "zh"


def test_a_client_file_that_restates_the_grades_replaces_them_whole(tmp_path):
    """A client plan extending telesales (A 20 / B 70 / C 10) with S 10 / A 20 / B 40 / C 20 /
    D 10 kept the base's order A, B, C, S, D: people ranked 48-53 of 59 got S (x1.5), the
    top 6 A. And a direct plan (S to D) restating A 20 / B 60 / C 20 failed: "shares that
    sum to 1, found 1.2", the base's S and D merged in."""
    import pandas as pd

    from salesperf_kit.scoring import assign_grades

    client = _write(tmp_path, "acme.yaml", (
        "extends: telesales\n"
        "scoring:\n  grading:\n    distribution: {S: 0.1, A: 0.2, B: 0.4, C: 0.2, D: 0.1}\n"
        "    labels: {zh: {S: 卓越, D: 不合格}}\n"
        "incentives:\n  grade_multipliers: {S: 1.5, D: 0}\n"))
    p = load_params(client)
    assert list(p.scoring.grading.distribution) == ["S", "A", "B", "C", "D"]
    assert p.incentives.grade_multipliers == {"A": 1.3, "B": 1.0, "C": 0.5, "S": 1.5, "D": 0.0}
    # 10 people, scores 100 down to 10: S 1, A 2, B 4, C 2, D 1, from the top
    scores = pd.Series([100.0 - 10 * i for i in range(10)], index=[f"e{i}" for i in range(10)])
    assert assign_grades(scores, p.scoring.grading).tolist() == ["S", "A", "A", "B", "B", "B", "B", "C", "C", "D"]
    # restating fewer grades drops the base's others from the maps keyed by grade it inherits
    p = load_params(_write(tmp_path, "d.yaml", "extends: direct\n"
                                                "scoring:\n  grading:\n    distribution: {A: 0.2, B: 0.6, C: 0.2}\n"))
    assert p.scoring.grading.distribution == {"A": 0.2, "B": 0.6, "C": 0.2}
    assert list(p.scoring.grading.labels["zh"]) == ["A", "B", "C"]
    assert list(p.incentives.grade_multipliers) == ["A", "B", "C"]


@pytest.mark.parametrize("lines, expected", [
    ("", "zh"),                                       # the base file's top-level language
    ("language: en\n", "en"),                         # top-level, as in the base files
    ("report: {language: en}\n", "en"),               # the report section
    ("language: en\nreport: {language: zh}\n", "zh"),  # the report section wins
])
def test_one_report_language_for_reports_scorecards_and_explanations(tmp_path, lines, expected):
    _write(tmp_path, "base.yaml", (PARAMS_DIR / "telesales.yaml").read_text(encoding="utf-8"))
    p = load_params(_write(tmp_path, "c.yaml", "extends: base.yaml\n" + lines))
    assert p.report_language == expected


def test_extends_by_business_name_and_circular_extends(tmp_path):
    p = load_params(_write(tmp_path, "c.yaml", "extends: direct\nreport: {client: X}\n"))
    assert p.business == "direct" and p.report.client == "X"
    _write(tmp_path, "a.yaml", "extends: b.yaml\n")
    _write(tmp_path, "b.yaml", "extends: a.yaml\n")
    with pytest.raises(ParamsError, match="circle"):
        load_params(tmp_path / "a.yaml")
    with pytest.raises(ParamsError, match="does not exist"):
        load_params(_write(tmp_path, "d.yaml", "extends: nowhere.yaml\n"))
    # a slip in the key or the plan's name is told what it was probably meant to be
    with pytest.raises(ParamsError, match=r"name a shipped plan \(extends: telesales; one of"):
        load_params(_write(tmp_path, "e.yaml", "extends: telesale\n"))
    with pytest.raises(ParamsError, match=r"extend \(line 1\): unknown key. Did you mean 'extends'\?"):
        load_params(_write(tmp_path, "f.yaml", "extend: telesales\nbusiness: telesales\n"))


def test_unknown_key_names_file_path_and_suggests(tmp_path):
    path = _write(tmp_path, "p.yaml", "extends: telesales\nscoring:\n  grading: {methd: forced}\n")
    with pytest.raises(ParamsError) as err:
        load_params(path)
    text = str(err.value)
    assert str(path) in text and "scoring.grading.methd" in text and "Did you mean 'method'?" in text


def test_weights_must_sum_to_one():
    bad = {**MINIMAL, "scoring": {"roles": {"agent": {"weights": {"revenue": 0.6, "calls": 0.3}}}}}
    with pytest.raises(ParamsError, match=r"scoring\.roles\.agent\.weights: the weights must sum to 1, but they sum to 0\.9"):
        params_from_dict(bad)


def test_a_scenario_or_phase_weight_set_is_named_by_its_role_key():
    """0.30 + 0.60 = 0.90 under scenarios.scenarios.rev30.roles.agent: the error names that
    key (the file has no ``roles.weights``), and so does a phase's weight set."""
    bad = {**MINIMAL, "scenarios": {"scenarios": {"rev30": {"roles": {"agent": {"revenue": 0.3, "calls": 0.6}}}}}}
    with pytest.raises(ParamsError) as err:
        params_from_dict(bad)
    assert err.value.errors == ["scenarios.scenarios.rev30.roles.agent: the weights must sum to 1, but they sum to "
                                "0.9 (revenue=0.3, calls=0.6). Fix: change them by +0.1 in all, so that they add "
                                "up to 1"]
    bad = {**MINIMAL, "scoring": {**MINIMAL["scoring"], "phases": [
        {"name": "launch", "months": [3], "roles": {"agent": {"revenu": 1.0}}}]}}
    with pytest.raises(ParamsError) as err:
        params_from_dict(bad)
    assert err.value.errors == ["scoring.phases (item 1).roles.agent: 'revenu' in weights is not a KPI of the catalogue. "
                                "Did you mean 'revenue'?"]


def test_kpi_not_in_catalogue_is_rejected_with_suggestion():
    bad = {**MINIMAL, "scoring": {"roles": {"agent": {"weights": {"revenu": 1.0}}}}}
    with pytest.raises(ParamsError, match="'revenu' in weights is not a KPI of the catalogue. Did you mean 'revenue'"):
        params_from_dict(bad)
    with pytest.raises(ParamsError, match=r"kpis: 'clicks' in kpis is not a KPI"):
        params_from_dict({**MINIMAL, "kpis": ["clicks"]})


def test_wrong_types_and_values():
    with pytest.raises(ParamsError) as err:
        params_from_dict({**MINIMAL, "report": {"language": "fr", "top_n": "ten"}})
    text = str(err.value)
    assert "report.language" in text and "'fr'" in text and "report.top_n" in text
    with pytest.raises(ParamsError, match="business"):
        params_from_dict({**MINIMAL, "business": "retail"})


@pytest.mark.parametrize("section, message", [
    ({"incentives": {"commission": {"tiers": [{"above": 100, "rate": 0.1}, {"above": 0, "rate": 0.2}]}}},
     "strictly ascending"),
    ({"scoring": {**MINIMAL["scoring"], "grading": {"method": "forced", "distribution": {"A": 0.2, "B": 0.7}}}},
     "sum to 1, found 0.9"),
    ({"targets": {"profile": [10] * 12}}, "must sum to 100, found 120"),
    ({"scenarios": {"ahp": {"agent": {"kpis": ["revenue", "calls"], "matrix": [[1, 3], [0.5, 1]]}}}},
     "reciprocal"),
    ({"scoring": {**MINIMAL["scoring"], "default_role": "agnet"}}, "Did you mean 'agent'"),
])
def test_rule_level_rejections(section, message):
    with pytest.raises(ParamsError, match=message):
        params_from_dict({**MINIMAL, **section})


def test_a_role_compared_with_another_names_one_that_compares_with_none():
    roles = {"agent": {"weights": {"revenue": 1.0}}, "lead": {"weights": {"calls": 1.0}, "peers": "agent"},
             "head": {"weights": {"calls": 1.0}}}
    p = params_from_dict({**MINIMAL, "scoring": {"roles": roles, "default_role": "lead"}})
    assert [p.peer_group(r) for r in ("agent", "lead", "intern", "head")] == ["agent", "agent", "agent", "head"]
    for peers, message in [
            ("agnet", "scoring: roles.lead.peers is 'agnet', which is not another role of the plan "
                      "['agent', 'lead', 'head']. Did you mean 'agent'? Fix: name the role"),
            ("lead", "roles.lead.peers is 'lead', which is not another role"),
            ("head", None)]:
        bad = {**roles, "lead": {**roles["lead"], "peers": peers}}
        if message is None:  # a chain: head compares with none, so lead -> head is fine ...
            assert params_from_dict({**MINIMAL, "scoring": {"roles": bad}}).peer_group("lead") == "head"
            bad["head"] = {**bad["head"], "peers": "agent"}  # ... until head compares with another in turn
            message = ("roles.lead.peers is 'head', whose people are compared with 'agent' in turn. "
                       "Fix: name 'agent' here")
        with pytest.raises(ParamsError) as err:
            params_from_dict({**MINIMAL, "scoring": {"roles": bad}})
        assert message in str(err.value)


@pytest.mark.parametrize("section, message", [
    # a month past December is said the way a misspelt month name is, with how to write it
    ({"targets": {"promotions": [{"name": "618", "month": 13}]}},
     "targets.promotions (item 1).month: promotion month: '13' is not a month; write 1-12, jan-dec or 1月-12月"),
    ({"targets": {"promotions": [{"name": "618", "month": 0}]}},
     "targets.promotions (item 1).month: promotion month: '0' is not a month"),
    # a promotion by its date takes the date's month; not a date, or both, is said
    ({"targets": {"promotions": [{"name": "年货节", "date": "soon"}]}},
     "targets.promotions (item 1): date: 'soon' is not a date; write it as 2027-01-20"),
    ({"targets": {"promotions": [{"name": "年货节", "date": "2027-01-20", "month": 2}]}},
     "targets.promotions (item 1): give the promotion's month or its date, not both"),
    # a misspelt choice gets the nearest one
    ({"targets": {"method": "histroy"}},
     "targets.method: Input should be 'history', 'capacity' or 'equal' (found 'histroy'). Did you mean 'history'?"),
    # the right word in capitals is the nearest
    ({"targets": {"method": "EQUAL"}}, "(found 'EQUAL'). Did you mean 'equal'?"),
])
def test_targets_section_errors_say_how_to_fix(section, message):
    with pytest.raises(ParamsError) as err:
        params_from_dict({**MINIMAL, **section})
    assert message in str(err.value)


def test_ahp_accepts_saaty_fractions():
    p = params_from_dict({**MINIMAL, "scenarios": {"ahp": {"agent": {"kpis": ["revenue", "calls"],
                                                                     "matrix": [[1, 3], ["1/3", 1]]}}}})
    assert p.scenarios.ahp["agent"].matrix[1][0] == pytest.approx(1 / 3)


def test_yaml_errors_name_the_line_and_unsafe_tags_are_refused(tmp_path):
    with pytest.raises(ParamsError, match="line 3, column 1"):  # a tab where YAML wants spaces
        load_params(_write(tmp_path, "a.yaml", "business: telesales\nscoring:\n\troles: {}\n"))
    with pytest.raises(ParamsError, match="mapping"):
        load_params(_write(tmp_path, "b.yaml", "- just\n- a list\n"))
    # a '}' missing at the end of line 2: the parser notices on line 3 and says where the {...} began
    with pytest.raises(ParamsError) as err:
        load_params(_write(tmp_path, "d.yaml", "business: telesales\ndata: {columns: {}\nscoring: {}\n"))
    assert "line 3" in str(err.value) and "flow mapping that starts at line 2" in str(err.value)
    assert "     2 | data: {columns: {}" in str(err.value)
    with pytest.raises(ParamsError):  # safe_load: no Python objects from a parameter file
        load_params(_write(tmp_path, "c.yaml", "business: !!python/object/apply:os.system ['true']\n"))
    with pytest.raises(ParamsError, match="does not exist"):
        load_params(tmp_path / "missing.yaml")


def test_null_for_a_key_the_base_does_not_have_is_an_error(tmp_path):
    base = {"scoring": {"roles": {"agent": {"weights": {"revenue": 1.0}}, "customer_service": {}}}}
    with pytest.raises(ParamsError) as err:
        deep_merge(base, {"scoring": {"roles": {"customer_servce": None}}})
    text = str(err.value)
    assert text.startswith("scoring.roles.customer_servce: null removes a key")
    assert "nothing to remove here" in text and "keys the base file sets here: agent, customer_service)" in text
    assert "keys the base file sets here: agent, customer_service). Did you mean 'customer_service'? Fix:" in text
    # the same typo in a client file names the file
    _write(tmp_path, "base.yaml", (PARAMS_DIR / "online.yaml").read_text(encoding="utf-8"))
    client = _write(tmp_path, "c.yaml", "extends: base.yaml\nscoring:\n  roles:\n    customer_servce: null\n")
    with pytest.raises(ParamsError, match=r"c\.yaml: scoring\.roles\.customer_servce \(line 4\): "
                                          r".*Did you mean 'customer_service'\?"):
        load_params(client)
    # a key that exists is removed, as before
    ok = _write(tmp_path, "d.yaml", "extends: base.yaml\nscoring:\n  roles:\n    customer_service: null\n")
    assert "customer_service" not in load_params(ok).scoring.roles


def test_null_for_a_key_the_base_does_not_have_gives_its_line_and_every_key_there(tmp_path):
    """The error named no line, and listed only the keys the base files still set: a key an
    intermediate file had removed (commission) was left out, and with it the "did you mean"."""
    _write(tmp_path, "mid.yaml", "extends: direct\nreport: {client: X}\nincentives: {commission: null}\n")
    typo = _write(tmp_path, "typo.yaml", "extends: mid.yaml\nincentives:\n  comission: null\n")
    assert _error_of(typo) == (
        f"{typo}: incentives.comission (line 3): null removes a key of the base file, but there is nothing to "
        "remove here: it has no 'comission' (keys the base file sets here: base_pay, performance_pay, "
        "grade_multipliers, prorate, pay_period, awards, clawback; the others allowed here: commission, over_target, "
        "team_pool). Did you mean 'commission'? Fix: correct the key, or delete the line.")
    again = _write(tmp_path, "again.yaml", "extends: mid.yaml\nincentives:\n  commission: null\n")
    assert _error_of(again) == (
        f"{again}: incentives.commission (line 3): null removes a key of the base file, but there is nothing to "
        "remove here: it does not set 'commission', so its default applies already (keys it sets here: base_pay, "
        "performance_pay, grade_multipliers, prorate, pay_period, awards, clawback). Fix: delete the line.")
    role = _write(tmp_path, "role.yaml", "extends: direct\nscoring:\n  roles:\n    senior: null\n")
    assert _error_of(role) == (
        f"{role}: scoring.roles.senior (line 4): null removes a key of the base file, but there is nothing to "
        "remove here: it has no 'senior' (keys the base file sets here: rep, senior_rep, manager, director). "
        "Did you mean 'senior_rep'? Fix: correct the key, or delete the line.")


def test_engine_options_are_the_kpi_options_and_the_reviewer_weights():
    p = load_params(PARAMS_DIR / "telesales.yaml")
    opts = p.engine_options
    assert opts["reviewer_weights"] == {"self": 0.1, "manager": 0.5, "peer": 0.4, "customer": 0.0}
    assert opts["effective_talk_seconds"] == 60 and opts["revenue_basis"] == "ordered"
    assert set(opts) == set(p.kpi_options.model_dump()) | {"reviewer_weights"}


def test_which_data_a_plan_runs_on(tmp_path):
    """--data wins; else data.path (relative to the file naming it, also through extends);
    the demo data only for a shipped plan that maps no client export."""
    assert load_params(PARAMS_DIR / "online.yaml").data_source() == "demo"
    assert load_params("online").data_source() == "demo"
    assert load_params("online").data_source("exports/2026-10") == "exports/2026-10"
    plans = tmp_path / "plans"  # the data folder lies beside the plans' folder, inside tmp_path
    (plans / "clients").mkdir(parents=True)
    (tmp_path / "acme-data").mkdir()
    (plans / "clients" / "beta.xlsx").write_bytes(b"")  # (exists: data_source checks that)
    _write(plans, "base.yaml", "extends: online\ndata: {path: ../acme-data}\n")
    inherited = load_params(_write(plans / "clients", "acme.yaml", "extends: ../base.yaml\n"))
    assert inherited.data_source() == str(plans / "../acme-data")  # relative to base.yaml, not to acme.yaml
    own = load_params(_write(plans / "clients", "beta.yaml", "extends: ../base.yaml\ndata: {path: beta.xlsx}\n"))
    assert own.data_source() == str(plans / "clients" / "beta.xlsx")
    assert own.data_source("demo") == "demo"
    assert "path" not in own.data.as_mapping()  # not a loader option
    for text in ("extends: online\nreport: {client: Gamma}\n",                     # a client file, no data named
                 "extends: online\ndata: {files: {orders: sales.csv}}\n"):          # maps a client's export
        with pytest.raises(ParamsError, match=r"gamma.yaml: which data\?.*--data.*data\.path"):
            load_params(_write(tmp_path, "gamma.yaml", text)).data_source()


def test_a_data_path_that_names_nothing_gives_its_key_line_and_the_closest_sibling(tmp_path):
    """A mistyped data.path came out of the loaders or click, naming neither the key nor
    its line; the folder the consultant meant sat beside the one named."""
    (tmp_path / "maven_crm_sales_opportunities").mkdir()
    (tmp_path / "superstore").mkdir()
    plan = _write(tmp_path, "acme.yaml", "extends: online\nreport: {client: Acme}\ndata:\n  path: maven_crm\n")
    with pytest.raises(ParamsError) as err:
        load_params(plan).data_source()
    assert str(err.value) == (
        f"{plan}: data.path (line 4) names {tmp_path / 'maven_crm'}, which does not exist (neither a folder nor a "
        f"workbook of that name). Did you mean '{tmp_path / 'maven_crm_sales_opportunities'}'? Fix: point "
        "data.path (relative to the file that writes it) at the folder of the client's exports or their "
        "workbook, or give the data when running (--data; data_path in a notebook).")
    # a typo is matched too, and a key written in the base file is named with that file
    _write(tmp_path, "base.yaml", "extends: online\ndata: {path: superstor}\n")
    client = _write(tmp_path, "client.yaml", "extends: base.yaml\nreport: {client: Beta}\n")
    with pytest.raises(ParamsError, match=r"data\.path \(base\.yaml, line 2\) names .*superstor, which does "
                                          r"not exist .* Did you mean '.*superstore'\?"):
        load_params(client).data_source()
    # a folder whose name starts the one written (a copy's suffix, a date added)
    (tmp_path / "callx").mkdir()
    for written in ("callx_missing", "callx_2026-10"):
        late = _write(tmp_path, "late.yaml", f"extends: online\ndata: {{path: {written}}}\n")
        with pytest.raises(ParamsError, match=rf"names .*{written}, which does not exist .* Did you mean "
                                              rf"'{re.escape(str(tmp_path / 'callx'))}'\?"):
            load_params(late).data_source()
    # no folder beside it: the nearest folder that exists
    far = _write(tmp_path, "far.yaml", "extends: online\ndata: {path: nowhere/acme}\n")
    with pytest.raises(ParamsError, match=r"Its folder .*nowhere does not exist either; the nearest that does is "):
        load_params(far).data_source()
    assert load_params(far).data_source("demo") == "demo"  # data given when running: data.path is not read


def test_a_key_written_twice_is_refused(tmp_path):
    path = _write(tmp_path, "dup.yaml", "extends: online\nincentives:\n  base_pay: {default: 1234}\n"
                                        "report: {client: X}\nincentives:\n  performance_pay: {default: 100}\n")
    with pytest.raises(ParamsError) as err:
        load_params(path)
    assert str(err.value) == (
        f"{path}: not valid YAML at line 5, column 1: the key 'incentives' is written twice in the same section "
        "(first on line 2); the second would replace the first. Fix: merge the two into one\n"
        "     4 | report: {client: X}\n     5 | incentives:")


def test_a_key_written_twice_on_one_line_is_refused(tmp_path):
    # {revenue: 0.30, ..., revenue: 0.2}: the last one silently won, and the sum was reported with 0.2
    path = _write(tmp_path, "dup.yaml", "extends: telesales\nscenarios:\n  scenarios:\n    s:\n      roles:\n"
                                        "        agent: {revenue: 0.3, calls: 0.7, revenue: 0.2}\n")
    assert _error_of(path) == (
        f"{path}: not valid YAML at line 6, column 43: the key 'revenue' is written twice in the same section "
        "(first at column 17 of line 6); the second would replace the first. Fix: merge the two into one\n"
        "     5 |       roles:\n     6 |         agent: {revenue: 0.3, calls: 0.7, revenue: 0.2}")


@pytest.mark.parametrize("settings, message", [
    ("{concentration: 0}", "scenarios.concentration (line 2): expected a number above 0, found 0. "
                           "Fix: write a number above 0"),
    ('{top_k: "3"}', "scenarios.top_k (line 2): expected a number, found the text '3'. Fix: write it without "
                     "quotes: 3"),
])
def test_scenario_settings_say_what_to_write(tmp_path, settings, message):
    path = _write(tmp_path, "acme.yaml", f"extends: telesales\nscenarios: {settings}\n")
    assert _error_of(path) == f"{path}: {message}"


def test_a_kpi_written_as_its_label_is_pointed_to_its_name():
    plan = {**MINIMAL, "scoring": {"roles": {"agent": {"weights": {"销售额": 0.6, "calls": 0.4}}}}}
    with pytest.raises(ParamsError, match=r"'销售额' in weights is not a KPI of the catalogue\. Did you mean "
                                          r"'revenue'\? \(销售额 is its label; weights name the KPI itself\.\)"):
        params_from_dict(plan)


# --- grade thresholds no score can reach -----------------------------------------------

def _graded(thresholds, **scoring):
    return {**MINIMAL, "scoring": {**MINIMAL["scoring"], **scoring,
                                   "grading": {"method": "thresholds", "thresholds": thresholds}}}


def test_a_grade_threshold_above_every_reachable_score_is_an_error(tmp_path):
    """Grades rank by threshold, so D: 200 (for D: 0) silently made D the top grade nobody reaches."""
    path = _write(tmp_path, "client.yaml", "extends: online\nscoring:\n  grading:\n"
                                           "    thresholds: {S: 115, A: 95, B: 65, C: 45, D: 200}\n")
    with pytest.raises(ParamsError) as err:
        load_params(path)
    text = str(err.value)
    assert text.startswith(f"{path}: scoring.grading.thresholds.D (line 4): no score can reach this threshold")
    assert "(found 200)" in text
    # the range, with what makes it: online caps revenue attainment at 1.2 and caps its bonuses
    assert "from 0 (below 0 only through penalties) to at most 155" in text
    assert "KPI points up to 120, as attainment is capped at 1.2" in text
    assert "new_customer 30, repurchase 5" in text
    assert "it makes D the top grade" in text
    assert "Fix: write a threshold between 0 and 155" in text


@pytest.mark.parametrize("thresholds, scoring, ok", [
    ({"A": 100, "B": 0}, {}, True),                                      # percentile points reach 100
    ({"A": 100.5, "B": 0}, {}, False),
    ({"A": 120, "B": 0}, {"kpi_normalisation": {"revenue": {"method": "attainment", "cap": 1.2}}}, True),
    ({"A": 121, "B": 0}, {"kpi_normalisation": {"revenue": {"method": "attainment", "cap": 1.2}}}, False),
    ({"A": 110, "B": 0}, {"bonuses": {"repurchase": {"threshold": 0.2, "points": 10}}}, True),
    ({"A": 111, "B": 0}, {"bonuses": {"repurchase": {"threshold": 0.2, "points": 10}}}, False),
    ({"A": 130, "B": 0}, {"bonuses": {"new_customer": {"points": 10, "max_points": 30}}}, True),
])
def test_the_highest_reachable_score_counts_attainment_caps_and_bonuses(thresholds, scoring, ok):
    if ok:
        assert params_from_dict(_graded(thresholds, **scoring)).plan_problems() == []
    else:
        with pytest.raises(ParamsError, match=r"scoring\.grading\.thresholds\.A: no score can reach"):
            params_from_dict(_graded(thresholds, **scoring))


def test_a_threshold_only_an_uncapped_bonus_reaches_is_a_warning():
    """A bonus per deal assisted has no limit: a threshold above the rest is reachable in
    principle, so it is reported but not refused; forced grading ignores thresholds."""
    p = params_from_dict(_graded({"A": 90, "D": 200}, bonuses={"collaboration_points": 2}))
    [w] = p.plan_problems()
    assert (w.severity, w.key, w.value) == ("warning", "scoring.grading.thresholds.D", 200)
    assert "above 100" in w.message and "bonuses.collaboration_points (2 points per deal assisted)" in w.message
    assert "Fix: nothing to do if grade D is meant" in str(w)
    forced = {"method": "forced", "distribution": {"A": 0.5, "B": 0.5}, "thresholds": {"A": 500, "B": 0}}
    assert params_from_dict({**MINIMAL, "scoring": {**MINIMAL["scoring"], "grading": forced}}).plan_problems() == []


def test_a_client_file_outside_params_is_told_how_to_extend_a_shipped_plan(tmp_path):
    """With run-all --params-dir, a client file copied from the README (extends: ../telesales.yaml)
    finds no base file beside it; the message says how to name the shipped plan."""
    (tmp_path / "clients").mkdir()
    f = tmp_path / "clients" / "acme.yaml"
    f.write_text("extends: ../telesales.yaml\nreport: {client: Acme}\n", encoding="utf-8")
    with pytest.raises(ParamsError, match=r"does not exist .*Fix: .*extends: telesales"):
        load_params(f)
    f.write_text("extends: telesales\nreport: {client: Acme}\n", encoding="utf-8")
    assert load_params(f).business == "telesales"


@pytest.mark.parametrize("rate, expected", [
    (3, "incentives.commission.tiers (item 1).rate: a rate is a fraction of the amount: 3 would pay 300% of it. "
        "Fix: write 3 % as 0.03 (found 3)"),
    ("3%", "incentives.commission.tiers (item 1).rate: expected a number, found '3%'. "
           "Fix: write a percentage as a fraction, without '%': 3 % is 0.03"),
])
def test_a_commission_rate_written_as_a_percentage_is_rejected_with_its_fraction(rate, expected):
    # 3 would pay 300 % of the money received: 30,000 x 3 = 90,000 on the first tier
    plan = {**MINIMAL, "incentives": {"commission": {"tiers": [{"above": 0, "rate": rate}]}}}
    with pytest.raises(ParamsError) as err:
        params_from_dict(plan, source="acme.yaml")
    assert str(err.value) == f"acme.yaml: {expected}"


@pytest.mark.parametrize("written, fix", [
    ("20,000", "write it as a plain number, without separators or units: 20000"),
    ("1万", "write it as a plain number, without separators or units: 10000"),
    ("两万", "write the figure in digits, without separators or units (20000, 0.05)"),
])
def test_a_number_written_as_text_says_how_to_write_it(written, fix):
    plan = {**MINIMAL, "incentives": {"commission": {"cap": written}}}
    with pytest.raises(ParamsError) as err:
        params_from_dict(plan, source="acme.yaml")
    assert str(err.value) == f"acme.yaml: incentives.commission.cap: expected a number, found '{written}'. Fix: {fix}"


@pytest.mark.parametrize("incentives, key", [
    ({"commission": {"cap": -20000}}, "incentives.commission.cap"),
    ({"team_pool": {"amount": -10000}}, "incentives.team_pool.amount"),
    ({"awards": {"sales_champion": -2000}}, "incentives.awards.sales_champion"),
    ({"base_pay": {"default": -4000}}, "incentives.base_pay.default"),
])
def test_a_negative_amount_of_pay_is_rejected(incentives, key):
    # cap: -20000 used to cap a commission of 3,807.30 at -20,000.00, a payout of -10,950.00
    with pytest.raises(ParamsError) as err:
        params_from_dict({**MINIMAL, "incentives": incentives}, source="acme.yaml")
    found = str(err.value).split(": ", 1)[1]
    assert found.startswith(f"{key}: expected a number of at least 0, found -")
    assert found.endswith("Fix: write 0 or more (pay is never negative)")


@pytest.mark.parametrize("incentives, expected", [
    ({"commission": {"gate_below": 50}},
     "incentives.commission.gate_below: the gate (a level of target attainment) is a fraction: 50 means "
     "5000%. Fix: write 50 % as 0.5 (above 3, 300%, is not accepted) (found 50)"),
    ({"over_target": {"threshold": 10}},
     "incentives.over_target.threshold: the threshold (how far above target) is a fraction: 10 means "
     "1000%. Fix: write 10 % as 0.1 (above 3, 300%, is not accepted) (found 10)"),
    ({"over_target": {"bonus_share": 30}},
     "incentives.over_target.bonus_share: the bonus (a share of performance pay) is a fraction: 30 means "
     "3000%. Fix: write 30 % as 0.3 (above 3, 300%, is not accepted) (found 30)"),
])
def test_a_gate_threshold_or_share_written_as_a_percentage_is_rejected(incentives, expected):
    # gate_below: 50 withheld everyone's commission (147.6 % of target "below the 5000 % gate")
    with pytest.raises(ParamsError) as err:
        params_from_dict({**MINIMAL, "incentives": incentives}, source="acme.yaml")
    assert str(err.value) == f"acme.yaml: {expected}"


def test_a_gate_above_target_is_still_a_plan():
    plan = {**MINIMAL, "incentives": {"commission": {"gate_below": 1.2}, "over_target": {"threshold": 0.5}}}
    assert params_from_dict(plan).incentives.commission.gate_below == 1.2


FORCED = {"method": "forced", "distribution": {"S": 0.1, "A": 0.2, "B": 0.4, "C": 0.2, "D": 0.1}}


def test_a_promotion_grade_that_is_not_a_grade_is_rejected():
    # promotion: {grade: AA} used to load, and the scorecard marked nobody eligible
    plan = {**MINIMAL, "scoring": {**MINIMAL["scoring"], "grading": FORCED, "promotion": {"grade": "AA"}}}
    with pytest.raises(ParamsError) as err:
        params_from_dict(plan, source="acme.yaml")
    assert str(err.value) == (
        "acme.yaml: scoring.promotion.grade: 'AA' is not one of the grades of scoring.grading.distribution "
        "(S, A, B, C, D), so nobody could be eligible for promotion. Did you mean 'A'? "
        "Fix: write one of S, A, B, C, D")


def test_grade_multipliers_must_cover_every_grade():
    # the plan loaded, then the payout of the 6 people graded D (10 % of 61) failed
    plan = {**MINIMAL, "scoring": {**MINIMAL["scoring"], "grading": FORCED},
            "incentives": {"grade_multipliers": {"S": 1.5, "A": 1.2, "B": 1.0, "C": 0.7}}}
    with pytest.raises(ParamsError) as err:
        params_from_dict(plan, source="acme.yaml")
    assert str(err.value) == (
        "acme.yaml: incentives.grade_multipliers: no multiplier for the grade(s) D of scoring.grading.distribution "
        "(it has S, A, B, C), so the performance pay of whoever gets D cannot be computed. "
        "Fix: add D: <multiplier> (0 pays no performance pay)")


def test_a_grade_multiplier_for_no_grade_is_an_error_at_its_line(tmp_path):
    # {AA: 1.5} loaded, and a scenario raising it cost nothing: nobody is graded AA
    plan = _write(tmp_path, "acme.yaml", "extends: telesales\nincentives:\n  grade_multipliers: {AA: 1.5}\n")
    assert _error_of(plan) == (
        f"{plan}: incentives.grade_multipliers.AA (line 3): 'AA' is not a grade of the plan "
        "(scoring.grading.distribution: A, B, C), so its multiplier would apply to nobody. Did you mean 'A'? "
        "Fix: write one of A, B, C (or its label, e.g. 优秀 for A)")
    scenario = _write(tmp_path, "scen.yaml", "extends: telesales\nscenarios:\n  scenarios:\n    up:\n"
                                             "      incentives:\n        grade_multipliers: {a: 1.5}\n")
    assert _error_of(scenario) == (
        f"{scenario}: scenarios.scenarios.up.incentives.grade_multipliers.a (line 6): 'a' is not a grade of the "
        "plan (scoring.grading.distribution: A, B, C), so its multiplier would apply to nobody. Did you mean 'A'? "
        "Fix: write one of A, B, C (or its label, e.g. 优秀 for A)")


def test_a_grade_multiplier_written_with_the_grade_s_label_is_that_grade_s(tmp_path):
    plan = _write(tmp_path, "acme.yaml", "extends: telesales\nincentives:\n  grade_multipliers: {优秀: 1.4}\n"
                                         "scenarios:\n  scenarios:\n    up:\n"
                                         "      incentives:\n        grade_multipliers: {Excellent: 1.5}\n")
    params = load_params(plan)
    assert params.incentives.grade_multipliers == {"A": 1.4, "B": 1.0, "C": 0.5}
    assert params.scenarios.scenarios["up"].incentives.grade_multipliers == {"A": 1.5, "B": 1.0, "C": 0.5}


def test_a_default_promotion_grade_does_not_break_a_plan_with_other_grades():
    grading = {"method": "thresholds", "thresholds": {"优": 80, "良": 60, "差": 0}}
    plan = {**MINIMAL, "scoring": {**MINIMAL["scoring"], "grading": grading}}
    assert params_from_dict(plan).scoring.promotion.grade == "A"  # not written: scoring notes it


@pytest.mark.parametrize("line, hint", [
    ("  cap： 20000\n", "Line 3 has a full-width colon '：' after its key; YAML needs the ASCII colon ':' followed "
                       "by a space. Fix: retype it as ': '."),
    ("\tcap: 20000\n", "Line 3 is indented with a tab; YAML indents with spaces only. Fix: replace the tab with "
                      "spaces, lined up with the keys of the same section."),
])
def test_a_yaml_error_from_a_wide_colon_or_a_tab_says_so(tmp_path, line, hint):
    path = _write(tmp_path, "acme.yaml", "incentives:\n  commission:\n" + line + "  awards: {sales_champion: 2000}\n")
    with pytest.raises(ParamsError) as err:
        load_params(path)
    assert str(err.value).endswith(f"\n  {hint}")
    assert "Traceback" not in str(err.value)


@pytest.mark.parametrize("text, zh", [
    # a '}' missing at the end of line 2: the parser notices on line 3
    ("extends: telesales\nscoring: {roles: {agent: 1}\nreport: {client: 甲}\n",
     "YAML 格式有误（第 3 行第 1 列）：{…} 中此处应为「,」或「}」，实际是一个值（这个 {…} 从第 2 行开始）\n"
     "     2 | scoring: {roles: {agent: 1}\n     3 | report: {client: 甲}\n"
     "  错误常在上一行的末尾：缺少「}」或「]」，「:」后缺少空格，或缩进没有对齐。"),
    ("incentives:\n  commission:\n  cap： 20000\n  awards: {sales_champion: 2000}\n",
     "YAML 格式有误（第 4 行第 3 列）：找不到键后面应有的「:」\n     3 |   cap： 20000\n"
     "     4 |   awards: {sales_champion: 2000}\n"
     "  第 3 行的键后面是全角冒号「：」，YAML 要求半角冒号「:」后跟一个空格。修改方法：改为「: 」。"),
    ("incentives:\n\tcap: 20000\n",
     "YAML 格式有误（第 2 行第 1 列）：制表符（Tab）不能出现在这里\n     1 | incentives:\n     2 | \tcap: 20000\n"
     "  第 2 行用制表符（Tab）缩进，YAML 只能用空格缩进。修改方法：把制表符换成空格，与同一段的键对齐。"),
    ("incentives:\n    cap: 1\n  awards: {}\n",
     "YAML 格式有误（第 3 行第 3 列）：缩进没有对齐：此处的一组键与同一段的其他键不在同一层\n"),
    ("incentives:\n  cap:20000\n  awards: {}\n", "YAML 格式有误（第 3 行第 9 列）：此处不能出现键与值之间的「:」\n"),
    ("report: {client: 'Acme}\n", "YAML 格式有误（第 2 行第 1 列）：到文件结尾还没有找到配对的引号\n"),
    ("extends: online\nincentives:\n  base_pay: {default: 1234}\nincentives: {}\n",
     "YAML 格式有误（第 4 行第 1 列）：键「incentives」在同一段中写了两次（第一次在第 2 行），后者会覆盖前者。"
     "修改方法：把两处合并为一处\n     3 |   base_pay: {default: 1234}\n     4 | incentives: {}"),
    ("kpis: [revenue, !foo calls]\n", "YAML 格式有误（第 1 行第 17 列）：不支持标签「!foo」"),
])
def test_a_yaml_error_has_its_chinese_text(tmp_path, text, zh):
    """A YAML syntax error, the mistake a consultant editing a client file makes most, was
    said in English only, even for a Chinese plan."""
    path = _write(tmp_path, "acme.yaml", text)
    with pytest.raises(ParamsError) as err:
        load_params(path)
    assert err.value.text("zh").startswith(f"{path}：{zh}")
    assert str(err.value).startswith(f"{path}: not valid YAML at line ")  # (English as before)


def test_a_file_that_cannot_be_read_as_a_plan_says_so_in_chinese(tmp_path):
    assert ParamsError_zh(tmp_path / "none.yaml") == f"{tmp_path / 'none.yaml'}：参数文件不存在"
    assert ParamsError_zh(_write(tmp_path, "l.yaml", "- a\n- b\n")) == f"{tmp_path / 'l.yaml'}：文件顶层应为键值映射（键: 值），实际为列表"
    latin = tmp_path / "gbk.yaml"
    latin.write_bytes("report: {client: 甲}\n".encode("gbk"))
    assert ParamsError_zh(latin).startswith(f"{latin}：该文件不是 UTF-8 编码的文本（")


def ParamsError_zh(path) -> str:
    """The Chinese text of the ParamsError that loading ``path`` raises."""
    with pytest.raises(ParamsError) as err:
        load_params(path)
    return err.value.text("zh")


def test_a_wide_colon_in_a_comment_or_a_quoted_label_is_not_blamed(tmp_path):
    path = _write(tmp_path, "acme.yaml", "# 注意：方案\nscoring:\n  roles:\n    rep: {label: {zh: '代表：一'}\n")
    with pytest.raises(ParamsError) as err:
        load_params(path)
    assert "full-width" not in str(err.value)


@pytest.mark.parametrize("distribution, fix", [
    ({"S": 0.1, "A": 0.2, "B": 0.3, "C": 0.2, "D": 0.1}, "found 0.9. Fix: change the shares by +0.1 in all, so "
                                                         "that they add up to 1"),
    ({"S": 10, "A": 20, "B": 40, "C": 20, "D": 10}, "found 100. Fix: these look like percentages: write each as a "
                                                    "fraction (S: 0.1), so that they add up to 1"),
])
def test_a_forced_distribution_not_summing_to_1_names_its_key_and_the_fix(distribution, fix):
    plan = {**MINIMAL, "scoring": {**MINIMAL["scoring"], "grading": {"method": "forced", "distribution": distribution}}}
    with pytest.raises(ParamsError) as err:
        params_from_dict(plan, source="acme.yaml")
    assert str(err.value) == ("acme.yaml: scoring.grading.distribution: a forced distribution must list grade shares "
                              f"that sum to 1, {fix}")


@pytest.mark.parametrize("weights, fix", [
    ({"revenue": 60, "calls": 35}, "sum to 95 (revenue=60, calls=35). Fix: these look like percentages: write each "
                                   "as a fraction (revenue: 0.6), so that they add up to 1"),
    ({"revenue": 0.6, "calls": 0.35}, "sum to 0.95 (revenue=0.6, calls=0.35). Fix: change them by +0.05 in all, so "
                                      "that they add up to 1"),
])
def test_weights_not_summing_to_1_say_what_to_change(weights, fix):
    plan = {"business": "telesales", "scoring": {"roles": {"agent": {"weights": weights}}}}
    with pytest.raises(ParamsError) as err:
        params_from_dict(plan, source="acme.yaml")
    assert str(err.value) == f"acme.yaml: scoring.roles.agent.weights: the weights must sum to 1, but they {fix}"


def test_a_misspelt_award_is_an_unknown_key_at_its_path():
    plan = {**MINIMAL, "incentives": {"awards": {"sales_champ": 2000}}}
    with pytest.raises(ParamsError) as err:
        params_from_dict(plan, source="acme.yaml")
    assert str(err.value) == ("acme.yaml: incentives.awards.sales_champ: unknown key. Did you mean 'sales_champion'? "
                              "Allowed keys here: sales_champion, best_service, team_champion.")


def test_a_scenario_changes_the_pay_plan_as_a_change_to_the_plans_incentives(tmp_path):
    """``scenarios.scenarios.<name>.incentives`` is merged over the plan's incentives (a
    client's, when a client file changes them) and checked like them, at its own key."""
    client = _write(tmp_path, "c.yaml", "extends: telesales\nincentives:\n  commission:\n    cap: 25000\n"
                                        "scenarios:\n  scenarios:\n    more:\n      incentives:\n"
                                        "        grade_multipliers: {A: 1.5}\n        over_target: {threshold: 0.2}\n")
    p = load_params(client)
    pay = p.scenarios.scenarios["more"].incentives
    assert pay.grade_multipliers == {"A": 1.5, "B": 1.0, "C": 0.5}   # A changed, B and C the plan's
    assert pay.commission.cap == 25000 and pay.commission.tiers == p.incentives.commission.tiers
    assert pay.over_target.threshold == 0.2 and pay.over_target.bonus_share == 0.30   # added, its default share
    assert p.incentives.over_target is None                                          # the plan itself unchanged
    assert p.scenarios.scenarios["重过程"].incentives is None                        # a weights-only scenario
    # the shipped plan's pay scenario raises the top two rates and keeps the rest
    shipped = load_params("telesales").scenarios.scenarios["提成上调"].incentives
    assert [(t.above, t.rate) for t in shipped.commission.tiers] == [(0, 0.02), (50_000, 0.035), (100_000, 0.05)]
    assert shipped.commission.cap == 20000 and shipped.commission.gate_below == 0.5
    # mistakes are named at the scenario's key, in the file's words
    bad = {
        "commision: {cap: 1}": r"scenarios\.scenarios\.more\.incentives\.commision \(line 6\): unknown key\. "
                               r"Did you mean 'commission'\?",
        "commission: {gate_below: 50}": r"scenarios\.scenarios\.more\.incentives\.commission\.gate_below \(line 6\): "
                                        r"the gate .*write 50 % as 0\.5",
        "team_pool: {amount: -1}": r"more\.incentives\.team_pool\.amount \(line 6\): expected a number of at least 0, "
                                   r"found -1\. Fix: write 0 or more \(pay is never negative\)",
        "over_target: null": r"c2\.yaml: scenarios\.scenarios\.more\.incentives\.over_target \(line 6\): null "
                             r"removes a key of the plan's incentives, but there is nothing to remove here: it "
                             r"does not set 'over_target', so its default applies already",
        "overtarget: null": r"more\.incentives\.overtarget \(line 6\): .* it has no 'overtarget' \(keys the plan's "
                            r"incentives sets here: .*; the others allowed here: over_target, clawback\)\. "
                            r"Did you mean 'over_target'\?",
    }
    for line, message in bad.items():
        f = _write(tmp_path, "c2.yaml", f"extends: telesales\nscenarios:\n  scenarios:\n    more:\n"
                                        f"      incentives:\n        {line}\n")
        with pytest.raises(ParamsError, match=message):
            load_params(f)


def test_a_mistake_in_a_file_names_its_line_and_the_file_it_is_in(tmp_path):
    """A key at fault is named with the line it is written on, and with its file when that
    is a base file the plan extends; a key restated by the client file is the client's."""
    _write(tmp_path, "base.yaml", "extends: telesales\n"           # line 1
                                  "incentives:\n"                  # 2
                                  "  commission:\n"                # 3
                                  "    cap: -5\n"                  # 4
                                  "  awards: {sales_champ: 100}\n")  # 5
    client = _write(tmp_path, "acme.yaml", "extends: base.yaml\n"
                                           "scoring:\n"
                                           "  roles:\n"
                                           "    agent:\n"
                                           "      weights: {revenue: 0.5, calls: 0.3}\n"
                                           "incentives:\n"
                                           "  commission:\n"
                                           "    tiers:\n"
                                           "      - {above: 0, rate: 0.02}\n"
                                           "      - {above: 5000, rate: 4}\n")
    with pytest.raises(ParamsError) as err:
        load_params(client)
    assert err.value.errors == [
        "scoring.roles.agent.weights (line 5): the weights must sum to 1, but they sum to 0.8 (revenue=0.5, "
        "calls=0.3). Fix: change them by +0.2 in all, so that they add up to 1",
        "incentives.commission.tiers (item 2).rate (line 10): a rate is a fraction of the amount: 4 would pay 400% "
        "of it. Fix: write 4 % as 0.04 (found 4)",
        "incentives.commission.cap (base.yaml, line 4): expected a number of at least 0, found -5. Fix: write 0 or "
        "more (pay is never negative)",
        "incentives.awards.sales_champ (base.yaml, line 5): unknown key. Did you mean 'sales_champion'? Allowed keys "
        "here: sales_champion, best_service, team_champion.",
    ]
    # a key the file restates is named at its own line; a default or a key left out has no line
    client.write_text("extends: base.yaml\nincentives:\n  commission:\n    cap: -1\n  awards: {sales_champ: null}\n",
                      encoding="utf-8")
    with pytest.raises(ParamsError, match=r"acme\.yaml: incentives\.commission\.cap \(line 4\): expected"):
        load_params(client)
    with pytest.raises(ParamsError, match=r"^scoring: this key is required but missing$"):
        params_from_dict({"business": "online"})


def test_the_business_of_a_plan_that_fails_to_load_is_read_from_its_extends_chain(tmp_path):
    """A batch named a client plan with a mistyped key as business '?' although its
    extends chain says which business it is for."""
    from salesperf_kit.params import business_of

    (tmp_path / "clients").mkdir()
    _write(tmp_path, "base.yaml", "extends: telesales\nreport: {client: Base}\n")
    typo = _write(tmp_path / "clients", "acme.yaml", "extends: ../base.yaml\nreport: {clent: Acme}\n")
    with pytest.raises(ParamsError):
        load_params(typo)
    assert business_of(typo) == "telesales"
    assert business_of(_write(tmp_path, "broken.yaml", "extends: [telesales\n")) is None  # not YAML
    assert business_of(_write(tmp_path, "lost.yaml", "extends: nowhere.yaml\n")) is None  # no base file
    # YAML that cannot be parsed: what its text says (a batch listed such a plan as business '?')
    assert business_of(_write(tmp_path, "gil.yaml", "extends: telesales\nreport:\n  client: Gil\n    x: 1\n")) \
        == "telesales"
    assert business_of(_write(tmp_path, "own.yaml", "business: direct\nreport:\n  client: Gil\n    x: 1\n")) \
        == "direct"


def test_a_phase_that_applies_in_no_period_adds_no_kpi_to_the_plan_s_set(tmp_path):
    """The shipped direct plan's launch phase (periods: [], a template) made `score` say that
    the plan weighs positive_review_rate, sales_skill, referrals and new_contacts, which a
    client plan weighed nowhere. Its KPIs count once the phase has periods, or a scenario
    names it."""
    own = ("extends: direct\nscoring:\n  roles:\n    rep: {weights: {revenue: 1.0}}\n    manager: {weights: "
           "{team_revenue: 1.0}}\n    senior_rep: null\n    director: null\n")
    launch = {"positive_review_rate", "sales_skill", "referrals", "new_contacts"}
    assert not launch & set(load_params(_write(tmp_path, "own.yaml", own)).kpi_set())
    dated = _write(tmp_path, "dated.yaml", own + "  phases:\n    - name: 新品推广期\n      periods: [2026-10]\n"
                   "      roles:\n        rep: {received_revenue: 0.6, sales_skill: 0.4}\n")
    assert "sales_skill" in load_params(dated).kpi_set()
    named = _write(tmp_path, "named.yaml", own + "scenarios:\n  scenarios:\n    launch: {phase: 新品推广期}\n")
    assert launch <= set(load_params(named).kpi_set())


def test_phases_and_calibration_rules_have_a_label_per_language(tmp_path):
    """A phase and a calibration rule had only a name, so an English report of a Chinese plan
    said "phase 新品推广期" and "Calibration rule '获客成本上升'"; a label {zh, en} names them in
    each language, as a role's does, and a plan without one keeps its name."""
    path = _write(tmp_path, "c.yaml", (
        "extends: online\nscoring:\n  phases:\n    - name: 大促\n      label: {zh: 大促当月, en: Sales-event month}\n"
        "      months: [11]\n      roles:\n        operations: {revenue: 1.0}\n    - name: launch\n"
        "      periods: []\n      roles:\n        operations: {revenue: 1.0}\n"
        "targets:\n  calibration:\n    - name: cac_up\n      label: {en: Rising acquisition cost}\n"
        "      kpi: cac\n      change_at_least: 0.3\n      adjust: {new_customers: -0.1}\n"))
    p = load_params(path)
    assert [p.phase_label(n, "en") for n in ("大促", "launch", "other")] == ["Sales-event month", "launch", "other"]
    assert p.phase_label("大促", "zh") == "大促当月"
    assert [p.rule_label("cac_up", lang) for lang in ("en", "zh")] == ["Rising acquisition cost", "cac_up"]
    assert [ph.can_apply for ph in p.scoring.phases] == [True, False]
    bad = _write(tmp_path, "bad.yaml", "extends: direct\nscoring:\n  phases:\n    - name: x\n      label: Launch\n"
                                       "      months: [1]\n      roles:\n        rep: {revenue: 1.0}\n")
    assert _error_of(bad) == (f"{bad}: scoring.phases (item 1).label (line 5): Input should be a valid dictionary "
                              "(found 'Launch')")
    bad = _write(tmp_path, "bad2.yaml", "extends: online\ntargets:\n  calibration:\n    - name: x\n      kpi: cac\n"
                                        "      change_at_least: 0.3\n      adjust: {new_customers: -0.1}\n"
                                        "      label: {en: 3}\n")
    assert _error_of(bad) == (f"{bad}: targets.calibration (item 1).label.en (line 8): Input should be a valid "
                              "string (found 3)")


@pytest.mark.parametrize("business", ["online", "telesales", "ecommerce", "direct"])
def test_the_shipped_plans_name_phases_rules_and_client_in_english(business):
    p = load_params(business)
    for named in [*p.scoring.phases, *p.targets.calibration]:
        assert named.label.get("en") and named.label.get("zh") == named.name, named.name
    assert p.client_name("en") == "Demo client" and p.client_name("zh") == "演示客户"
    assert p.client_key == "演示客户"  # the folder of the demo reports, in both languages


def test_the_client_s_name_per_language(tmp_path):
    """report.client may be one name or a name per language: the title takes the report's
    language, the folder the plan's; a client file's own client replaces the base's whole
    (merging {en: Acme} over the base's {zh: 演示客户, ...} would keep 演示客户 as the folder)."""
    p = load_params(_write(tmp_path, "a.yaml", "extends: online\nreport: {client: {en: Acme}}\n"))
    assert p.report.client == {"en": "Acme"} and p.client_key == "Acme" and p.client_name("zh") == "Acme"
    p = load_params(_write(tmp_path, "b.yaml", "extends: online\nlanguage: en\nreport: {client: {zh: 甲, en: A}}\n"))
    assert (p.client_key, p.client_name("zh"), p.client_name()) == ("A", "甲", "A")
    p = load_params(_write(tmp_path, "c.yaml", "extends: online\nreport: {client: Acme}\n"))
    assert (p.client_key, p.client_name("en")) == ("Acme", "Acme")
    for text, problem in [("{fr: Acme}", "the client's name is given per language as {zh: ..., en: ...}; 'fr' is "
                                         "not one of zh, en."),
                          ("3", "expected the client's name, or its name per language ({zh: ..., en: ...}) (found 3)"),
                          ("{en: ' '}", "the client's name is empty: it names the report's folder and title")]:
        bad = _write(tmp_path, "bad.yaml", f"extends: online\nreport:\n  client: {text}\n")
        assert _error_of(bad) == f"{bad}: report.client (line 3): {problem}"


_ZH_PLAN = ("extends: telesales\nlanguage: {language}\nscoring:\n  roles:\n    agent:\n      wieghts: {{revenue: 1}}\n"
            "  grading:\n    thresholds: 3\nincentives:\n  commission:\n    tiers:\n      - {{above: 0, rate: 3}}\n")


def test_a_plan_in_chinese_has_its_errors_in_chinese_and_in_english_as_before(tmp_path):
    """A consultant whose plan says language: zh read the errors of its file in English only;
    the key paths and lines stay as written, the words around them are Chinese."""
    p = tmp_path / "plan.yaml"
    p.write_text(_ZH_PLAN.format(language="zh"), encoding="utf-8")
    with pytest.raises(ParamsError) as err:
        load_params(p)
    assert str(err.value) == err.value.text("en") == (
        f"{p}: 3 problem(s) in the parameters:\n"
        "  - scoring.roles.agent.wieghts (line 6): unknown key. Did you mean 'weights'?\n"
        "  - scoring.grading.thresholds (line 8): Input should be a valid dictionary (found 3)\n"
        "  - incentives.commission.tiers (item 1).rate (line 12): a rate is a fraction of the amount: 3 would pay "
        "300% of it. Fix: write 3 % as 0.03 (found 3)")
    assert err.value.text("zh") == (
        f"{p}：参数文件中有 3 处问题：\n"
        "  - scoring.roles.agent.wieghts（第 6 行）：未知的键。是否应为「weights」？\n"
        "  - scoring.grading.thresholds（第 8 行）：应为映射（键: 值），实际为 3\n"
        "  - incentives.commission.tiers (item 1).rate（第 12 行）：费率是金额的比例（小数）：3 表示支付金额的 300%。"
        "修改方法：将 3% 写为 0.03")


def test_a_promotion_may_be_given_by_its_date(tmp_path):
    # a 年货节 on 20 January, written as the client writes it: its month carries its weight
    p = tmp_path / "plan.yaml"
    p.write_text("extends: online\ntargets:\n  promotions:\n    - {name: 年货节, date: 2027-01-20, weight: 1.4}\n"
                 "    - {name: 周年庆, date: 2027/8/8, weight: 2}\n    - {date: 2027年11月11日, weight: 1.5}\n",
                 encoding="utf-8")
    got = [(e.name, e.month, e.weight) for e in load_params(p).targets.promotions]
    assert got == [("年货节", 1, 1.4), ("周年庆", 8, 2.0), ("2027-11-11", 11, 1.5)]


@pytest.mark.parametrize("yaml_text, zh", [
    ("scoring:\n  roles:\n    newbie: {label: {zh: 新人}}\n", "scoring.roles.newbie.weights：缺少这个必填的键。修改方法：补上此键"),
    ("scoring:\n  normalisation: {method: percentil}\n",
     "scoring.normalisation.method（第 4 行）：应为以下之一：attainment、minmax、percentile、zscore，实际为「percentil」。"
     "是否应为「percentile」？"),
    ("scoring:\n  phases: {a: 1}\n", "scoring.phases（第 4 行）：应为列表，实际为映射"),
    ("incentives:\n  commission: {cap: '5万'}\n",
     "incentives.commission.cap（第 4 行）：应为数字，实际为「5万」。修改方法：写成不带分隔符或单位的数字：50000"),
    ("scoring:\n  roles:\n    agent:\n      weights: {revenue: 60, orders: 40}\n",
     "scoring.roles.agent.weights（第 6 行）：权重合计应为 1，实际为 100（revenue=60，orders=40）。修改方法：这些看起来是"
     "百分数：请各写成小数（revenue: 0.6），使其合计为 1"),
    ("incentives: {grade_multipliers: {A: 1.3, B: 1.0, C: 0.5, D: 2.0}}\nscoring:\n  grading:\n"
     "    method: thresholds\n    thresholds: {A: 80, B: 60, C: 0, D: 200}\n  bonuses: {collaboration_points: 0}\n",
     "scoring.grading.thresholds.D（第 7 行）：门槛 200 高于本方案最高可得分 "),
    ("incentives:\n  over_target: {bonus_share: 30}\n",
     "incentives.over_target.bonus_share（第 4 行）：奖金（绩效工资的比例）是小数：30 表示 3000%。修改方法：将 30% 写为 0.3"),
    # these were English only
    ("targets: {uplift: 25}\n", "targets.uplift（第 3 行）：uplift 是相对基数的增幅（小数）：25 会把目标定为基数的 26 倍。"
                                "修改方法：将 +25% 写为 0.25（不接受大于 3，即 +300% 的增幅）"),
    ("targets: {uplift: -1}\n", "targets.uplift（第 3 行）：uplift 应大于 -1（例如 0.25 表示增长 25%），实际为 -1"),
    ("targets: {promotions: [{name: 618, month: junn}]}\n",
     "targets.promotions (item 1).month（第 3 行）：促销月份：「junn」不是月份，请写 1-12、jan-dec 或 1月-12月。是否应为「jun」？"),
    ("targets: {promotions: [{name: 年货节, date: 2027-02-30}]}\n",
     "targets.promotions (item 1)（第 3 行）：date：「2027-02-30」不是日期，请写成 2027-01-20 的形式"),
    ("targets: {profile: {jan: 50, january: 50}}\n", "targets.profile（第 3 行）：profile 中 1 月写了两次，每个月只写一次"),
    ("targets: {profile: {jan: 50, feb: 50}}\n",
     "targets.profile（第 3 行）：profile 应写满 12 个月，缺少 3 月、4 月、5 月、6 月、7 月、8 月、9 月、10 月、11 月、12 月。"
     "修改方法：补上这些月份（没有销售的月份写 0）"),
    ("targets: {profile: [50, 50]}\n", "targets.profile（第 3 行）：profile 应有 12 个月度百分比（1 月到 12 月），实际有 2 个。"),
    ("targets: {profile: [8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8]}\n",
     "targets.profile（第 3 行）：profile 各月百分比合计应为 100，实际为 96。修改方法：各月共调整 +4，使其合计为 100"),
    ("scenarios: {ahp: {agent: {kpis: [revenue, calls], matrix: [[1, 3], [3, 1]]}}}\n",
     "scenarios.ahp.agent（第 3 行）：matrix 第 1 行第 2 列与第 2 行第 1 列应互为倒数（乘积为 1），实际为 3 × 3"),
    ("scenarios: {ahp: {agent: {kpis: [revenue], matrix: [[1, 3], [0.5, 1]]}}}\n",
     "scenarios.ahp.agent（第 3 行）：matrix 有 2 行，而 kpis 列了 1 个指标，两者应相同"),
    ("report: {client: {zh: 甲, fr: A}}\n",
     "report.client（第 3 行）：按语言写客户名称时应为 {zh: ..., en: ...}，「fr」不是 zh 或 en。"),
    ("report: {client: ' '}\n", "report.client（第 3 行）：客户名称为空：报告的文件夹和标题都用它命名"),
    ("report: {currency: CYN}\n", "report.currency（第 3 行）：「CYN」不是已知的货币代码（CNY、USD、"),
    ("report: {currency: {zh: 3}}\n", "report.currency（第 3 行）：zh 的货币应为文本：代码或单位，实际为 3。修改方法：例如 "
                                     "currency: CNY、currency: 元 或 currency: {zh: 元, en: CNY}"),
])
def test_each_kind_of_plan_error_has_its_chinese_text(tmp_path, yaml_text, zh):
    p = tmp_path / "plan.yaml"
    p.write_text(f"extends: telesales\nlanguage: zh\n{yaml_text}", encoding="utf-8")
    with pytest.raises(ParamsError) as err:
        load_params(p)
    assert zh in err.value.text("zh")
    assert err.value.text("en") == str(err.value) and "：" not in str(err.value).split(": ", 1)[1][:40]


def test_an_error_without_chinese_yet_stays_english():
    err = ParamsError("something new went wrong", file="plan.yaml")
    assert not err.has_zh() and err.text("zh") == str(err) == "plan.yaml: something new went wrong"


def test_the_errors_of_the_data_a_plan_reads_have_their_chinese_text(tmp_path):
    """Which data (no data.path, none given), a data.path that names nothing and a plan run
    for another business were said in English only."""
    plan = _write(tmp_path, "acme.yaml", "extends: telesales\nreport: {client: 甲}\n")
    with pytest.raises(ParamsError) as err:
        load_params(plan).data_source()
    assert err.value.text("zh").startswith(f"{plan}：用哪些数据？运行时没有给出数据文件夹或工作簿，文件中也没有 data.path。")
    (tmp_path / "exports_2026").mkdir()
    plan = _write(tmp_path, "acme.yaml", "extends: telesales\nreport: {client: 甲}\ndata:\n  path: exports\n")
    with pytest.raises(ParamsError) as err:
        load_params(plan).data_source()
    assert err.value.text("zh") == (
        f"{plan}：data.path（第 4 行）：{tmp_path / 'exports'} 不存在（既没有这个文件夹，也没有这个工作簿）。是否应为"
        f"「{tmp_path / 'exports_2026'}」？修改方法：把 data.path（相对于写它的文件）指向客户导出数据所在的文件夹或工作簿，"
        "或在运行时给出数据（--data；notebook 中为 data_path）。")
    with pytest.raises(ParamsError) as err:
        load_params(plan).for_business("online")
    assert err.value.text("zh") == (f"{plan}：business：运行的是「online」，但该文件是「telesales」的方案。修改方法：改为运行 "
                                    "telesales，或给出 business: online 的参数文件。")


def test_the_extends_errors_have_their_chinese_text(tmp_path):
    """A base file that does not exist, a circle and an extends that is no path were said in
    English only."""
    nowhere = _write(tmp_path, "plan.yaml", "extends: nowhere\nlanguage: zh\n")
    assert ParamsError_zh(nowhere) == (
        f"{nowhere}：extends：基础文件「nowhere」不存在（查找的是 {tmp_path / 'nowhere'}）。修改方法：写出基础文件相对于 "
        "plan.yaml 的路径，或写内置方案的名称（extends: <business>；可选 online、telesales、ecommerce、direct）。")
    a, b = _write(tmp_path, "a.yaml", "extends: b.yaml\n"), _write(tmp_path, "b.yaml", "extends: a.yaml\n")
    assert ParamsError_zh(a) == f"{a}：extends 形成了循环：{a} -> {b} -> {a}"
    listed = _write(tmp_path, "l.yaml", "extends: [telesales]\n")
    assert ParamsError_zh(listed) == f"{listed}：extends：应为文件路径，实际为列表"


def test_null_for_a_key_the_base_does_not_have_has_its_chinese_text(tmp_path):
    typo = _write(tmp_path, "typo.yaml", "extends: direct\nscoring:\n  roles:\n    senior: null\n")
    assert ParamsError_zh(typo) == (
        f"{typo}：scoring.roles.senior（第 4 行）：null 用于删除基础文件中的键，但此处没有可删除的：其中没有「senior」"
        "（它在此处设置的键：rep、senior_rep、manager、director）。是否应为「senior_rep」？修改方法：改正键名，或删除这一行。")
    again = _write(tmp_path, "again.yaml", "extends: direct\nincentives: {commission: null}\n"
                                           "scenarios:\n  scenarios:\n    s:\n      incentives:\n"
                                           "        commission: null\n")
    assert ParamsError_zh(again) == (
        f"{again}：scenarios.scenarios.s.incentives.commission（第 7 行）：null 用于删除方案的 incentives 中的键，"
        "但此处没有可删除的：其中没有设置「commission」，默认值本来就生效（它在此处设置的键：base_pay、performance_pay、"
        "grade_multipliers、prorate、pay_period、awards、clawback）。修改方法：删除这一行。")


def test_the_language_of_a_plan_is_read_without_validating_it(tmp_path):
    from salesperf_kit.params import language_of

    base = tmp_path / "base.yaml"
    base.write_text("extends: telesales\nlanguage: en\nscoring: {wrong: 1}\n", encoding="utf-8")
    child = tmp_path / "child.yaml"
    child.write_text("extends: base.yaml\nincentives: {comission: 1}\n", encoding="utf-8")
    assert language_of(base) == language_of(child) == "en"  # (from the base it extends)
    child.write_text("extends: base.yaml\nreport: {language: zh}\n", encoding="utf-8")
    assert language_of(child) == "zh"  # report.language first, as report_language says
    assert language_of(PARAMS_DIR / "telesales.yaml") == "zh"


def test_the_language_of_a_plan_whose_yaml_is_broken_is_read_from_what_can_be_read(tmp_path):
    """A YAML syntax error was always said in English: the plan's language could not be
    read. It is now taken from the file's text, else the file it extends, else Chinese
    (the default of a plan, and of the shipped plans)."""
    from salesperf_kit.params import language_of

    _write(tmp_path, "base.yaml", "extends: telesales\nlanguage: en\n")
    child = _write(tmp_path, "child.yaml", "extends: base.yaml\nreport: {language: zh\n")
    assert language_of(child) == "zh"  # written in the file, found by its text
    child.write_text("extends: base.yaml\nlanguage: zh\nreport:\n  language: en\nscoring: {x: 1\n", encoding="utf-8")
    assert language_of(child) == "en"  # report.language first, as report_language says
    child.write_text("extends: base.yaml\nreport: {client: 甲\n", encoding="utf-8")
    assert language_of(child) == "en"  # not written: the base's
    child.write_text("extends: 'telesales'  # 电销\nscoring:\n\troles: {}\n", encoding="utf-8")
    assert language_of(child) == "zh"  # a shipped plan's
    child.write_text("scoring: {x: 1\n", encoding="utf-8")
    assert language_of(child) == "zh"  # nothing to go by: the default
    # an extends that cannot be followed: the file's own language, else its base's as far as it goes
    _write(tmp_path, "a.yaml", "extends: b.yaml\nlanguage: en\n")
    _write(tmp_path, "b.yaml", "extends: a.yaml\n")
    assert language_of(tmp_path / "a.yaml") == language_of(tmp_path / "b.yaml") == "en"
    assert language_of(_write(tmp_path, "c.yaml", "extends: nowhere.yaml\n")) == "zh"
    assert language_of(_write(tmp_path, "d.yaml", "extends: c.yaml\nlanguage: en\n")) == "en"


def test_the_currency_of_the_amounts(tmp_path):
    """report.currency is the unit that headings and sentences about money give: a known code
    or one of its names is the Chinese word in a Chinese report and the code in an English
    one, other text is shown as written, and a value per language as written; a client
    file's value replaces the base's whole (its {zh: 美元} must not keep the base's en)."""
    # the shipped plans' amounts are in yuan, and say so; unset (null), money has no unit
    assert (load_params(PARAMS_DIR / "online.yaml").currency("zh"), load_params(PARAMS_DIR / "online.yaml").currency("en")) \
        == ("元", "CNY")
    assert load_params(_write(tmp_path, "none.yaml", "extends: online\nreport: {currency: null}\n")).currency("zh") is None
    for text, zh, en in [("CNY", "元", "CNY"), ("usd", "美元", "USD"), ("元", "元", "CNY"), ("RMB", "元", "CNY"),
                         ("人民币", "元", "CNY"), ("S$", "S$", "S$"), ("{zh: 元}", "元", "CNY"),
                         ("{zh: 元, en: RMB}", "元", "RMB"), ("{en: EUR}", "欧元", "EUR"), ("BRL", "巴西雷亚尔", "BRL")]:
        p = load_params(_write(tmp_path, "a.yaml", f"extends: online\nreport: {{currency: {text}}}\n"))
        assert (p.currency("zh"), p.currency("en"), p.currency()) == (zh, en, zh), text
    _write(tmp_path, "base.yaml", "extends: online\nreport: {currency: {zh: 元, en: CNY}}\n")
    p = load_params(_write(tmp_path, "c.yaml", "extends: base.yaml\nreport: {currency: {zh: 美元}}\n"))
    assert (p.currency("zh"), p.currency("en")) == ("美元", "USD")


@pytest.mark.parametrize("text, problem", [
    ("CYN", "'CYN' is not a currency code the kit knows (CNY, USD, EUR, HKD, MOP, TWD, JPY, KRW, GBP, SGD, MYR, "
            "THB, AUD, CAD, CHF, NZD, INR, IDR, VND, PHP, AED, SAR, BRL, MXN, ZAR, RUB). Did you mean 'CNY'? Fix: write a known code, or the unit in each language as the "
            "report should show it ({zh: ..., en: ...}) (found 'CYN')"),
    ("1", "expected the currency as text, a code or a unit. Fix: e.g. currency: CNY, currency: 元, or currency: "
          "{zh: 元, en: CNY} (found 1)"),
    ("{zh: ''}", "expected the currency for zh as text, a code or a unit, found ''. Fix: e.g. currency: CNY, "
                 "currency: 元, or currency: {zh: 元, en: CNY}"),
    ("{cn: 元}", "the currency is given per language as {zh: ..., en: ...}; 'cn' is not one of zh, en."),
    ("{}", "the currency is empty. Fix: give its unit, e.g. currency: CNY, currency: 元, or currency: "
           "{zh: 元, en: CNY}, or remove the key"),
])
def test_a_currency_that_names_none_is_a_plan_error_at_its_key(tmp_path, text, problem):
    bad = _write(tmp_path, "bad.yaml", f"extends: online\nreport:\n  currency: {text}\n")
    assert _error_of(bad) == f"{bad}: report.currency (line 3): {problem}"


def test_a_misspelt_currency_key_gets_the_key_suggested(tmp_path):
    bad = _write(tmp_path, "bad.yaml", "extends: online\nreport:\n  curency: CNY\n")
    assert "report.curency (line 3): unknown key. Did you mean 'currency'?" in _error_of(bad)


def test_the_fix_for_roles_without_weights_reads_each_as_the_role_it_suggests():
    """A Salesforce users export's 'Sales Manager' was suggested as 'manager', while the
    example beside it read it as 'rep': copied, it scored managers as reps."""
    plan = load_params(PARAMS_DIR / "direct.yaml")
    problem, fix = plan.roles_without_weights(["Sales Manager", "Sales Representative", "rep"])
    assert "Did you mean 'manager'?" in problem
    assert "data.values.employees.role: {'Sales Manager': manager})" in fix
    assert "data.values.employees.role: {'Sales Manager': manager}" in fix.zh
    problem, fix = plan.roles_without_weights(["Intern"])  # like no role of the plan: the reader chooses
    assert f"data.values.employees.role: {{'Intern': <one of {', '.join(plan.scoring.roles)}>}})" in fix


def test_a_plan_gives_the_date_order_of_its_exports(tmp_path):
    plan = tmp_path / "us.yaml"
    plan.write_text("extends: direct\ndata: {date_order: month-first}\n", encoding="utf-8")
    assert load_params(plan).data_mapping()["date_order"] == "month-first"
    plan.write_text("extends: direct\ndata: {date_order: US}\n", encoding="utf-8")
    with pytest.raises(ParamsError, match="date_order"):
        load_params(plan)


_MAVEN = ("extends: direct\n"
          "report: {client: Maven Tech, currency: USD}\n"
          "incentives:\n"
          "  base_pay: {default: 3000, senior_rep: 3500, manager: 5000, director: 7000}\n"
          "  performance_pay: {default: 500, manager: 1000, director: 2000}\n"
          "  commission:\n"
          "    tiers:\n"
          "      - {above: 0, rate: 0.04}\n"
          "      - {above: 20000, rate: 0.06}\n")


def _example_pay(plan) -> list:
    return [p for p in plan.plan_problems() if p.check == "example_pay_in_another_currency"]


def test_a_plan_in_another_currency_is_warned_of_the_example_pay_it_inherits(tmp_path):
    """A client paid in USD that restates its base pay, performance pay and commission but
    not the awards was paid the shipped plan's example awards (3,000 and 5,000 yuan) as
    3,000 and 5,000 dollars, with no word. The warning names each amount it inherits, its
    value and the shipped file; amounts the client writes are its own, and a plan in yuan
    (the examples' currency) inherits them as they are meant."""
    line = next(n for n, text in enumerate((PARAMS_DIR / "direct.yaml").read_text(encoding="utf-8").splitlines(), 1)
                if text.strip().startswith("awards:"))
    plan = load_params(_write(tmp_path, "maven.yaml", _MAVEN))
    [w] = _example_pay(plan)
    assert (w.severity, w.key) == ("warning", "report.currency")
    assert str(w) == (
        "report.currency: incentives.awards.sales_champion (3,000) and incentives.awards.team_champion (5,000) "
        f"come from the shipped plan params/direct.yaml (line {line}), whose amounts are examples in CNY, while "
        "this plan pays in USD: they would be paid in USD as written. Fix: set them in maven.yaml, in USD, or "
        "remove with null what the client does not pay (an award, say)")
    assert w.line("zh") == (
        "report.currency：incentives.awards.sales_champion（3,000）、incentives.awards.team_champion（5,000）"
        f"来自内置方案 params/direct.yaml（第 {line} 行），其金额是以人民币计的示例，而本方案以美元发放：会按所写数字以"
        "美元发放。修改方法：在 maven.yaml 中以美元写出这些金额，或用 null 删除客户不发放的项（例如某个奖项）")
    # one award restated, the other removed: nothing inherited is left
    own = _write(tmp_path, "own.yaml", _MAVEN + "  awards: {sales_champion: 500, team_champion: null}\n")
    assert _example_pay(load_params(own)) == []
    # restating only the currency inherits every amount of pay, the commission's thresholds too
    [w] = _example_pay(load_params(_write(tmp_path, "eur.yaml", "extends: direct\nreport: {currency: EUR}\n")))
    assert "incentives.base_pay.manager (8,000)" in str(w) and "incentives.commission.tiers (item 2).above (50,000)" \
        in str(w) and "incentives.commission.tiers (item 1)" not in str(w)  # (a tier from 0 is 0 in any currency)
    # a plan paying in yuan, or saying no currency, inherits the examples with no warning
    for currency in ("CNY", "元", "RMB", "{zh: 元, en: RMB}", None):
        said = f", currency: {currency}" if currency else ""
        cny = _write(tmp_path, "cny.yaml", _MAVEN.replace(", currency: USD", said))
        assert _example_pay(load_params(cny)) == [], currency
