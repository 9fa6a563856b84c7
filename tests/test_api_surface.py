"""The public surface is the contract's (API.md), no more and no less, and Go's words are kept.

The names are listed here rather than read from the contract, so the test
needs nothing outside the repository.  A name beyond the contract is listed
on purpose, with the reason, in the EXTRA tables.
"""

from __future__ import annotations

import importlib
import inspect
from types import ModuleType

import pytest

import gochan
from gochan import (
    Canceled,
    Chan,
    DeadlineExceeded,
    Deadlock,
    Mutex,
    Panic,
    RWMutex,
    WaitGroup,
    go,
    run,
    select,
    send,
)
from gochan.testing import panics, wait_blocked

# -- the names -------------------------------------------------------------------

# Everything API.md lists is importable from the top-level package.
API_TOP_LEVEL = {
    # Goroutines and the runtime
    "go", "run", "gosched", "num_goroutine", "stacks", "GoroutinePanic", "Deadlock",
    # Channels, select and panics
    "Chan", "SendChan", "RecvChan", "Panic",
    "recv", "send", "default", "select", "RecvCase", "SendCase", "Case",
    # sync
    "WaitGroup", "Mutex", "RWMutex", "Once", "Cond",
    # context (after_func at the top level is time's)
    "background", "todo", "with_cancel", "with_cancel_cause", "with_timeout",
    "with_deadline", "with_value", "without_cancel", "cause", "Context",
    "Canceled", "DeadlineExceeded",
    # time
    "sleep", "after", "tick", "Timer", "new_timer", "Ticker", "new_ticker", "after_func",
    "Nanosecond", "Microsecond", "Millisecond", "Second", "Minute", "Hour",
    # errgroup
    "Group",
    # semaphore (x/sync's, as issue 12 asks; re-exported as errgroup's Group is)
    "Weighted", "new_weighted",
    # Beyond one goroutine's thread
    "blocking", "wait_future",
}  # fmt: skip

EXTRA_TOP_LEVEL = {
    "Locker",  # Go's sync.Locker: what Cond takes and RWMutex.rlocker() returns
    "future_done",  # a future's completion as a channel, to select on
    # Go 1.21's context.WithDeadlineCause and WithTimeoutCause (#12)
    "with_deadline_cause", "with_timeout_cause",
    "now", "since", "until",  # Go's time.Now, time.Since, time.Until on the runtime's clock (#12)
}  # fmt: skip

# Go's packages as public submodules, each with its names.
API_SUBMODULES = {
    "gochan.runtime": {
        "go", "run", "gosched", "num_goroutine", "stacks", "blocking", "wait_future",
    },
    "gochan.sync": {"WaitGroup", "Mutex", "RWMutex", "Once", "Cond"},
    "gochan.context": {
        "Context", "background", "todo", "with_cancel", "with_cancel_cause", "with_timeout",
        "with_deadline", "with_value", "without_cancel", "after_func", "cause",
        "Canceled", "DeadlineExceeded",  # Go's context.Canceled, context.DeadlineExceeded
    },
    "gochan.time": {
        "sleep", "after", "tick", "Timer", "new_timer", "Ticker", "new_ticker", "after_func",
        "Nanosecond", "Microsecond", "Millisecond", "Second", "Minute", "Hour",
    },
    "gochan.errgroup": {"Group"},
    "gochan.semaphore": {"Weighted", "new_weighted"},
    "gochan.singleflight": {"Group", "Result"},
    # Go's net, as issue 13 lists it.
    "gochan.net": {
        "listen", "dial", "dial_context", "listen_packet", "Listener", "Conn", "PacketConn",
        "ErrClosed", "ErrDeadlineExceeded",
    },
    # Go's os/exec, as issue 13 lists it.
    "gochan.exec": {
        "command", "command_context", "Cmd", "ExitError", "ErrNotFound",
    },
    "gochan.signal": {"notify", "stop", "ignore", "ignored", "reset", "notify_context"},
    # Go's crypto/tls, as issue 14 lists it.
    "gochan.tls": {"client", "server", "dial", "listen", "Conn"},
    # Go's net/http, as issue 14 lists it.
    "gochan.http": {
        "new_request", "new_request_with_context", "get", "post", "default_client", "Client",
        "Request", "Response", "Header", "Server", "listen_and_serve", "Handler",
        "ResponseWriter", "ServeMux", "error", "not_found", "strip_prefix", "file_server",
    },
    "gochan.http.httptest": {"new_server", "new_recorder", "Server", "ResponseRecorder"},
    "gochan.testing": {"panics", "wait_blocked", "seed", "verify_none", "leak_check",
                       "VirtualClock"},
}  # fmt: skip

