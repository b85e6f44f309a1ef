"""Sync by USB between commune offices and the hub (DESIGN §5): keys, joining, bundles, merge."""
