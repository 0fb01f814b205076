from .support import office, server_process, start_office

__all__ = ["office", "server_process", "start_office"]
