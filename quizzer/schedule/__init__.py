"""Scheduling: the FSRS wrapper and the due queue."""
