"""The review itself: checks per Hubei area (4.1–4.4), the analyst's record, the conclusion."""
