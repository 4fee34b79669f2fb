"""The lab pages' stylesheet: nbconvert's ~590 kB of JupyterLab CSS, trimmed to the rules a lab
page can use (mkdocs_hooks.trim_css, applied by move_styles)."""

from __future__ import annotations

from painters.site import notebooks
from painters.site.notebooks import classes_in, trim_css


def test_rules_for_classes_the_page_does_not_use_go():
    css = ".used { color: red; }\n.unused { color: blue; }\n.used .unused { margin: 0; }\n"
    assert trim_css(css, {"used"}) == ".used { color: red; }\n"


def test_a_selector_list_keeps_only_the_selectors_that_can_match():
    css = ".a, .b > p, .c.a { color: red; }"
    assert trim_css(css, {"a", "b"}) == ".a, .b > p { color: red; }\n"


def test_selectors_without_classes_are_kept():
    css = ':root { --jp-x: 1px; }\nbody { margin: 0; }\n[data-jp-theme-light="true"] a { color: red; }\n'
    assert trim_css(css, set()) == css


def test_classes_inside_not_and_is_are_not_required_nor_in_strings():
    css = '.cell:not(.hidden) { color: red; }\n.cell:is(.x, .y) { margin: 0; }\na[href$=".css"] { x: y; }\n'
    assert trim_css(css, {"cell"}) == css


def test_root_inside_another_element_matches_nothing_and_goes():
    css = ".jupyter-wrapper :root { --jp-a: 1; }\n:root { --jp-b: 2; }\n.jupyter-wrapper > :root, a { x: y; }\n"
    assert trim_css(css, {"jupyter-wrapper"}) == ":root { --jp-b: 2; }\na { x: y; }\n"


def test_media_blocks_are_trimmed_inside_and_dropped_when_empty():
    css = "@media (max-width: 10px) { .a { x: 1; } .b { x: 2; } }\n@media print { .b { x: 3; } }\n"
    assert trim_css(css, {"a"}) == "@media (max-width: 10px) {\n.a { x: 1; }\n}\n"


def test_statements_font_faces_and_keyframes_are_kept_and_comments_go():
    css = (
        "@charset 'utf-8';\n/* a comment { with braces } */\n"
        "@font-face { font-family: X; src: url('x.woff'); }\n"
        "@keyframes spin { from { rotate: 0deg; } to { rotate: 1turn; } }\n"
    )
    out = trim_css(css, set())
    assert "comment" not in out
    assert '@charset "utf-8";' in out  # tinycss2 writes strings in double quotes
    assert '@font-face { font-family: X; src: url("x.woff"); }' in out
    assert "@keyframes spin { from { rotate: 0deg; } to { rotate: 1turn; } }" in out


def test_braces_and_commas_in_strings_do_not_split_rules():
    css = '.a::before { content: "}, .b {"; }\n.c { x: 1; }\n'
    assert trim_css(css, {"a"}) == '.a::before { content: "}, .b {"; }\n'


def test_classes_in_reads_every_class_attribute_but_not_the_styles():
    html = "<div class=\"a b\"><p class='c'>x</p><span class=d></span></div><style>.e { x: 1; }</style>"
    assert classes_in(html) == {"a", "b", "c", "d"}


def test_move_styles_writes_only_what_the_page_uses(tmp_path):
    styles = "<style>\n.jp-Cell { margin: 0; }\n.jp-Unused { margin: 1px; }\n:root { --jp-x: 1px; }\n</style>"
    html = "<h1>Lab</h1>" + styles + '<div class="jp-Cell">x</div>'
    out = notebooks.move_styles(html, "labs/gan", str(tmp_path))
    (sheet,) = (tmp_path / "assets" / "stylesheets").glob("notebook-*.css")
    assert sheet.read_text() == ".jp-Cell { margin: 0; }\n:root { --jp-x: 1px; }\n"
    assert f'<link rel="stylesheet" href="../../assets/stylesheets/{sheet.name}">' in out
    assert "<style" not in out