# Go's StatusXxx constants, with Go's spelling, as time.Millisecond keeps it.
HTTP_STATUS_CODES = {
    "StatusAccepted", "StatusAlreadyReported", "StatusBadGateway", "StatusBadRequest",
    "StatusConflict", "StatusContinue", "StatusCreated", "StatusEarlyHints",
    "StatusExpectationFailed", "StatusFailedDependency", "StatusForbidden", "StatusFound",
    "StatusGatewayTimeout", "StatusGone", "StatusHTTPVersionNotSupported", "StatusIMUsed",
    "StatusInsufficientStorage", "StatusInternalServerError", "StatusLengthRequired",
    "StatusLocked", "StatusLoopDetected", "StatusMethodNotAllowed", "StatusMisdirectedRequest",
    "StatusMovedPermanently", "StatusMultiStatus", "StatusMultipleChoices",
    "StatusNetworkAuthenticationRequired", "StatusNoContent", "StatusNonAuthoritativeInfo",
    "StatusNotAcceptable", "StatusNotExtended", "StatusNotFound", "StatusNotImplemented",
    "StatusNotModified", "StatusOK", "StatusPartialContent", "StatusPaymentRequired",
    "StatusPermanentRedirect", "StatusPreconditionFailed", "StatusPreconditionRequired",
    "StatusProcessing", "StatusProxyAuthRequired", "StatusRequestEntityTooLarge",
    "StatusRequestHeaderFieldsTooLarge", "StatusRequestTimeout", "StatusRequestURITooLong",
    "StatusRequestedRangeNotSatisfiable", "StatusResetContent", "StatusSeeOther",
    "StatusServiceUnavailable", "StatusSwitchingProtocols", "StatusTeapot",
    "StatusTemporaryRedirect", "StatusTooEarly", "StatusTooManyRequests", "StatusUnauthorized",
    "StatusUnavailableForLegalReasons", "StatusUnprocessableEntity", "StatusUnsupportedMediaType",
    "StatusUpgradeRequired", "StatusUseProxy", "StatusVariantAlsoNegotiates",
}  # fmt: skip

