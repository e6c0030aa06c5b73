"""Pacing requests to a leaky-bucket throttle whose figures are learnt from its answers, not assumed.

Canvas (request_throttle.rb) holds an up-front cost U for every request in flight, refuses a request
when the bucket's level plus the reservations reaches the high-water mark H, leaks D units a second,
and answers with X-Request-Cost and X-Rate-Limit-Remaining = H − level − the reservations of requests
still in flight. So with j of our other requests in flight, `room` = remaining + j·U is what the bucket
has under H for reservations; a new request may go while room (plus what drained since) covers U for
every request in flight, the new one included, and a margin. U is learnt from answers close in time
with different j, H from the largest room seen, D from how room recovers with nothing else in flight.
Until two requests have been in flight together U is reckoned a share of the mark, and a refusal
proves U at least the remaining it reports. A throttled answer (403 "Rate Limit Exceeded" or 429)
halves the window of requests in flight; every other answer widens it by one per window's worth of
answers, never past what the bucket admits.
"""

from __future__ import annotations

import math
import statistics
from collections import deque
from dataclasses import dataclass

MARGIN_SHARE = 0.2  # room kept beyond the reservations, as a share of U: our count of Canvas's in flight lags
PAIR_SECONDS = 0.25  # answers this close in time see the same level, so their remaining differs by U per request
DRAIN_SPAN = 1.0  # seconds between two readings of the level for one sample of the drain
LEVEL_FOR_DRAIN = 1.0  # units above empty: below it the bucket may have run dry and the drain reads low
PROBE_SECONDS = 1.0  # with the drain unknown and no room, one request after this long tells how fast room comes
TICK = 1e-6  # a wait shorter than this is rounding, not a wait
PROVISIONAL_SHARE = 0.25  # until U is learnt (it takes two requests in flight), reckon it a quarter of the mark


@dataclass(frozen=True, slots=True)
class Answer:
    """What one answer says about the bucket; `throttled` for 403 "Rate Limit Exceeded" and 429 alike."""

    remaining: float | None
    cost: float | None
    throttled: bool = False
    retry_after: float | None = None


@dataclass(frozen=True, slots=True)
class BucketFigures:
    """What has been learnt of one bucket (None: not yet known); what worker processes share."""

    high_water: float | None = None
    up_front: float | None = None
    drain: float | None = None
    cost: float | None = None


@dataclass(frozen=True, slots=True)
class _Reading:
    at: float
    remaining: float
    others: int


def _larger(a: float | None, b: float | None) -> float | None:
    return b if a is None else a if b is None else max(a, b)


