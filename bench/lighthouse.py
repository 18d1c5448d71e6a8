"""Lighthouse (mobile) on every patient page, by hand (issue 28, part 11).

    .venv/bin/intake-serve &        # or any running app; PORT=5077 to match the default
    npm install --prefix /tmp/lh lighthouse
    .venv/bin/python bench/lighthouse.py [--url http://127.0.0.1:5077] [--lighthouse /tmp/lh/node_modules/.bin/lighthouse]

For each page it walks a fresh form in Chromium to that page (the pages need a draft),
hands Lighthouse the session cookie, and prints the four category scores and the
cumulative layout shift.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.answers import COMPLETE_FORM, STEPS  # noqa: E402
from tests.browser.driver import click_and_wait, fill_with_mouse  # noqa: E402

CHROMIUM = "/usr/bin/chromium"
FLAGS = "--headless --no-sandbox --disable-gpu --disable-background-networking"


def cookie_at(url: str, stop: str) -> str:
    """The session cookie of a form filled up to page `stop` ("review", "done" too)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"])
        page = browser.new_page()
        page.goto(url + "/")
        fill_with_mouse(page, COMPLETE_FORM["welcome"])
        click_and_wait(page, "button[value=next]")
        for step in STEPS:
            if step == stop:
                break
            fill_with_mouse(page, COMPLETE_FORM[step])
            click_and_wait(page, "button[value=next]")
        if stop == "done":
            page.click('label[for="confirm"]')
            click_and_wait(page, "text=Send my answers")
        cookies = "; ".join(f"{c['name']}={c['value']}" for c in page.context.cookies())
        browser.close()
    return cookies


def scores(lighthouse: str, page_url: str, cookie: str) -> str:
    with tempfile.NamedTemporaryFile(suffix=".json") as out:
        subprocess.run(
            [
                lighthouse, page_url, "--quiet", "--form-factor=mobile",
                "--only-categories=performance,accessibility,best-practices,seo",
                f"--chrome-flags={FLAGS}", f"--extra-headers={json.dumps({'Cookie': cookie})}",
                "--output=json", f"--output-path={out.name}",
            ],
            check=True, capture_output=True, env={"CHROME_PATH": CHROMIUM, "PATH": "/usr/bin:/bin"},
        )  # fmt: skip
        report = json.load(open(out.name))
    categories = " ".join(f"{k} {round(v['score'] * 100)}" for k, v in report["categories"].items())
    return f"{categories}  CLS {report['audits']['cumulative-layout-shift']['displayValue']}"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--url", default="http://127.0.0.1:5077")
    parser.add_argument("--lighthouse", default="/tmp/lh/node_modules/.bin/lighthouse")
    args = parser.parse_args()
    pages = [("/", "welcome"), *((f"/step/{s}", s) for s in STEPS), ("/review", "review"), ("/done", "done")]
    for path, stop in pages:
        print(f"{path:20} {scores(args.lighthouse, args.url + path, cookie_at(args.url, stop))}", flush=True)


if __name__ == "__main__":
    main()