EXTRA_SUBMODULES = {
    # COMPILED: which build of the core runs (issue 15).
    "gochan.runtime": {"COMPILED", "future_done", "set_blocking_workers"},
    # Go's sync.Locker; Go 1.21's sync.OnceFunc, OnceValue and OnceValues.
    "gochan.sync": {"Locker", "once_func", "once_value", "once_values"},
    "gochan.context": {
        "CancelFunc", "CancelCauseFunc",  # the types of the cancel functions
        "with_deadline_cause", "with_timeout_cause",  # Go 1.21's
    },
    # The address types that addr(), local_addr(), remote_addr() and read_from()
    # return, and Go's helpers for host:port strings with IPv6 hosts.
    "gochan.net": {"Addr", "TCPAddr", "UDPAddr", "UnixAddr", "join_host_port", "split_host_port"},
    # Go's os/exec beyond the issue: LookPath, the process and its state that
    # Cmd.process and Cmd.process_state hold, the pipes' types, Go's other sentinels.
    "gochan.exec": {
        "look_path", "Process", "ProcessState", "PipeReader", "PipeWriter",
        "ErrDot", "ErrProcessDone", "ErrWaitDelay",
    },
    "gochan.time": {"now", "since", "until"},  # Go's time.Now, Since, Until
    # Go's tls.DialWithDialer's context form, and tls.NewListener's type.
    "gochan.tls": {"dial_context", "Listener"},
    # The rest of Go's net/http that a Go programmer reaches for: the client's
    # and the server's other entry points, the handlers of server.go, the
    # interfaces and types their signatures name, and url's URL and Values.
    "gochan.http": {
        "head", "post_form", "Transport", "RoundTripper", "default_transport", "URLError",
        "serve", "listen_and_serve_tls", "default_serve_mux", "handle", "handle_func",
        "HandlerFunc", "not_found_handler", "redirect", "redirect_handler", "Dir",
        "Reader", "ReadCloser", "no_body", "canonical_header_key", "detect_content_type",
        "status_text", "URL", "Values", "parse_url", "parse_query",
        "MethodGet", "MethodHead", "MethodPost", "MethodPut", "MethodPatch", "MethodDelete",
        "MethodConnect", "MethodOptions", "MethodTrace",
    } | HTTP_STATUS_CODES,
    # Go's httptest.NewRequest and NewTLSServer.
    "gochan.http.httptest": {"new_request", "new_tls_server"},
}  # fmt: skip


def submodule(name: str) -> ModuleType:
    return importlib.import_module(name)


# -- the surface -----------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(API_TOP_LEVEL))
def test_contract_name_is_exported_from_gochan(name: str) -> None:
    assert name in gochan.__all__
    assert hasattr(gochan, name)


def test_gochan_exports_nothing_beyond_the_contract() -> None:
    assert set(gochan.__all__) - API_TOP_LEVEL - EXTRA_TOP_LEVEL == set()
    assert len(gochan.__all__) == len(set(gochan.__all__))


def test_star_import_gives_exactly_all() -> None:
    namespace: dict[str, object] = {}
    exec("from gochan import *", namespace)
    assert set(namespace) - {"__builtins__"} == set(gochan.__all__)


@pytest.mark.parametrize("module_name", sorted(API_SUBMODULES))
def test_public_submodule_exports_its_names(module_name: str) -> None:
    module = submodule(module_name)
    expected = API_SUBMODULES[module_name] | EXTRA_SUBMODULES.get(module_name, set())
    assert set(module.__all__) == expected
    for name in module.__all__:
        assert hasattr(module, name), name


# singleflight's Group would shadow errgroup's, and the I/O packages are beside the
# language's names, not among them: their names stay in their packages.
SUBMODULES_ONLY = {
    "gochan.testing", "gochan.singleflight", "gochan.net", "gochan.exec", "gochan.signal",
    "gochan.tls", "gochan.http", "gochan.http.httptest",
}  # fmt: skip


@pytest.mark.parametrize("module_name", sorted(set(API_SUBMODULES) - SUBMODULES_ONLY))
def test_submodule_names_are_the_top_level_objects(module_name: str) -> None:
    module = submodule(module_name)
    shared = set(module.__all__) & set(gochan.__all__) - {"after_func"}
    assert shared, "each Go package shares its names with the top level"
    for name in shared:
        assert getattr(gochan, name) is getattr(module, name), name


def test_top_level_group_is_errgroups() -> None:
    assert gochan.Group is submodule("gochan.errgroup").Group
    assert submodule("gochan.singleflight").Group is not gochan.Group
    assert "Result" not in gochan.__all__


def test_top_level_after_func_is_times() -> None:
    context = submodule("gochan.context")
    time = submodule("gochan.time")
    assert gochan.after_func is time.after_func
    assert context.after_func is not time.after_func


