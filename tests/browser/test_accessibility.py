"""axe-core on every page, in the light and the dark scheme, every fold opened: no serious or
critical finding (its color-contrast rule is the site's contrast check: text at 4.5:1 or more).

axe-core (npm, pinned in package.json) is injected into each page as Chromium shows it. The
only findings let through are the theme's own, listed in BASELINE with the reason for each;
a finding there that no page shows any more fails too, so the list cannot go stale.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import pytest
from built_site import NODE_MODULES, SCHEMES, built_pages, count, set_scheme

AXE = NODE_MODULES / "axe-core" / "axe.min.js"
GATED = ("serious", "critical")


@dataclass(frozen=True)
class Known:
    rule: str
    where: str  # a CSS selector: the finding is known when its element matches it or sits inside it
    reason: str


BASELINE = [
    Known(
        "aria-dialog-name",
        ".md-search",
        "Material's search overlay is a role=dialog with no accessible name; its input is labelled "
        "('Search'), the dialog is not. Theme markup (mkdocs-material 9.8, partials/search.html).",
    ),
]

# Run axe, then say for each finding which baseline selectors its element matches.
RUN_AXE = """async (known) => {
  const result = await axe.run(document, {resultTypes: ['violations']});
  return result.violations.map(v => ({
    id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.map(n => {
      const el = document.querySelector(n.target[n.target.length - 1]);
      return {
        target: n.target.join(' '), html: n.html.slice(0, 120),
        summary: (n.failureSummary || '').split('\\n').slice(1, 2).join('').trim().slice(0, 160),
        matches: el ? known.filter(sel => el.closest(sel)) : [],
      };
    }),
  }));
}"""

SEEN: set[Known] = set()


def is_known(rule: str, node: dict) -> Known | None:
    for known in BASELINE:
        if known.rule == rule and known.where in node["matches"]:
            return known
    return None


@pytest.mark.parametrize("scheme", list(SCHEMES))
def test_axe_finds_nothing_serious(tab, page, scheme):
    browser_tab, record = tab(page)
    # No colour transitions: axe reads the colours the new scheme ends on, not a frame halfway there
    # (Material fades a code block's background over 125 ms).
    browser_tab.add_style_tag(content="*, *::before, *::after { transition: none !important; }")
    set_scheme(browser_tab, scheme)
    # Open every fold (the code under each figure, the model's source, the answers): a reader
    # opens them, and what is inside must read as well as the rest.
    browser_tab.evaluate("document.querySelectorAll('.md-content details').forEach(d => { d.open = true; })")
    browser_tab.add_script_tag(path=str(AXE))
    violations = browser_tab.evaluate(RUN_AXE, [k.where for k in BASELINE])
    new = []
    for violation in violations:
        if violation["impact"] not in GATED:
            continue
        for node in violation["nodes"]:
            known = is_known(violation["id"], node)
            if known:
                SEEN.add(known)
                count(f"axe findings in the baseline: {known.rule} at {known.where} ({SCHEMES[scheme]})")
                continue
            count(f"axe findings, new ({SCHEMES[scheme]})")
            new.append(
                f"[{violation['impact']}] {violation['id']} ({violation['help']}) at {node['target']}\n"
                f"    {node['html']}\n    {node['summary']}"
            )
    count("axe runs (pages x schemes)")
    assert not new, f"{record.url} ({SCHEMES[scheme]}): {len(new)} new finding(s):\n" + "\n".join(new)


def test_every_baseline_entry_is_explained_and_still_needed(request):
    for known in BASELINE:
        assert re.match(r"[a-z-]+$", known.rule), known
        assert known.where, known
        assert len(known.reason) > 40, known
    # Only meaningful after every page was checked in both schemes, and passed.
    ran = [i for i in request.session.items if getattr(i, "originalname", "") == "test_axe_finds_nothing_serious"]
    if len(ran) < len(built_pages()) * len(SCHEMES) or request.session.testsfailed:
        pytest.skip("needs the axe run of every page in both schemes, all passed")
    stale = [k for k in BASELINE if k not in SEEN]
    assert not stale, "baseline entries no page needs any more (delete them): " + ", ".join(
        f"{k.rule} at {k.where}" for k in stale
    )
