"""The CJK font subset embedded in HTML reports."""
import base64
import io
import re

from fontTools.ttLib import TTFont

from salesperf_kit.fonts import FONT_FAMILY, font_face_css


def _embedded_cmap(css: str) -> dict[int, str]:
    data = re.search(r"base64,([A-Za-z0-9+/=]+)\)", css).group(1)
    return TTFont(io.BytesIO(base64.b64decode(data))).getBestCmap()


def test_subset_holds_exactly_the_text_and_ascii():
    css = font_face_css("<p>销售额 达成率 Revenue</p>")
    cmap = _embedded_cmap(css)
    for ch in "销售额达成率" + "".join(map(chr, range(33, 127))):
        assert ord(ch) in cmap, ch
    assert ord("龍") not in cmap and ord("é") not in cmap  # not in the text: left out
    assert f'font-family: "{FONT_FAMILY}"' in css


def test_subset_is_small():
    css = font_face_css("销售" * 100)
    assert len(css) < 150_000  # a few characters cost tens of kB, not the 16 MB font
