from tests.integration.support import office, start_office

__all__ = ["office", "start_office"]
