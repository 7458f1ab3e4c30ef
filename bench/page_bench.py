"""Page bench: each screen's script time (AppTest) with an empty and a warm cache on the province
dataset, and the browser time from navigation to the 总览 KPI cards next to a one-line page.

Run: python -m bench.page_bench [--projects N --funds N --regions N] [--no-browser]
Targets: each page < 1 s cold and < 150 ms warm; 总览 browser time ≤ 1.5× the one-line page.
"""
from __future__ import annotations

import argparse
import json
import os
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from bench.bench import generate, load
from data_access import accounts, db
from ui.cards import KPI_VALUE

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out"
BENCH_USER, BENCH_PASSWORD = "bench-admin", "bench-password"  # pages need a signed-in session
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def pages() -> list[tuple[str, str]]:
    """(file, title) of every screen registered in app.py, except the upload page (it waits for a file)."""
    found = re.findall(r'\("(views/[\w.]+)", "([^"]+)"', (ROOT / "app.py").read_text(encoding="utf-8"))
    return [(file, title) for file, title in found if not file.endswith("upload.py")]


def script_times(database_url: str, runs: int) -> list[tuple[str, float, float]]:
    """(title, cold ms, warm ms) per page; cold = first run after clearing every cache."""
    import streamlit as st
    from streamlit.testing.v1 import AppTest

    from ui import auth
    os.environ["ZSDASH_DATABASE_URL"] = database_url
    os.environ["ZSDASH_AUTO_DEMO"] = "0"
    engine = db.make_engine(database_url)
    with engine.connect() as conn:
        admin = accounts.get_account(conn, BENCH_USER)
    engine.dispose()
    results = []
    for file, title in pages():
        st.cache_data.clear()
        st.cache_resource.clear()
        warmup = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
        warmup.session_state[auth.SESSION_KEY] = auth.user_session(admin)
        warmup.run()  # engine and imports, not the page's data
        st.cache_data.clear()
        at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
        at.session_state[auth.SESSION_KEY] = auth.user_session(admin)
        at.switch_page(file)
        start = time.perf_counter()
        at.run()
        cold = time.perf_counter() - start
        if at.exception:
            raise RuntimeError(f"{title}: {at.exception[0].value}")
        warm = []
        for _ in range(runs):
            start = time.perf_counter()
            at.run()
            warm.append(time.perf_counter() - start)
        results.append((title, cold * 1000, statistics.median(warm) * 1000))
    return results


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _serve(script: Path, env: dict) -> tuple[subprocess.Popen, str]:
    port = _free_port()
    proc = subprocess.Popen([sys.executable, "-m", "streamlit", "run", str(script), "--server.port", str(port),
                             "--server.headless", "true"], cwd=ROOT, env=env, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    for _ in range(600):
        try:
            if urllib.request.urlopen(f"{url}/_stcore/health", timeout=1).status == 200:
                return proc, url
        except OSError:
            time.sleep(0.1)
    proc.kill()
    raise RuntimeError(f"{script} did not start")


# Records in the page when the first element matching the selector (holding the text) is drawn: a
# DOM observer sees it laid out, and the animation frame that paints it stamps the time. Playwright's
# own waiting polls from the page's main thread, so it would see the cards only once the browser has
# finished whatever comes next (the charts' script), long after they are on screen.
SHOWN_SCRIPT = """(() => {
  const selector = %s, text = %s;
  const found = () => [...document.querySelectorAll(selector)].some(
    e => e.getBoundingClientRect().height > 0 && e.textContent.includes(text));
  const observer = new MutationObserver(() => {
    if (found()) {
      observer.disconnect();
      requestAnimationFrame(() => { window.__shown = performance.timeOrigin + performance.now(); });
    }
  });
  observer.observe(document, {subtree: true, childList: true, characterData: true});
})();"""


def browser_times(database_url: str, runs: int) -> dict[str, tuple[float, float]]:
    """Median ms from navigation to the 总览 KPI cards drawn for a signed-in leader (the login
    session's cookie is in the browser, as after any earlier sign-in) and to a one-line page's text
    drawn, with a fresh browser cache each time ("cold": every script chunk downloaded) and with
    the cache of one browser profile ("warm": a leader opening the dashboard again)."""
    from playwright.sync_api import sync_playwright
    env = os.environ | {"ZSDASH_DATABASE_URL": database_url, "ZSDASH_AUTO_DEMO": "0"}
    one_line = Path(tempfile.mkdtemp()) / "one_line.py"
    one_line.write_text('import streamlit as st\nst.write("一行页面")\n', encoding="utf-8")
    app, app_url = _serve(ROOT / "app.py", env)
    plain, plain_url = _serve(one_line, env)
    viewport = {"width": 1920, "height": 1080}
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
            login = browser.new_context(viewport=viewport)
            page = login.new_page()
            page.goto(app_url)
            page.get_by_label("用户名").fill(BENCH_USER)
            page.get_by_label("密码").fill(BENCH_PASSWORD)
            page.get_by_role("button", name="登录").click()
            page.wait_for_selector(KPI_VALUE, timeout=60000)
            cookies = login.cookies()
            login.close()

            def measure(url: str, selector: str, text: str, warm: bool) -> float:
                def new_context():
                    context = browser.new_context(viewport=viewport)
                    context.add_cookies(cookies)
                    context.add_init_script(SHOWN_SCRIPT % (json.dumps(selector), json.dumps(text)))
                    return context
                shared = new_context() if warm else None
                times = []
                for i in range(runs + 1):
                    context = shared or new_context()
                    page = context.new_page()
                    start = time.time() * 1000  # the page's clock (performance.timeOrigin) is the epoch's
                    page.goto(url)
                    page.wait_for_function("window.__shown !== undefined", timeout=60000)
                    if i:  # the first load warms the server's caches (and, when warm, the browser's)
                        times.append(page.evaluate("window.__shown") - start)
                    page.close()
                    if not warm:
                        context.close()
                if shared:
                    shared.close()
                return statistics.median(times)
            # 总览 is the signed-in leader's home: the app's address "/" (ui/auth.navigation)
            result = {mode: (measure(f"{app_url}/", KPI_VALUE, "", mode == "warm"),
                             measure(plain_url, '[data-testid="stMarkdown"]', "一行页面", mode == "warm"))
                      for mode in ("cold", "warm")}
            browser.close()
    finally:
        for proc in (app, plain):
            proc.terminate()
            proc.wait(10)
    return result


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.page_bench", description=__doc__.split("\n")[0])
    parser.add_argument("--projects", type=int, default=200_000)
    parser.add_argument("--funds", type=int, default=2_000_000)
    parser.add_argument("--regions", type=int, default=100)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--browser-runs", type=int, default=9, help="page loads per browser figure (median)")
    parser.add_argument("--no-browser", action="store_true")
    parser.add_argument("--sqlite-path", default=str(OUT / "page_bench.db"))
    args = parser.parse_args(argv)
    path = Path(args.sqlite_path)
    path.parent.mkdir(parents=True, exist_ok=True)
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    url = f"sqlite:///{path}"
    engine = db.make_engine(url)
    db.upgrade(engine)
    start = time.perf_counter()
    load(engine, generate(args.projects, args.funds, args.regions))
    with engine.begin() as conn:
        accounts.create_user(conn, BENCH_USER, "admin", BENCH_PASSWORD, actor="bench")
    engine.dispose()
    print(f"dataset: {args.projects} projects, {args.funds} funds rows, {args.regions} regions (SQLite); "
          f"built in {time.perf_counter() - start:.1f} s")
    print(f"\n{'page':<12}{'cold ms':>10}{'warm ms':>10}  target: < 1000 cold, < 150 warm")
    slow = False
    for title, cold, warm in script_times(url, args.runs):
        ok = cold < 1000 and warm < 150
        slow |= not ok
        print(f"{title:<12}{cold:>10.1f}{warm:>10.1f}  {'OK' if ok else 'SLOW'}")
    if not args.no_browser:
        print()
        for mode, (kpi, base) in browser_times(url, args.browser_runs).items():
            ratio = kpi / base
            print(f"browser ({mode} cache): 总览 KPI cards visible {kpi:.0f} ms (signed in), "
                  f"one-line page {base:.0f} ms, "
                  f"ratio {ratio:.2f} (target ≤ 1.5) {'OK' if ratio <= 1.5 else 'SLOW'}")
    print("pages measured: " + ", ".join(t for _, t in pages()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
