"""Widgets of the trainer's screens: the card, the answer inputs, the feedback and the progress."""