# Constants and ``default`` (an instance) have no __module__ of their own.
CLASSES_AND_FUNCTIONS = sorted(
    name
    for name in gochan.__all__
    if inspect.isclass(getattr(gochan, name)) or inspect.isfunction(getattr(gochan, name))
)


@pytest.mark.parametrize("name", CLASSES_AND_FUNCTIONS)
def test_reexported_class_or_function_presents_itself_as_gochans(name: str) -> None:
    obj = getattr(gochan, name)
    assert obj.__module__ == "gochan"
    assert obj.__qualname__ == name


def test_exception_hierarchy() -> None:
    assert issubclass(Panic, RuntimeError)
    assert issubclass(gochan.GoroutinePanic, RuntimeError)
    assert not issubclass(gochan.GoroutinePanic, Panic)  # except Panic never hides a crash
    assert issubclass(Deadlock, RuntimeError)
    assert issubclass(DeadlineExceeded, TimeoutError)
    assert issubclass(Canceled, Exception)


# -- Go's words, verbatim --------------------------------------------------------


def test_send_on_closed_channel() -> None:
    def main() -> None:
        ch = Chan[int](1)
        ch.close()
        with panics("send on closed channel"):
            ch.send(1)
        with panics("send on closed channel"):
            select(send(ch, 1))

    run(main)


def test_send_blocked_when_the_channel_closes() -> None:
    def main() -> list[str]:
        ch = Chan[int]()
        out: list[str] = []

        def sender() -> None:
            with panics("send on closed channel"):
                ch.send(1)
            out.append("panicked")

        go(sender)
        wait_blocked(1, "chan send")
        ch.close()
        wait_blocked(0)
        return out

    assert run(main) == ["panicked"]


def test_close_of_closed_channel() -> None:
    def main() -> None:
        ch = Chan[int]()
        ch.close()
        with panics("close of closed channel"):
            ch.close()

    run(main)


def test_negative_waitgroup_counter() -> None:
    wg = WaitGroup()
    with panics("sync: negative WaitGroup counter"):
        wg.done()
    with panics("sync: negative WaitGroup counter"):
        wg.add(-1)


def test_unlock_of_unlocked_mutexes() -> None:
    with panics("sync: unlock of unlocked mutex"):
        Mutex().unlock()
    with panics("sync: Unlock of unlocked RWMutex"):
        RWMutex().unlock()
    with panics("sync: RUnlock of unlocked RWMutex"):
        RWMutex().runlock()


def test_errgroup_limit_change_while_active() -> None:
    errgroup = submodule("gochan.errgroup")

    def main() -> None:
        g = errgroup.Group()
        block = Chan[None]()
        g.go(block.recv)
        with panics("errgroup: modify limit while 1 goroutines in the group are still active"):
            g.set_limit(2)
        block.close()
        g.wait()

    run(main)


def test_semaphore_released_more_than_held() -> None:
    semaphore = submodule("gochan.semaphore")
    with panics("semaphore: released more than held"):
        semaphore.new_weighted(1).release(1)


def test_net_errors() -> None:
    net = submodule("gochan.net")
    assert str(net.ErrClosed()) == "use of closed network connection"
    assert issubclass(net.ErrClosed, OSError)
    assert str(net.ErrDeadlineExceeded()) == "i/o timeout"
    assert issubclass(net.ErrDeadlineExceeded, TimeoutError)
    assert net.ErrClosed.__module__ == net.ErrDeadlineExceeded.__module__ == "gochan.net"


def test_context_errors_and_deadlock_text() -> None:
    context = submodule("gochan.context")
    assert str(Canceled()) == "context canceled"
    assert str(DeadlineExceeded()) == "context deadline exceeded"

    def main() -> None:
        ctx, cancel = context.with_cancel(context.background())
        cancel()
        assert str(ctx.err()) == "context canceled"
        with pytest.raises(Deadlock) as caught:
            Chan[int]().recv()
        assert str(caught.value).startswith("all goroutines are asleep - deadlock!\n\n")

    run(main)
