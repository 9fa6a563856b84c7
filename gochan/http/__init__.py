"""Go's ``net/http``: an HTTP/1.1 client and server on the netpoller.

A goroutine per connection on the server, keep-alive connection pools on
the client, contexts that cancel requests anywhere, and Go 1.22's
``ServeMux`` patterns.  Needs the ``http`` extra (``pip install
'gochan[http]'``), which brings ``httptools`` (llhttp), the HTTP/1.1 parser.
Snake_case names of Go's; the ``Status*`` and ``Method*`` constants keep
Go's spelling, as ``time.Millisecond`` does.
"""

from . import httptest as httptest
from ._fs import Dir as Dir
from ._fs import file_server as file_server
from ._handler import Handler as Handler
from ._handler import HandlerFunc as HandlerFunc
from ._handler import ResponseWriter as ResponseWriter
from ._handler import error as error
from ._handler import not_found as not_found
from ._handler import not_found_handler as not_found_handler
from ._handler import redirect as redirect
from ._handler import redirect_handler as redirect_handler
from ._handler import strip_prefix as strip_prefix
from ._request import ReadCloser as ReadCloser
from ._request import Reader as Reader
from ._request import Request as Request
from ._request import Response as Response
from ._request import new_request as new_request
from ._request import new_request_with_context as new_request_with_context
from ._request import no_body as no_body
from ._sniff import detect_content_type as detect_content_type
from ._status import MethodConnect as MethodConnect
from ._status import MethodDelete as MethodDelete
from ._status import MethodGet as MethodGet
from ._status import MethodHead as MethodHead
from ._status import MethodOptions as MethodOptions
from ._status import MethodPatch as MethodPatch
from ._status import MethodPost as MethodPost
from ._status import MethodPut as MethodPut
from ._status import MethodTrace as MethodTrace
from ._status import StatusAccepted as StatusAccepted
from ._status import StatusAlreadyReported as StatusAlreadyReported
from ._status import StatusBadGateway as StatusBadGateway
from ._status import StatusBadRequest as StatusBadRequest
from ._status import StatusConflict as StatusConflict
from ._status import StatusContinue as StatusContinue
from ._status import StatusCreated as StatusCreated
from ._status import StatusEarlyHints as StatusEarlyHints
from ._status import StatusExpectationFailed as StatusExpectationFailed
from ._status import StatusFailedDependency as StatusFailedDependency
from ._status import StatusForbidden as StatusForbidden
from ._status import StatusFound as StatusFound
from ._status import StatusGatewayTimeout as StatusGatewayTimeout
from ._status import StatusGone as StatusGone
from ._status import StatusHTTPVersionNotSupported as StatusHTTPVersionNotSupported
from ._status import StatusIMUsed as StatusIMUsed
from ._status import StatusInsufficientStorage as StatusInsufficientStorage
from ._status import StatusInternalServerError as StatusInternalServerError
from ._status import StatusLengthRequired as StatusLengthRequired
from ._status import StatusLocked as StatusLocked
from ._status import StatusLoopDetected as StatusLoopDetected
from ._status import StatusMethodNotAllowed as StatusMethodNotAllowed
from ._status import StatusMisdirectedRequest as StatusMisdirectedRequest
from ._status import StatusMovedPermanently as StatusMovedPermanently
from ._status import StatusMultipleChoices as StatusMultipleChoices
from ._status import StatusMultiStatus as StatusMultiStatus
from ._status import StatusNetworkAuthenticationRequired as StatusNetworkAuthenticationRequired
from ._status import StatusNoContent as StatusNoContent
from ._status import StatusNonAuthoritativeInfo as StatusNonAuthoritativeInfo
from ._status import StatusNotAcceptable as StatusNotAcceptable
from ._status import StatusNotExtended as StatusNotExtended
from ._status import StatusNotFound as StatusNotFound
from ._status import StatusNotImplemented as StatusNotImplemented
from ._status import StatusNotModified as StatusNotModified
from ._status import StatusOK as StatusOK
from ._status import StatusPartialContent as StatusPartialContent
from ._status import StatusPaymentRequired as StatusPaymentRequired
from ._status import StatusPermanentRedirect as StatusPermanentRedirect
from ._status import StatusPreconditionFailed as StatusPreconditionFailed
from ._status import StatusPreconditionRequired as StatusPreconditionRequired
from ._status import StatusProcessing as StatusProcessing
from ._status import StatusProxyAuthRequired as StatusProxyAuthRequired
from ._status import StatusRequestedRangeNotSatisfiable as StatusRequestedRangeNotSatisfiable
from ._status import StatusRequestEntityTooLarge as StatusRequestEntityTooLarge
from ._status import StatusRequestHeaderFieldsTooLarge as StatusRequestHeaderFieldsTooLarge
from ._status import StatusRequestTimeout as StatusRequestTimeout
from ._status import StatusRequestURITooLong as StatusRequestURITooLong
from ._status import StatusResetContent as StatusResetContent
from ._status import StatusSeeOther as StatusSeeOther
from ._status import StatusServiceUnavailable as StatusServiceUnavailable
from ._status import StatusSwitchingProtocols as StatusSwitchingProtocols
from ._status import StatusTeapot as StatusTeapot
from ._status import StatusTemporaryRedirect as StatusTemporaryRedirect
from ._status import StatusTooEarly as StatusTooEarly
from ._status import StatusTooManyRequests as StatusTooManyRequests
from ._status import StatusUnauthorized as StatusUnauthorized
from ._status import StatusUnavailableForLegalReasons as StatusUnavailableForLegalReasons
from ._status import StatusUnprocessableEntity as StatusUnprocessableEntity
from ._status import StatusUnsupportedMediaType as StatusUnsupportedMediaType
from ._status import StatusUpgradeRequired as StatusUpgradeRequired
from ._status import StatusUseProxy as StatusUseProxy
from ._status import StatusVariantAlsoNegotiates as StatusVariantAlsoNegotiates
from ._status import status_text as status_text
from ._url import URL as URL
from ._url import Values as Values
from ._url import parse_query as parse_query
from ._url import parse_url as parse_url
from .client import Client as Client
from .client import RoundTripper as RoundTripper
from .client import Transport as Transport
from .client import URLError as URLError
from .client import default_client as default_client
from .client import default_transport as default_transport
from .client import get as get
from .client import head as head
from .client import post as post
from .client import post_form as post_form
from .header import Header as Header
from .header import canonical_header_key as canonical_header_key
from .mux import ServeMux as ServeMux
from .mux import default_serve_mux as default_serve_mux
from .mux import handle as handle
from .mux import handle_func as handle_func
from .server import Server as Server
from .server import listen_and_serve as listen_and_serve
from .server import listen_and_serve_tls as listen_and_serve_tls
from .server import serve as serve

