"""Conversations (conversations_controller.rb: index, create)."""

from __future__ import annotations

from app.sandbox.canvas.errors import ApiError
from app.sandbox.canvas.lookup import find_user
from app.sandbox.canvas.pagination import paginate
from app.sandbox.canvas.params import as_list, text, to_bool
from app.sandbox.canvas.router import ApiRequest, ApiResponse, Router
from app.sandbox.canvas.serializers import conversation_json
from app.sandbox.canvas.state import CanvasState, Conversation, Message


def _invalid(attribute: str, message: str) -> ApiError:
    # ConversationsController renders a bare array of {attribute, message} on invalid input.
    return ApiError(400, [{"attribute": attribute, "message": message}])


def _private_between(state: CanvasState, a: int, b: int) -> Conversation | None:
    return next(
        (c for c in state.conversations.values() if c.private and sorted(c.participant_ids) == sorted({a, b})), None
    )


def _deliver(
    state: CanvasState, sender_id: int, recipients: list[int], subject: str, body: str, private: bool, now: str
) -> Conversation:
    # User#initiate_conversation: a private conversation between the same two users is reused.
    participants = sorted({sender_id, *recipients})
    conversation = _private_between(state, *participants) if private and len(participants) == 2 else None
    if conversation is None:
        conversation = Conversation(
            id=state.next_id("conversations"),
            subject=subject,
            participant_ids=participants,
            messages=[],
            private=private,
        )
        state.conversations[conversation.id] = conversation
    conversation.messages.append(Message(id=state.next_message_id(), author_id=sender_id, body=body, created_at=now))
    return conversation


def send_message(
    state: CanvasState,
    sender_id: int,
    recipient_ids: list[int],
    subject: str,
    body: str,
    force_new: bool = False,
    group: bool = False,
    bulk: bool = False,
) -> list[Conversation]:
    """ConversationsController#create: private batches, forced-new batches, or one (group) conversation."""
    now = state.timestamp()
    batch_private = not group and len(recipient_ids) > 1
    batch_group = (group and bulk) or force_new
    if batch_private or batch_group:
        delivered = [_deliver(state, sender_id, [r], subject, body, not batch_group, now) for r in recipient_ids]
        # Batch results come back newest first (visible_last_authored_at DESC, ..., id DESC).
        return sorted(delivered, key=lambda c: c.id, reverse=True)
    return [_deliver(state, sender_id, recipient_ids, subject, body, not group, now)]


def _create(request: ApiRequest) -> ApiResponse:
    state = request.state
    params = request.params
    refs = as_list(params.get("recipients"))
    if not refs:
        raise _invalid("recipients", "blank")
    try:
        recipients = [find_user(state, ref).id for ref in refs]
    except ApiError:
        raise _invalid("recipients", "invalid") from None
    body = text(params.get("body")) or ""
    if not body.strip():
        raise _invalid("body", "blank")
    conversations = send_message(
        state,
        request.current_user_id,
        list(dict.fromkeys(recipients)),
        text(params.get("subject")) or "",
        body,
        force_new=to_bool(params.get("force_new", False)),
        group=to_bool(params.get("group_conversation", False)),
        bulk=to_bool(params.get("bulk_message", False)),
    )
    if text(params.get("mode")) == "async" and len(conversations) > 1:
        # Async batches answer 202 with an empty list; here the batch has already run.
        return ApiResponse(202, [])
    return ApiResponse(201, [conversation_json(state, c, request.current_user_id) for c in conversations])


def _index(request: ApiRequest) -> ApiResponse:
    state = request.state
    me = request.current_user_id
    scope = text(request.params.get("scope")) or "inbox"
    mine = [c for c in state.conversations.values() if me in c.participant_ids]
    if scope == "sent":
        # The sent scope holds conversations the user has written in.
        mine = [c for c in mine if any(m.author_id == me for m in c.messages)]
    elif scope in ("inbox", "unread"):
        # The inbox holds conversations with a message from someone else.
        mine = [c for c in mine if any(m.author_id != me for m in c.messages)]
    else:
        mine = []
    mine.sort(key=lambda c: (c.messages[-1].created_at, c.id), reverse=True)
    page, headers = paginate(request, mine)
    return ApiResponse(200, [conversation_json(state, c, me) for c in page], headers)


def register(router: Router) -> None:
    """Add the conversation routes."""
    router.add("GET", "/api/v1/conversations", _index)
    router.add("POST", "/api/v1/conversations", _create)