class BucketPacer:
    """The pacing rule for one bucket: when the next request may go, and what each answer teaches."""

    def __init__(self, figures: BucketFigures | None = None) -> None:
        self._high_water: float | None = None
        self._up_front: float | None = None
        self._up_front_floor = 0.0
        self._drain: float | None = None
        self._cost: float | None = None
        self._up_front_samples: deque[float] = deque(maxlen=15)
        self._drain_samples: deque[float] = deque(maxlen=9)
        self._window = 1.0
        self._most_in_flight = 1
        self._room: float | None = None
        self._room_at = 0.0
        self._last: _Reading | None = None
        self._anchor: tuple[float, float] | None = None  # (time, room) a drain sample starts from
        self._charged = 0.0  # cost charged since the anchor
        self.resume_at = 0.0
        if figures is not None:
            self.adopt(figures)

    def figures(self) -> BucketFigures:
        """What this pacer has learnt."""
        return BucketFigures(self._high_water, self._up_front, self._drain, self._cost)

    def adopt(self, shared: BucketFigures) -> None:
        """Fill in what others learnt: the larger mark and drain (one process sees only its own costs)."""
        knew = self._high_water is not None and self._up_front is not None
        self._high_water = _larger(self._high_water, shared.high_water)
        self._drain = _larger(self._drain, shared.drain)
        self._up_front = self._up_front if self._up_front is not None else shared.up_front
        self._cost = self._cost if self._cost is not None else shared.cost
        if not knew and self._high_water is not None and self._up_front is not None:
            self._window = max(self._window, self._window_cap())  # no slow start into a bucket others know

    def admit(self, now: float, in_flight: int) -> float | None:
        """0 when one more request may go now; else seconds to wait, or None to wait for one in flight."""
        if now + TICK < self.resume_at:
            return self.resume_at - now
        if in_flight >= math.floor(self._window):
            return None
        room, up_front = self._room_now(now), self._reckoned_up_front()
        if room is None:
            return 0.0 if in_flight == 0 else None  # one request first: its answer tells how full the bucket is
        if up_front is None:
            return 0.0  # the window alone paces until two requests in flight have shown the up-front cost
        need = (in_flight + 1 + MARGIN_SHARE) * up_front
        if room >= need:
            return 0.0
        if in_flight > 0:
            return None  # its answer reads the bucket afresh
        delay = self._room_at + PROBE_SECONDS - now if self._drain is None else (need - room) / self._drain
        return delay if delay > TICK else 0.0

    def learn(self, answer: Answer, now: float, others: int) -> float | None:
        """Learn from an answer that came back with `others` of our requests still in flight.

        For a throttled answer, returns the pause every request must now wait (Retry-After when given,
        else until the bucket has room for one request), or None when the drain is not known yet.
        """
        if answer.remaining is not None:
            self._read(answer.remaining, answer.cost or 0.0, others, now)
        if answer.throttled:
            self._window = max(1.0, self._window / 2)
            if answer.remaining is not None:
                self._up_front_floor = max(self._up_front_floor, answer.remaining)
            pause = answer.retry_after if answer.retry_after is not None else self._refill_seconds()
            if pause is not None:
                self.resume_at = max(self.resume_at, now + pause)
            return pause
        self._most_in_flight = max(self._most_in_flight, others + 1)
        self._window = min(self._window + 1 / self._window, max(self._window, self._window_cap()))
        return None

    def penalize(self, until: float) -> None:
        """Hold every request back until `until` (a pause learnt elsewhere)."""
        self.resume_at = max(self.resume_at, until)

    def _reckoned_up_front(self) -> float | None:
        if self._up_front is not None:
            return max(self._up_front, self._up_front_floor)
        if self._high_water is None:
            return None
        return max(PROVISIONAL_SHARE * self._high_water, self._up_front_floor)

    def _window_cap(self) -> float:
        if self._high_water is not None and self._up_front:
            return max(1.0, math.floor(self._high_water / self._up_front - MARGIN_SHARE))
        return float(self._most_in_flight + 1)  # U unknown: widen only as far as requests were in flight

    def _room_now(self, now: float) -> float | None:
        if self._room is None:
            return None
        if self._drain is None:
            return self._room
        grown = self._room + self._drain * max(0.0, now - self._room_at)
        return grown if self._high_water is None else min(grown, self._high_water)

    def _refill_seconds(self) -> float | None:
        up_front = self._reckoned_up_front()
        if self._drain is None or up_front is None or self._room is None:
            return None
        return max(0.0, ((1 + MARGIN_SHARE) * up_front - self._room) / self._drain)

    def _read(self, remaining: float, cost: float, others: int, now: float) -> None:
        if cost > 0:
            self._cost = cost if self._cost is None else 0.9 * self._cost + 0.1 * cost
        self._charged += cost
        self._learn_up_front(_Reading(now, remaining, others))
        if self._up_front is None and others > 0:
            return
        room = remaining + others * (self._up_front or 0.0)
        if others == 0:
            self._high_water = _larger(self._high_water, remaining)
        self._room, self._room_at = room, now
        if others == 0:
            self._learn_drain(room, now)

    def _learn_up_front(self, reading: _Reading) -> None:
        last, self._last = self._last, reading
        if last is None or last.others == reading.others or reading.at - last.at > PAIR_SECONDS:
            return
        sample = (last.remaining - reading.remaining) / (reading.others - last.others)
        if sample > 0:
            self._up_front_samples.append(sample)
            # The upper quartile: the level drains between the two answers, so samples tend to read low,
            # and a low U would admit one request too many.
            samples = self._up_front_samples
            upper = statistics.quantiles(samples, n=4, method="inclusive")[2] if len(samples) > 1 else samples[0]
            self._up_front = upper

    def _learn_drain(self, room: float, now: float) -> None:
        emptyish = self._high_water is None or self._high_water - room < LEVEL_FOR_DRAIN
        if emptyish:
            self._anchor = None  # an empty bucket stops leaking: no reading of the drain across it
            return
        if self._anchor is not None and now - self._anchor[0] >= DRAIN_SPAN:
            then, room_then = self._anchor
            sample = (room - room_then + self._charged) / (now - then)
            if sample > 0:
                self._drain_samples.append(sample)
                self._drain = statistics.median(self._drain_samples)
        elif self._anchor is not None:
            return
        self._anchor, self._charged = (now, room), 0.0
