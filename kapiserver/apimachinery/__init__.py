"""Pure types and functions every layer uses (upstream k8s.io/apimachinery).

Nothing here imports from the rest of kapiserver, does I/O, or touches the event loop.
"""
