"""Logging in and out, and the accounts an organizer manages."""
