"""Screens of the trainer: Home, Review, the session summary and the help overlay."""
