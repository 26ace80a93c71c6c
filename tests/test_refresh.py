"""`make notebooks` (report.refresh_notebooks): stored widget ids do not change from run to run."""
from __future__ import annotations

import hashlib
import json

import nbformat

from salesperf_kit.report import _stable_widget_ids

VIEW = "application/vnd.jupyter.widget-view+json"
STATE = "application/vnd.jupyter.widget-state+json"


def _notebook(slider: str, layout: str, box: str) -> str:
    """A notebook showing one box that holds a slider, and the slider's layout, under the given ids."""
    nb = nbformat.v4.new_notebook()
    cell = nbformat.v4.new_code_cell("sliders()", id="sliders")
    cell.outputs = [nbformat.v4.new_output("display_data", data={VIEW: {"model_id": box, "version_major": 2,
                                                                         "version_minor": 0}, "text/plain": "Box"})]
    nb.cells = [cell]
    nb.metadata["widgets"] = {STATE: {"state": {
        slider: {"model_name": "FloatSliderModel", "state": {"layout": f"IPY_MODEL_{layout}", "value": 0.4}},
        layout: {"model_name": "LayoutModel", "state": {"width": "28em"}},
        box: {"model_name": "VBoxModel", "state": {"children": [f"IPY_MODEL_{slider}"]}},
    }, "version_major": 2, "version_minor": 0}}
    return nbformat.writes(nb)


def _md5(text: str) -> str:
    return hashlib.md5(text.encode()).hexdigest()


def test_widget_ids_follow_the_widget_tree_not_the_run():
    first = _stable_widget_ids(_notebook("a" * 32, "b" * 32, "c" * 32), "scenarios")
    again = _stable_widget_ids(_notebook("0f" * 16, "9" * 32, "e1" * 16), "scenarios")
    assert first == again
    # the box shown in the output is the root (0), its slider next (1), the slider's layout last (2)
    box, slider, layout = _md5("scenarios:0"), _md5("scenarios:1"), _md5("scenarios:2")
    nb = json.loads(first)
    assert nb["cells"][0]["outputs"][0]["data"][VIEW]["model_id"] == box
    state = nb["metadata"]["widgets"][STATE]["state"]
    assert state[box]["state"]["children"] == [f"IPY_MODEL_{slider}"]
    assert state[slider]["state"]["layout"] == f"IPY_MODEL_{layout}"
    assert state[layout]["model_name"] == "LayoutModel"


def test_a_notebook_without_widgets_is_left_as_it_is():
    text = nbformat.writes(nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("1 + 1", id="sum")]))
    assert _stable_widget_ids(text, "online") == text
