"""Python side of the customer data platform: loading raw files and activating audiences."""
