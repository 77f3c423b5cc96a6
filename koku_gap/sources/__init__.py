"""Readers that turn each kind of input into a ComponentGraph."""
