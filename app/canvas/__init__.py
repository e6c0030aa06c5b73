"""Canvas REST client (SIS-id paths, pagination, throttling, retries) and the executor of plan operations.

Wiring, per institution and process::

    gate = InMemoryThrottleGate()            # or any ThrottleGate shared by every worker of one token
    client = CanvasClient(canvas_url, token, root_account=canvas_root_account_id, gate=gate)
    result = execute(operation, client, KnownIds(users=..., sections=...))   # -> an OpResult
    client.counter.total                     # requests sent, retries included (an httpx event hook)

`execute` raises CanvasNotFound, CanvasConflict, CanvasUnavailable or CanvasError when Canvas refuses;
it never touches a database: the caller records the result.
"""
