"""The benchmark's yardstick: a minimal Flask view returning a fixed page of a given size."""

import os

from flask import Flask

PAGE = (
    "<!doctype html><title>baseline</title>" + "x" * int(os.environ.get("BASELINE_BYTES", "8000"))
).encode()

app = Flask(__name__)


@app.get("/")
def page():
    return PAGE, 200, {"Content-Type": "text/html; charset=utf-8"}
