"""The person's weekly log: reading it, rendering entries, inserting them atomically."""
