from .browser import browser, csp_violations, page

__all__ = ["browser", "csp_violations", "page"]
