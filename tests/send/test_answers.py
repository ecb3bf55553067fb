"""What each answer means, as one table: its kind, whether it is retried, whether the
server may have acted. The same answers over TCP are in test_client.py."""

from __future__ import annotations

import aiohttp
import pytest
from aiohttp.client_reqrep import ConnectionKey

from pipeline.send.answers import Answer, Kind, Page, classify, page_labels, transport_failure

ERROR = {"message": "no"}
OK = {"status": True, "result": {"id": "abc", "name": "Quality"}}
EXISTS = {"message": "A label with this name and type already exists in the selected project."}


@pytest.mark.parametrize(
    ("status", "body", "method", "kind", "retryable", "acted"),
    [
        (200, OK, "POST", "ok", False, True),
        (201, OK, "POST", "ok", False, True),
        (200, None, "POST", "ambiguous", True, True),
        (200, None, "GET", "transient", True, False),
        (200, None, "PATCH", "transient", True, False),
        (301, None, "POST", "fatal", False, False),
        (307, None, "GET", "fatal", False, False),
        (400, EXISTS, "POST", "exists", False, False),
        (400, ERROR, "POST", "permanent", False, False),
        (401, ERROR, "POST", "fatal", False, False),
        (402, ERROR, "POST", "fatal", False, False),
        (403, ERROR, "GET", "fatal", False, False),
        (404, ERROR, "PATCH", "permanent", False, False),
        (409, ERROR, "POST", "permanent", False, False),
        (413, ERROR, "POST", "permanent", False, False),
        (422, ERROR, "POST", "permanent", False, False),
        (429, ERROR, "POST", "transient", True, False),
        (500, None, "POST", "transient", True, True),
        (502, None, "GET", "transient", True, True),
        (503, ERROR, "POST", "transient", True, True),
        (504, ERROR, "POST", "transient", True, True),
        (599, None, "POST", "transient", True, True),
    ],
)
def test_each_status_family_has_one_meaning(
    status: int, body: object, method: str, kind: Kind, retryable: bool, acted: bool
) -> None:
    answer = classify(status, body, "", None, method)
    assert (answer.kind, answer.retryable, answer.may_have_acted) == (kind, retryable, acted)


def _refused() -> aiohttp.ClientConnectorError:
    key = ConnectionKey("127.0.0.1", 1, False, True, None, None, None, None)
    return aiohttp.ClientConnectorError(key, ConnectionRefusedError(111, "refused"))


@pytest.mark.parametrize(
    ("failure", "method", "kind", "acted"),
    [
        # Never connected: nothing was sent, whatever the method.
        (_refused(), "POST", "transient", False),
        (aiohttp.ConnectionTimeoutError(), "POST", "transient", False),
        # Sent, then the answer was lost: a POST may have created the label.
        (aiohttp.ServerDisconnectedError(), "POST", "ambiguous", True),
        (aiohttp.ClientOSError(104, "Connection reset by peer"), "POST", "ambiguous", True),
        (aiohttp.SocketTimeoutError(), "POST", "ambiguous", True),
        (aiohttp.ClientPayloadError("truncated"), "POST", "ambiguous", True),
        (TimeoutError(), "POST", "ambiguous", True),
        # A lost answer to a request that is harmless to repeat is merely transient.
        (aiohttp.ServerDisconnectedError(), "GET", "transient", False),
        (TimeoutError(), "PATCH", "transient", False),
    ],
)
def test_transport_failures_are_judged_by_whether_the_request_left(
    failure: BaseException, method: str, kind: Kind, acted: bool
) -> None:
    answer = transport_failure(failure, method)
    assert (answer.kind, answer.status, answer.retryable) == (kind, None, True)
    assert answer.may_have_acted is acted
    assert answer.message.startswith(type(failure).__name__)


def test_only_a_429_throttles_and_it_carries_its_retry_after() -> None:
    throttled = classify(429, ERROR, "", "3")
    assert throttled.throttled and throttled.retry_after == 3.0
    assert not classify(503, ERROR, "", "3").throttled
    assert classify(503, ERROR, "", "3").retry_after == 3.0
    assert classify(400, ERROR, "", "3").retry_after is None


def test_the_servers_field_details_are_kept_in_the_message() -> None:
    body = {"message": "Invalid", "details": {"name": ["This field is required."]}}
    assert classify(400, body, "", None).message == "Invalid (name: This field is required.)"
    assert classify(502, None, "Bad gateway", None).message == "HTTP 502: Bad gateway"


