"""The loops that move work along: read feeds, record, mark keys dirty, reconcile, timers."""
