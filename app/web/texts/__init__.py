"""The tool's texts by page: each module one dictionary of key → language → text."""
