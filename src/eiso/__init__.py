"""eISO — electronic ISO 9001:2015 quality management for Vietnamese state agencies."""

__version__ = "0.1.0"
