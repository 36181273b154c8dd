"""Work left for after a request's answer (core.after)."""

import logging

from django.core.signals import request_finished
from django.db import close_old_connections
from django.http import HttpResponse

from xinfang.core.after import AfterResponseMiddleware, after_response


def test_outside_a_request_nothing_is_kept():
    assert after_response(lambda: None) is False


def test_the_work_runs_once_after_the_answer_and_a_failure_is_only_logged(rf, caplog):
    ran = []

    def count():
        ran.append(1)

    def fail():
        raise RuntimeError("the disk is full")

    def view(request):
        assert after_response(count) and after_response(count)  # kept once
        after_response(fail)
        assert not ran
        return HttpResponse("ok")

    response = AfterResponseMiddleware(view)(rf.get("/"))
    assert response.status_code == 200 and not ran
    request_finished.disconnect(close_old_connections)  # as the test client does
    try:
        with caplog.at_level(logging.ERROR, logger="xinfang.core.after"):
            response.close()
    finally:
        request_finished.connect(close_old_connections)
    assert ran == [1]
    assert "left to a later run" in caplog.text
    # The next request starts with nothing kept.
    assert after_response(count) is False
