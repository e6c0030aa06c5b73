"""Canvas pagination: `page`/`per_page` with a Link header (lib/api.rb Api.paginate, build_links).

Numbered pages give current/next/prev/first/last links. Enrollment lists use bookmarks instead
(EnrollmentsApiController#index → BookmarkedCollection): opaque `page=bookmark:...` values
(base64 of a JSON sort key), a `page=first` first link, and a last link only on the final page
(pointing at that page), so clients must follow the links rather than count pages.
"""

from __future__ import annotations

import base64
import json
import math
from collections.abc import Callable, Sequence
from typing import Any, TypeVar
from urllib.parse import parse_qsl, urlencode

from app.sandbox.canvas.router import ApiRequest

T = TypeVar("T")

DEFAULT_PER_PAGE = 10
MAX_PER_PAGE = 100
# Api::EXCLUDE_IN_PAGINATION_LINKS
_EXCLUDED = {"page", "per_page", "access_token", "api_key"}


def per_page(request: ApiRequest) -> int:
    """Api.per_page_for: the requested size, default 10, capped at the maximum."""
    try:
        size = int(str(request.params.get("per_page", DEFAULT_PER_PAGE)))
    except ValueError:
        size = DEFAULT_PER_PAGE
    if size <= 0:
        size = DEFAULT_PER_PAGE
    return min(size, MAX_PER_PAGE)


def _link_base(request: ApiRequest) -> str:
    kept = [(k, v) for k, v in parse_qsl(request.query, keep_blank_values=True) if k.split("[")[0] not in _EXCLUDED]
    # Hash#to_query sorts the encoded "key=value" pieces.
    query = "&".join(sorted(urlencode([pair]) for pair in kept))
    base = request.base_url + request.path + "?"
    return base + (query + "&" if query else "")


def _links(request: ApiRequest, size: int, pages: dict[str, Any]) -> str:
    base = _link_base(request)
    return ",".join(
        f'<{base}page={value}&per_page={size}>; rel="{rel}"' for rel, value in pages.items() if value is not None
    )


def paginate(request: ApiRequest, items: Sequence[T]) -> tuple[list[T], dict[str, str]]:
    """One numbered page of items and its Link header."""
    size = per_page(request)
    try:
        page = max(int(str(request.params.get("page", 1))), 1)
    except ValueError:
        page = 1
    last = max(math.ceil(len(items) / size), 1)
    chunk = list(items[(page - 1) * size : page * size])
    links = {
        "current": page,
        "next": page + 1 if page < last else None,
        "prev": page - 1 if page > 1 else None,
        "first": 1,
        "last": last,
    }
    return chunk, {"Link": _links(request, size, links)}


def _encode_bookmark(key: list[Any]) -> str:
    raw = json.dumps(key, separators=(",", ":")).encode("utf-8")
    return "bookmark:" + base64.urlsafe_b64encode(raw).decode("ascii").rstrip("=")


def _decode_bookmark(value: str) -> list[Any] | None:
    if not value.startswith("bookmark:"):
        return None
    encoded = value[len("bookmark:") :]
    try:
        decoded = json.loads(base64.urlsafe_b64decode(encoded + "=" * (-len(encoded) % 4)))
    except ValueError:
        return None
    return decoded if isinstance(decoded, list) else None


def paginate_bookmarked(
    request: ApiRequest, items: Sequence[T], key: Callable[[T], list[Any]]
) -> tuple[list[T], dict[str, str]]:
    """One bookmarked page: items sorted by `key`, resuming after the bookmark in `page`."""
    size = per_page(request)
    ordered = sorted(items, key=key)
    current = str(request.params.get("page", "first"))
    after = _decode_bookmark(current)
    if after is not None:
        ordered = [item for item in ordered if key(item) > after]
    chunk = ordered[:size]
    more = len(ordered) > size
    current = current if after is not None else "first"
    links = {
        "current": current,
        "next": _encode_bookmark(key(chunk[-1])) if more and chunk else None,
        "first": "first",
        "last": None if more else current,
    }
    return chunk, {"Link": _links(request, size, links)}
