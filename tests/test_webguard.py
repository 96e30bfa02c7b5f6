"""Web guards: failed sign-ins slow down per client, and no upload route works with uploads off."""

import logging

import pytest
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.responses import JSONResponse
from starlette.routing import Route
from starlette.testclient import TestClient

from qa.webguard import LoginThrottle, UploadGuard


class Clock:
    def __init__(self):
        self.now = 1000.0

    def __call__(self):
        return self.now


async def login(request):
    form = await request.form()
    ok = form.get("password") == "right"
    return JSONResponse({"success": ok}, status_code=200 if ok else 400)


async def upload(request):
    return JSONResponse(["/tmp/stored-file"])


def client(*middleware):
    app = Starlette(routes=[Route("/login", login, methods=["POST"]),
                            Route("/gradio_api/upload", upload, methods=["POST"])], middleware=list(middleware))
    return TestClient(app)


def test_failed_sign_ins_slow_down_after_a_few_tries_and_are_logged(caplog):
    clock = Clock()
    web = client(Middleware(LoginThrottle, free_tries=3, clock=clock))
    with caplog.at_level(logging.WARNING, logger="qa.web"):
        codes = [web.post("/login", data={"username": "a", "password": "wrong"}).status_code for _ in range(4)]
    assert codes == [400, 400, 400, 429]
    assert "failed sign-in 3 from testclient" in caplog.text
    refused = web.post("/login", data={"username": "a", "password": "right"})
    assert refused.status_code == 429 and refused.headers["retry-after"] == "2"
    clock.now += 1.5
    assert web.post("/login", data={"username": "a", "password": "wrong"}).status_code == 400
    assert web.post("/login", data={"username": "a", "password": "wrong"}).status_code == 429  # now 2 s
    clock.now += 2.5
    assert web.post("/login", data={"username": "a", "password": "right"}).status_code == 200
    assert web.post("/login", data={"username": "a", "password": "wrong"}).status_code == 400  # count cleared


def test_the_wait_doubles_and_stops_at_the_cap():
    clock = Clock()
    throttle = LoginThrottle(None, free_tries=2, max_wait=10, clock=clock)
    waits = []
    for _ in range(8):
        throttle.record("1.2.3.4", succeeded=False)
        waits.append(throttle.wait_left("1.2.3.4"))
    assert waits == [0, 1, 2, 4, 8, 10, 10, 10]
    assert throttle.wait_left("5.6.7.8") == 0


@pytest.mark.parametrize("allowed, status", [(False, 403), (True, 200)])
def test_the_upload_route_stores_nothing_when_uploads_are_off(allowed, status):
    web = client(Middleware(UploadGuard, allow_uploads=allowed))
    response = web.post("/gradio_api/upload", files={"files": ("a.txt", b"hello")})
    assert response.status_code == status
    if not allowed:
        assert "QA_ALLOW_UPLOADS=false" in response.json()["detail"]
