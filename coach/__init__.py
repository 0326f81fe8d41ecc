"""coach: a guided home routine coach for desk workers with muscle knots."""

__version__ = "0.1.0"
