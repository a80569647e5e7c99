"""Scheduled work. Each job takes `now` so that it can be run as if at any time."""
