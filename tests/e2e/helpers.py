from pathlib import Path

from django.conf import settings

# Named in the README: every page a browser test visits is saved here.
SCREENSHOTS = Path(settings.BASE_DIR) / "test-artifacts" / "screenshots"


def screenshot(page, name: str) -> Path:
    """Save a full-page PNG of what the browser shows now, as test-artifacts/screenshots/<name>.png."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path