__all__ = [
    "URL",
    "Client",
    "Dir",
    "Handler",
    "HandlerFunc",
    "Header",
    "MethodConnect",
    "MethodDelete",
    "MethodGet",
    "MethodHead",
    "MethodOptions",
    "MethodPatch",
    "MethodPost",
    "MethodPut",
    "MethodTrace",
    "ReadCloser",
    "Reader",
    "Request",
    "Response",
    "ResponseWriter",
    "RoundTripper",
    "ServeMux",
    "Server",
    "StatusAccepted",
    "StatusAlreadyReported",
    "StatusBadGateway",
    "StatusBadRequest",
    "StatusConflict",
    "StatusContinue",
    "StatusCreated",
    "StatusEarlyHints",
    "StatusExpectationFailed",
    "StatusFailedDependency",
    "StatusForbidden",
    "StatusFound",
    "StatusGatewayTimeout",
    "StatusGone",
    "StatusHTTPVersionNotSupported",
    "StatusIMUsed",
    "StatusInsufficientStorage",
    "StatusInternalServerError",
    "StatusLengthRequired",
    "StatusLocked",
    "StatusLoopDetected",
    "StatusMethodNotAllowed",
    "StatusMisdirectedRequest",
    "StatusMovedPermanently",
    "StatusMultiStatus",
    "StatusMultipleChoices",
    "StatusNetworkAuthenticationRequired",
    "StatusNoContent",
    "StatusNonAuthoritativeInfo",
    "StatusNotAcceptable",
    "StatusNotExtended",
    "StatusNotFound",
    "StatusNotImplemented",
    "StatusNotModified",
    "StatusOK",
    "StatusPartialContent",
    "StatusPaymentRequired",
    "StatusPermanentRedirect",
    "StatusPreconditionFailed",
    "StatusPreconditionRequired",
    "StatusProcessing",
    "StatusProxyAuthRequired",
    "StatusRequestEntityTooLarge",
    "StatusRequestHeaderFieldsTooLarge",
    "StatusRequestTimeout",
    "StatusRequestURITooLong",
    "StatusRequestedRangeNotSatisfiable",
    "StatusResetContent",
    "StatusSeeOther",
    "StatusServiceUnavailable",
    "StatusSwitchingProtocols",
    "StatusTeapot",
    "StatusTemporaryRedirect",
    "StatusTooEarly",
    "StatusTooManyRequests",
    "StatusUnauthorized",
    "StatusUnavailableForLegalReasons",
    "StatusUnprocessableEntity",
    "StatusUnsupportedMediaType",
    "StatusUpgradeRequired",
    "StatusUseProxy",
    "StatusVariantAlsoNegotiates",
    "Transport",
    "URLError",
    "Values",
    "canonical_header_key",
    "default_client",
    "default_serve_mux",
    "default_transport",
    "detect_content_type",
    "error",
    "file_server",
    "get",
    "handle",
    "handle_func",
    "head",
    "listen_and_serve",
    "listen_and_serve_tls",
    "new_request",
    "new_request_with_context",
    "no_body",
    "not_found",
    "not_found_handler",
    "parse_query",
    "parse_url",
    "post",
    "post_form",
    "redirect",
    "redirect_handler",
    "serve",
    "status_text",
    "strip_prefix",
]
