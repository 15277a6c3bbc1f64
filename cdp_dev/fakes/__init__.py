"""Fakes of the external services the product calls, served on localhost for demos and tests."""
