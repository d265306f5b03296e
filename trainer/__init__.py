"""Dermatome Trainer: spaced-repetition drills of spinal dermatomes, myotomes, reflexes and disc levels."""

__version__ = "0.1.0"
