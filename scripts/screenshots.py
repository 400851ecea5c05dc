"""Screenshots of the web app's main pages, for the README: ``docs/screenshots/*.png``.

Runs the app in-process on a free loopback port with the offline grader and a throw-away
database, drives Debian's Chromium with Playwright through one short interview, and
saves a picture of each page, and the scorecard once more at a phone's width (375 px).
Run: ``.venv/bin/python scripts/screenshots.py``.
"""

from __future__ import annotations

import re
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
OUT = REPO / "docs" / "screenshots"

# Example answers written for these screenshots (not taken from any model answer).
FIRST = (
    "In my second year at a logistics start-up, our delivery-time model started "
    "over-predicting by about 40 minutes after a routing change. I was the only ML engineer "
    "on the team, so it was on me to find the cause before the sales demo that Friday. I "
    "replayed a week of requests through the old and new pipelines and diffed the features, "
    "because the model code had not changed. The distance feature had switched from miles to "
    "kilometres. I fixed the conversion, added a unit check, and backfilled the training "
    "data. The error dropped from 40 to 6 minutes and the demo went ahead on time. I learned "
    "to test feature contracts, not just code, and we now run that check in CI."
)
SECOND = "We tried a few things and in the end the team made it work."


def main() -> int:
    from playwright.sync_api import expect, sync_playwright

    from interviewer.core.settings import build_settings
    from interviewer.web import WebConfig, create_app
    from interviewer.web.live import launch_chromium, live_server

    OUT.mkdir(parents=True, exist_ok=True)
    db = Path(tempfile.mkdtemp()) / "screenshots.sqlite3"
    app = create_app(WebConfig(settings=build_settings(grader="offline", db=db)))
    with sync_playwright() as pw, live_server(app) as base:
        browser = launch_chromium(pw)
        page = browser.new_page(viewport={"width": 1100, "height": 900})

        def shot(name: str) -> None:
            path = OUT / f"{name}.png"
            page.screenshot(path=str(path), full_page=True)
            print(f"wrote {path.relative_to(REPO)}")

        page.goto(base + "/")
        shot("1-start")
        page.get_by_role("link", name=re.compile("^Choose questions from")).first.click()
        for box in page.get_by_role("checkbox").all():
            box.uncheck()
        page.locator("#q-q1").check()
        page.locator("#q-q4").check()
        shot("2-choose-questions")
        page.get_by_role("button", name="Start the interview").click()
        answer = page.get_by_role("textbox", name=re.compile(r"^Your answer \(type"))
        answer.fill(FIRST)
        answer.dispatch_event("input")
        expect(page.get_by_role("timer")).to_have_text(re.compile(r"0:0[2-9]"))
        shot("3-question")
        page.get_by_role("button", name="Submit answer").click()
        shot("4-scorecard")
        page.set_viewport_size({"width": 375, "height": 812})  # a phone: one card per part
        shot("8-scorecard-phone")
        page.set_viewport_size({"width": 1100, "height": 900})
        page.get_by_role("link", name="Next question").click()
        page.get_by_role("textbox", name=re.compile(r"^Your answer \(type")).fill(SECOND)
        page.get_by_role("button", name="Submit answer").click()
        shot("5-follow-up")
        page.get_by_role("button", name=re.compile("^Finish")).click()
        page.wait_for_timeout(300)
        shot("6-report")
        # a second, shorter session so the history has a trend to draw
        page.goto(base + "/")
        page.get_by_role("link", name=re.compile("^Choose questions from")).first.click()
        for box in page.get_by_role("checkbox").all():
            box.uncheck()
        page.locator("#q-q2").check()
        page.get_by_label("Follow-up questions per answer").select_option("0")
        page.get_by_role("button", name="Start the interview").click()
        page.get_by_role("textbox", name=re.compile(r"^Your answer \(type")).fill(FIRST)
        page.get_by_role("button", name="Submit answer").click()
        page.get_by_role("button", name=re.compile("^Finish")).click()
        page.goto(base + "/history")
        shot("7-history")
        browser.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