def test_a_label_is_read_from_the_result_envelope_or_bare() -> None:
    assert classify(200, OK, "", None).label == OK["result"]
    # The live server answers GET one and PATCH with the bare label; the sandbox wraps it.
    assert classify(200, {"id": "abc"}, "", None, "PATCH").label == {"id": "abc"}
    assert classify(200, {"status": True, "result": {"id": "abc"}}, "", None, "PATCH").kind == "ok"


def test_a_list_page_gives_its_labels_whether_more_follow_and_the_claimed_count() -> None:
    body = {"results": [{"id": "a"}, "junk"], "next": "?page=2", "count": 7}
    assert page_labels(Answer("ok", 200, "", body)) == Page([{"id": "a"}], True, 7)
    none = Answer("ok", 200, "", {"results": None, "next": None, "count": True})
    assert page_labels(none) == Page([], False, None)
    assert page_labels(Answer("ok", 200, "", None)) == Page([], False, None)


PROJECT = "3f2c1a9e-7b4d-4e8a-9c61-0d5b2f7e8a14"
NO_PROJECT = f'Invalid pk "{PROJECT}" - object does not exist.'
# The live server's envelope for a field error: `detail` joins `field: message` itself.
NO_PROJECT_ENVELOPE = {
    "status": False,
    "type": "validation_error",
    "code": "does_not_exist",
    "detail": f"project: {NO_PROJECT}",
    "message": f"project: {NO_PROJECT}",
    "error": f"project: {NO_PROJECT}",
    "result": f"project: {NO_PROJECT}",
    "attr": "project",
    "details": {"project": [NO_PROJECT]},
}


def test_a_project_the_server_does_not_have_is_its_own_kind_of_refusal() -> None:
    answer = classify(400, NO_PROJECT_ENVELOPE, "", None)
    assert (answer.kind, answer.retryable, answer.may_have_acted) == (
        "unknown_project",
        False,
        False,
    )
    assert answer.message == f"project: {NO_PROJECT}"
    # Beside other fields' errors, the project still names no project of the organisation.
    several = {
        "message": f"name: This field may not be blank.; project: {NO_PROJECT}",
        "details": {"name": ["This field may not be blank."], "project": [NO_PROJECT]},
    }
    assert classify(400, several, "", None).kind == "unknown_project"


@pytest.mark.parametrize(
    "body",
    [
        # A malformed UUID is the row's own fault, not the project's.
        {"message": "bad", "details": {"project": ["“x” is not a valid UUID."]}},
        # The same words about another field say nothing of the project.
        {"message": "bad", "details": {"settings": [NO_PROJECT]}},
        {"message": f"project: {NO_PROJECT}", "details": None},
        {"message": "bad", "details": {"project": "Invalid pk"}},
    ],
)
def test_only_the_project_fields_invalid_pk_says_the_project_is_unknown(body: object) -> None:
    assert classify(400, body, "", None).kind == "permanent"
    assert classify(404, NO_PROJECT_ENVELOPE, "", None).kind == "permanent"


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (
            {
                "detail": "Invalid API key or secret key",
                "details": {"detail": ["Invalid API key or secret key"]},
            },
            "Invalid API key or secret key",
        ),
        (
            {"message": EXISTS["message"], "details": {"non_field_errors": [EXISTS["message"]]}},
            EXISTS["message"],
        ),
        (
            {
                "message": "name: This field is required.; type: This field is required.",
                "details": {
                    "name": ["This field is required."],
                    "type": ["This field is required."],
                },
            },
            "name: This field is required.; type: This field is required.",
        ),
        # The documented envelope names only the first field: the rest is added.
        (
            {
                "message": "This field is required.",
                "details": {"name": ["This field is required."], "type": ["Bad."]},
            },
            "This field is required. (type: Bad.)",
        ),
    ],
)
def test_details_the_live_message_already_says_are_not_repeated(body: object, message: str) -> None:
    assert classify(400, body, "", None).message == message


@pytest.mark.parametrize(
    ("status", "body"),
    [(204, None), (200, {"status": True, "result": {"id": "abc"}}), (200, {})],
)
def test_a_request_that_expects_nothing_is_done_by_any_2xx(status: int, body: object) -> None:
    answer = classify(status, body, "", None, "DELETE", "nothing")
    assert (answer.kind, answer.status) == ("ok", status)
    assert classify(204, None, "", None, "DELETE").kind == "ambiguous"
