"""cdp_dev/docs_site.py, the step `make docs` runs after `dbt docs generate --static`, on small stand-in pages (the
real page, in a browser: tests/test_docs.py)."""

from __future__ import annotations

from pathlib import Path

from cdp_dev import docs_site

# The slips of dbt's page as they appear in it: in the HTML, and inside the JavaScript strings of its templates.
DBT_PAGE = """<html><head><link rel="shortcut icon" href="${require('./assets/favicons/favicon.ico')}"/></head>
<body><script>t.put('menu.html','<svg class="icn menu-icon-on"><use xlink:href="{{ getIcon(item.type, \\'on\\') }}">\
</use></svg><svg class="icn menu-icon-off"><use xlink:href="{{ getIcon(item.type, \\'off\\') }}"></use></svg>');
var manifest = {"metadata": {"send_anonymous_usage_stats": false}};</script></body></html>
"""


def write_page(target: Path, text: str) -> Path:
    target.mkdir(parents=True, exist_ok=True)
    page = target / docs_site.STATIC_PAGE
    page.write_text(text, encoding="utf-8")
    return page


def test_the_pages_template_slips_are_repaired_and_the_path_printed(tmp_path, capsys):
    # GIVEN a static docs page with dbt's slips: icons and a favicon whose addresses are unfilled templates
    page = write_page(tmp_path / "target", DBT_PAGE)

    # WHEN make docs' step runs on it
    status = docs_site.main([str(tmp_path / "target")])

    # THEN the icons take their address only once Angular filled it in, the favicon is inline, and the path is printed
    repaired = page.read_text(encoding="utf-8")
    assert status == 0
    assert "xlink:href=\"{{" not in repaired and "${require(" not in repaired
    assert "<use ng-attr-href=\"{{ getIcon(item.type, \\'on\\') }}\">" in repaired
    assert '<link rel="icon" href="data:,"/>' in repaired
    output = capsys.readouterr()
    assert output.out.strip() == str(page.resolve())
    assert output.err.count("docs: repaired:") == 3
    # AND the catalog's absence is called out: the docs then lack the warehouse's column types
    assert "the catalog is empty" in output.err


def test_a_page_that_would_load_the_usage_tracker_is_refused(tmp_path, capsys):
    # GIVEN a page generated with dbt's anonymous usage statistics on (it then loads a tracker from a CDN)
    write_page(tmp_path, DBT_PAGE.replace('"send_anonymous_usage_stats": false', '"send_anonymous_usage_stats": true'))

    # WHEN make docs' step runs on it  THEN it fails and says how to generate it instead
    assert docs_site.main([str(tmp_path)]) == 1
    assert "DBT_SEND_ANONYMOUS_USAGE_STATS=false" in capsys.readouterr().err


def test_repairing_twice_changes_nothing_more(tmp_path):
    # GIVEN a page repaired once
    page = write_page(tmp_path, DBT_PAGE)
    docs_site.main([str(tmp_path)])
    once = page.read_text(encoding="utf-8")

    # WHEN make docs' step runs on it again  THEN the page stays as it was
    docs_site.main([str(tmp_path)])
    assert page.read_text(encoding="utf-8") == once


def test_no_page_is_an_error_that_says_what_to_run(tmp_path, capsys):
    # GIVEN a target folder without the static page  WHEN the step runs  THEN it fails and names the dbt command
    assert docs_site.main([str(tmp_path)]) == 1
    assert "dbt docs generate --static" in capsys.readouterr().err
