"""Both Canvas fakes held to one contract: what the adapter relies on, answered alike by each.

In the manner of pyeventsourcing's persistence tests: one abstract class of tests, a subclass per fake that
arranges each situation its own way: the scripted Canvas of the unit tests (tests/unit/canvas) by scripting
the answer, the sandbox of app/sandbox/canvas by doing it. A change that makes one fake answer otherwise than
the other fails here, so a unit test cannot pass against a Canvas the sandbox (and Canvas) would not be.
"""

from __future__ import annotations

from abc import ABC, abstractmethod

import httpx
import pytest

from app.canvas.backoff import RetryPolicy
from app.canvas.client import CanvasClient
from app.canvas.courses import get_course
from app.canvas.errors import CanvasConflict
from app.canvas.throttle import InMemoryThrottleGate
from app.sandbox.canvas import DEFAULT_TOKEN, ROOT_ACCOUNT_ID, CanvasSandbox
from tests.unit.canvas.scripted_canvas import BASE, FakeCanvas, canvas_json, sis_taken

CREATE_COURSE = f"/api/v1/accounts/{ROOT_ACCOUNT_ID}/courses"


class CanvasFakeContract(ABC):
    """The contract; pytest collects only the subclasses named Test…."""

    client: CanvasClient
    http: httpx.Client

    @abstractmethod
    def a_course_exists(self, sis_course_id: str) -> int:
        """Arrange a live course with this SIS id in the account; its Canvas id."""

    def test_a_missing_course_is_canvas_own_404(self) -> None:
        answer = self.http.get("/api/v1/courses/sis_course_id:nope")
        assert (answer.status_code, answer.json()) == (
            404,
            {"errors": [{"message": "The specified resource does not exist."}]},
        )

    def test_the_adapter_reads_a_missing_course_as_none(self) -> None:
        assert get_course(self.client, "sis_course_id:nope") is None

    def test_the_adapter_finds_a_course_by_its_sis_id(self) -> None:
        course_id = self.a_course_exists("DD1310-50123")
        found = get_course(self.client, "sis_course_id:DD1310-50123")
        assert found is not None
        assert (found["id"], found["sis_course_id"]) == (course_id, "DD1310-50123")

    def test_a_taken_sis_id_is_canvas_own_refusal(self) -> None:
        self.a_course_exists("DD1310-50123")
        answer = self.http.post(CREATE_COURSE, data={"course[name]": "Ny", "course[sis_course_id]": "DD1310-50123"})
        message = 'SIS ID "DD1310-50123" is already in use'
        assert (answer.status_code, answer.json()) == (
            400,
            {"errors": {"sis_source_id": [{"attribute": "sis_source_id", "type": message, "message": message}]}},
        )

    def test_the_adapter_reads_a_taken_sis_id_as_a_conflict(self) -> None:
        self.a_course_exists("DD1310-50123")
        with pytest.raises(CanvasConflict):
            self.client.post(CREATE_COURSE, {"course[name]": "Ny", "course[sis_course_id]": "DD1310-50123"})

    def test_answers_carry_the_throttle_headers_the_gate_reads(self) -> None:
        self.a_course_exists("DD1310-50123")
        answer = self.http.get("/api/v1/courses/sis_course_id:DD1310-50123")
        assert answer.status_code == 200
        assert float(answer.headers["X-Rate-Limit-Remaining"]) > 0
        assert float(answer.headers["X-Request-Cost"]) >= 0


class TestScriptedCanvas(CanvasFakeContract):
    """The scripted Canvas, told what to answer."""

    def setup_method(self) -> None:
        self.canvas = FakeCanvas()
        transport = httpx.MockTransport(self.canvas.handle)
        gate = InMemoryThrottleGate(clock=self.canvas.clock, sleep=self.canvas.sleep)
        self.client = CanvasClient(
            BASE,
            "token",
            root_account=ROOT_ACCOUNT_ID,
            gate=gate,
            retry=RetryPolicy(attempts=4),
            transport=transport,
            sleep=self.canvas.sleep,
        )
        self.http = httpx.Client(base_url=BASE, transport=transport)

    def a_course_exists(self, sis_course_id: str) -> int:
        course = {"id": 7, "name": "Kurs", "sis_course_id": sis_course_id, "workflow_state": "unpublished"}
        self.canvas.on("GET", f"/api/v1/courses/sis_course_id:{sis_course_id}", canvas_json(200, course))
        self.canvas.on("POST", CREATE_COURSE, sis_taken("sis_source_id", sis_course_id))
        return 7


class TestSandboxCanvas(CanvasFakeContract):
    """The sandbox Canvas, which keeps state and answers from it."""

    def setup_method(self) -> None:
        self.sandbox = CanvasSandbox()
        self.client = CanvasClient(
            "http://canvas.sandbox", DEFAULT_TOKEN, root_account=ROOT_ACCOUNT_ID, transport=self.sandbox.transport()
        )
        self.http = self.sandbox.client()

    def a_course_exists(self, sis_course_id: str) -> int:
        return self.sandbox.create_course("Kurs", sis_course_id)
