"""Services: one method per use case, one transaction each. The only API of the UI, CLI and sync."""
