"""Browser tests: a real Streamlit server on a free port and Debian's Chromium through Playwright.

The server log is printed when a test fails. Screenshots land in a folder of the system's temporary
directory (``zsdash-screenshots``), so a test run leaves the checkout as it was; ``make screenshots``
runs the browser tests with ZSDASH_SCREENSHOT_DIR=docs/screenshots to refresh the README's pictures.
"""
from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SHOTS = Path(os.environ.get("ZSDASH_SCREENSHOT_DIR") or Path(tempfile.gettempdir()) / "zsdash-screenshots")
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass(frozen=True)
class Server:
    url: str
    database_url: str

    def __str__(self) -> str:
        return self.url


def start_server(tmp_path_factory, **settings: str):
    """Start the app on a fresh demo database with the given ZSDASH_* settings; yields the Server."""
    require_chromium()
    db_file = tmp_path_factory.mktemp("e2e") / "demo.db"
    env = os.environ | {"ZSDASH_DATABASE_URL": f"sqlite:///{db_file}", "ZSDASH_AUTO_DEMO": "0"} | \
        {f"ZSDASH_{k.upper()}": v for k, v in settings.items()}
    subprocess.run([sys.executable, "cli.py", "init", "--demo"], cwd=ROOT, env=env, check=True,
                   capture_output=True)
    port = _free_port()
    log = tmp_path_factory.mktemp("e2e-log") / "server.log"
    with open(log, "w") as out:
        proc = subprocess.Popen([sys.executable, "-m", "streamlit", "run", "app.py", "--server.port", str(port),
                                 "--server.headless", "true"], cwd=ROOT, env=env, stdout=out,
                                stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:  # poll the health endpoint until the server answers
        try:
            if urllib.request.urlopen(f"{url}/_stcore/health", timeout=2).status == 200:
                break
        except OSError:
            if time.monotonic() > deadline or proc.poll() is not None:
                proc.kill()
                pytest.fail("Streamlit did not start:\n" + log.read_text())
    yield Server(url, env["ZSDASH_DATABASE_URL"])
    proc.terminate()
    proc.wait(10)
    if os.environ.get("ZSDASH_E2E_SHOW_LOG"):
        print(log.read_text())


@pytest.fixture(scope="session")
def demo_server(tmp_path_factory):
    """The app on the demo data, as `make run` serves it (``str()`` is its URL)."""
    yield from start_server(tmp_path_factory)


def require_chromium() -> None:
    if not Path(CHROMIUM).exists():
        message = f"{CHROMIUM} is missing (apt-get install chromium fonts-noto-cjk)"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(message)
        pytest.skip(message)


@pytest.fixture(scope="session")
def browser():
    require_chromium()
    from playwright.sync_api import sync_playwright
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1920, "height": 1080}, locale="zh-CN")
    pg = context.new_page()
    yield pg
    context.close()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    """A failed browser test reports what the browser showed: its address, its text and a
    screenshot (in the screenshot folder), so that a failure in CI can be read without a rerun."""
    report = yield
    page = getattr(item, "funcargs", {}).get("page")
    if report.when == "call" and report.failed and page is not None:
        try:
            text = page.evaluate("() => document.body.innerText")
            SHOTS.mkdir(parents=True, exist_ok=True)
            shot = SHOTS / f"failed-{item.name[:80]}.png"
            page.screenshot(path=str(shot), full_page=True)
        except Exception as error:  # noqa: BLE001 (a page that cannot be read still lets the failure show)
            text, shot = f"(the page could not be read: {error})", None
        report.sections.append(("the page at failure", f"{page.url} (screenshot: {shot})\n{text}"))
    return report


def demo_password(name: str) -> str:
    from sample_data.load import DEMO_ACCOUNTS
    return next(password for account, password, _, _ in DEMO_ACCOUNTS if account == name)


def sign_in(page, url: str, name: str = "admin", password: str | None = None) -> None:
    """Open ``url`` in a new browser session: the login page shows at every address; sign in there
    as demo account ``name`` and wait until the page that was asked for has run."""
    page.goto(url)
    page.wait_for_selector('[data-testid="stApp"][data-test-script-state="notRunning"]', timeout=30000)
    page.get_by_label("用户名").fill(name)
    page.get_by_label("密码").fill(password or demo_password(name))
    page.get_by_role("button", name="登录").click()
    # attached, not visible: the 大屏 hides the sidebar that says who is signed in
    page.get_by_text(f"当前用户:{name}").wait_for(state="attached", timeout=30000)
    page.wait_for_selector('[data-testid="stApp"][data-test-script-state="notRunning"]', timeout=30000)


def display_link(server, label: str = "会议室大屏") -> tuple[int, str]:
    """A new display link on the server's database: (id, token)."""
    from data_access import accounts, db
    engine = db.make_engine(server.database_url)
    try:
        with engine.begin() as conn:
            return accounts.create_display_link(conn, label, actor="e2e")
    finally:
        engine.dispose()


def wait_idle(page) -> None:
    """Wait until Streamlit has finished running the script."""
    page.wait_for_selector('[data-testid="stApp"][data-test-script-state="notRunning"]', timeout=30000)


def choose_period(page, year: int, month: int) -> None:
    """Set 数据上报's 填报年份 and 填报月份, waiting for each run, and check that both stuck (a rerun
    that had not started yet when the next control was used must not lose either)."""
    from playwright.sync_api import expect
    page.get_by_label("填报年份").fill(str(year))
    page.get_by_label("填报年份").press("Enter")
    wait_idle(page)
    page.get_by_role("combobox", name="填报月份").click()
    page.get_by_role("option", name=f"{month}月", exact=True).click()
    wait_idle(page)
    expect(page.get_by_label("填报年份")).to_have_value(str(year), timeout=30000)
    expect(page.get_by_role("combobox", name="填报月份")).to_have_value(f"{month}月", timeout=30000)


def wait_for_app(page) -> None:
    """Wait until Streamlit has finished running the script, and a first view that shows the KPI
    cards alone (ui/first_paint.py) has been followed by the whole page."""
    page.wait_for_selector('[data-testid="stMetric"], [data-testid="kpi-card"]', timeout=30000)
    page.wait_for_function("""() => !document.querySelector('.st-key-first_paint') && document.querySelector(
        '[data-testid="stApp"][data-test-script-state="notRunning"]')""", timeout=30000)


def wait_for_charts(page) -> None:
    """Wait until the script has run, no element is still a loading skeleton (charts, tables), and
    every Vega-Lite chart on the page has drawn."""
    page.wait_for_function(
        """() => document.querySelector('[data-testid="stApp"][data-test-script-state="notRunning"]')
                 && !document.querySelector('[data-testid="stSkeleton"]')
                 && [...document.querySelectorAll('[data-testid="stVegaLiteChart"]')]
                    .every(c => c.querySelector('canvas, svg.marks'))""", timeout=30000)
