import json
import os
from pathlib import Path

from django.conf import settings

# Named in the README: every page a browser test visits is saved here.
SCREENSHOTS = Path(settings.BASE_DIR) / "test-artifacts" / "screenshots"
# axe-core from the npm registry (package.json, devDependencies), injected into the page by the test: the page
# itself never loads it.
AXE = Path(settings.BASE_DIR) / "node_modules" / "axe-core" / "axe.min.js"
# One line per page checked: which test, which address, how many violations of each impact.
AXE_LOG = Path(settings.BASE_DIR) / "test-artifacts" / "axe.jsonl"
# What fails a test: WCAG 2.1 A and AA rules of impact serious or critical.
FAILING = ("serious", "critical")
AXE_RUN = """async () => {
  const result = await axe.run(document, {
    runOnly: {type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]},
    resultTypes: ["violations"],
  });
  return result.violations.map(v => ({
    id: v.id, impact: v.impact, help: v.help,
    targets: v.nodes.map(n => n.target.join(" ")).slice(0, 10),
  }));
}"""


# Every document a test's pages loaded, and those assert_accessible checked: tests/e2e/conftest.py fails a test
# that loaded a page it never checked.
LOADED: list[str] = []
CHECKED: set[str] = set()


def watch(page):
    """Record every document `page` loads (the conftest then requires each to be checked)."""
    page.on("load", lambda loaded: LOADED.append(loaded.url))
    return page


def assert_accessible(page) -> None:
    """axe-core finds no serious or critical violation on the page the browser shows now; otherwise fail with
    each rule's id and the elements it found (CSS selectors). Every page recorded in test-artifacts/axe.jsonl."""
    page.wait_for_load_state()  # a link just clicked: the page it leads to, loaded, not the one it left
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        # Not page.add_script_tag: the pages' Content-Security-Policy (script-src 'self') refuses an inline
        # script, as it should. Evaluated through the browser's devtools protocol, axe-core is not subject to it.
        page.evaluate(AXE.read_text(encoding="utf-8") + "\n;undefined")
    violations = page.evaluate(AXE_RUN)
    counts = {impact: sum(1 for v in violations if v["impact"] == impact) for impact in ("minor", "moderate", *FAILING)}
    AXE_LOG.parent.mkdir(parents=True, exist_ok=True)
    with AXE_LOG.open("a", encoding="utf-8") as log:
        test = os.environ.get("PYTEST_CURRENT_TEST", "").split(" ")[0]
        lang = page.evaluate("() => document.documentElement.lang")
        log.write(json.dumps({"test": test, "url": page.url, "lang": lang, **counts}) + "\n")
    CHECKED.add(page.url)
    failing = [v for v in violations if v["impact"] in FAILING]
    assert not failing, f"axe-core on {page.url}:\n" + "\n".join(
        f"  {v['impact']} {v['id']} ({v['help']}): {', '.join(v['targets'])}" for v in failing
    )


def screenshot(page, name: str) -> Path:
    """Check the page with axe-core (assert_accessible), then save a full-page PNG of what the browser shows
    now, as test-artifacts/screenshots/<name>.png."""
    assert_accessible(page)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path
