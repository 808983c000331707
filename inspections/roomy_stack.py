"""Room on CPython's frame stack for a request, so that rendering a page does not map and unmap
memory hundreds of times.

CPython keeps each thread's Python frames in chunks of 16 KB. Before the fix for CPython issue
gh-142183 (in the 3.13 and 3.14 maintenance releases of spring 2026, not in 3.13.0 or any 3.12),
a chunk was unmapped as soon as the call depth fell back below it, and mapped afresh the next time
the depth passed it. Template rendering goes up and down by hundreds of frames, so a page crossed
those boundaries hundreds of times: profiled on 3.13.0, 93 % of the access matrix's 900,000
page faults were in ``_PyThreadState_PushFrame``, and a third of its time was the kernel's.

A chunk is sized to fit the frame that needs it, so a call made from a frame with thousands of
local variables runs in one large chunk, which stays mapped until that frame returns: every call
beneath it, however deep the template, fits without a new chunk. The locals are never given a
value; they only make the frame large."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

# The frame holds this many locals and, for the unpacking that declares them, as deep an
# evaluation stack: 266 KB, so its chunk is 512 KB and leaves about 246 KB (hundreds of frames)
# for everything it calls. Only the locals are written when it starts: 136 KB.
LOCALS = 17_000

_names = ", ".join(f"_{n}" for n in range(LOCALS))
_source = f"""
def _call_in_large_frame(function, args, kwargs):
    if function is None:  # never: the assignment only declares the locals
        {_names} = range({LOCALS})
    return function(*args, **kwargs)
"""
_namespace: dict[str, Any] = {}
exec(compile(_source, __file__, "exec"), _namespace)  # the fixed source above, nothing else
_call_in_large_frame: Callable[..., Any] = _namespace["_call_in_large_frame"]


def with_room[**P, R](function: Callable[P, R], *args: P.args, **kwargs: P.kwargs) -> R:
    """``function(*args, **kwargs)``, called from a frame whose chunk leaves room for its calls."""
    result: R = _call_in_large_frame(function, args, kwargs)
    return result


class RoomyWSGI:
    """A WSGI application that handles each request with room on the frame stack."""

    def __init__(self, application: Callable[..., Iterable[bytes]]) -> None:
        self.application = application

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Any:
        return with_room(self.application, environ, start_response)
