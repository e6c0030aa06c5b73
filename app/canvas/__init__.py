"""Canvas REST client (SIS-id paths, pagination, throttling, retries) and the executor of plan operations."""
