"""The pure core: Ladok event types, participation rules, settings, desired state and plans. No I/O."""
