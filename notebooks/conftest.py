"""nbval settings for the report notebooks.

The text form of every section (team totals, the top of the leaderboard, payouts...) is
compared with the stored output; HTML (the same numbers, with styling) and images are not,
since their bytes depend on library versions rather than on the data.
"""


def pytest_collectstart(collector):
    if collector.fspath and collector.fspath.ext == ".ipynb":
        collector.skip_compare += ("text/html", "image/png", "application/javascript", "stderr")
