from .support import sites, start_sites

__all__ = ["sites", "start_sites"]
