"""Cross-cutting concerns shared by every catalog service.

The chassis is a library: it has no entry points and knows nothing of any one service.
Each module is built on the well-kept library for its concern (see docs/adr/).
"""
