"""The running server keeps Streamlit's XSRF protection on: it hands out the XSRF cookie, and a file
upload (a state-changing request) that does not echo it back in the X-Xsrftoken header is refused
before anything else is looked at."""
import urllib.error
import urllib.request

import pytest

pytestmark = pytest.mark.e2e


def put_upload(server, headers: dict) -> int:
    request = urllib.request.Request(f"{server.url}/_stcore/upload_file/no-such-session/no-such-file", data=b"x",
                                     method="PUT", headers={"Content-Type": "application/octet-stream"} | headers)
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status
    except urllib.error.HTTPError as refused:
        return refused.code


def test_running_server_refuses_an_upload_without_the_xsrf_token(demo_server):
    with urllib.request.urlopen(f"{demo_server.url}/_stcore/health", timeout=10) as response:
        cookies = response.headers.get_all("Set-Cookie") or []
    xsrf = next(c.split(";")[0] for c in cookies if c.startswith("_streamlit_xsrf="))
    token = xsrf.split("=", 1)[1]
    assert put_upload(demo_server, {}) == 403
    assert put_upload(demo_server, {"Cookie": xsrf}) == 403  # the cookie alone is not enough
    assert put_upload(demo_server, {"Cookie": xsrf, "X-Xsrftoken": "forged"}) == 403
    # with the token echoed the request gets past the XSRF check (and fails on the unknown session)
    assert put_upload(demo_server, {"Cookie": xsrf, "X-Xsrftoken": token}) == 400
