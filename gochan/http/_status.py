"""Go's HTTP status codes and methods: the ``Status*`` and ``Method*`` constants, ``status_text``.

The names are Go's, kept in Go's case as ``Millisecond`` is, so
``http.StatusNotFound`` ports literally.
"""

from __future__ import annotations

from typing import Final

MethodGet: Final = "GET"
MethodHead: Final = "HEAD"
MethodPost: Final = "POST"
MethodPut: Final = "PUT"
MethodPatch: Final = "PATCH"
MethodDelete: Final = "DELETE"
MethodConnect: Final = "CONNECT"
MethodOptions: Final = "OPTIONS"
MethodTrace: Final = "TRACE"

StatusContinue: Final = 100
StatusSwitchingProtocols: Final = 101
StatusProcessing: Final = 102
StatusEarlyHints: Final = 103
StatusOK: Final = 200
StatusCreated: Final = 201
StatusAccepted: Final = 202
StatusNonAuthoritativeInfo: Final = 203
StatusNoContent: Final = 204
StatusResetContent: Final = 205
StatusPartialContent: Final = 206
StatusMultiStatus: Final = 207
StatusAlreadyReported: Final = 208
StatusIMUsed: Final = 226
StatusMultipleChoices: Final = 300
StatusMovedPermanently: Final = 301
StatusFound: Final = 302
StatusSeeOther: Final = 303
StatusNotModified: Final = 304
StatusUseProxy: Final = 305
StatusTemporaryRedirect: Final = 307
StatusPermanentRedirect: Final = 308
StatusBadRequest: Final = 400
StatusUnauthorized: Final = 401
StatusPaymentRequired: Final = 402
StatusForbidden: Final = 403
StatusNotFound: Final = 404
StatusMethodNotAllowed: Final = 405
StatusNotAcceptable: Final = 406
StatusProxyAuthRequired: Final = 407
StatusRequestTimeout: Final = 408
StatusConflict: Final = 409
StatusGone: Final = 410
StatusLengthRequired: Final = 411
StatusPreconditionFailed: Final = 412
StatusRequestEntityTooLarge: Final = 413
StatusRequestURITooLong: Final = 414
StatusUnsupportedMediaType: Final = 415
StatusRequestedRangeNotSatisfiable: Final = 416
StatusExpectationFailed: Final = 417
StatusTeapot: Final = 418
StatusMisdirectedRequest: Final = 421
StatusUnprocessableEntity: Final = 422
StatusLocked: Final = 423
StatusFailedDependency: Final = 424
StatusTooEarly: Final = 425
StatusUpgradeRequired: Final = 426
StatusPreconditionRequired: Final = 428
StatusTooManyRequests: Final = 429
StatusRequestHeaderFieldsTooLarge: Final = 431
StatusUnavailableForLegalReasons: Final = 451
StatusInternalServerError: Final = 500
StatusNotImplemented: Final = 501
StatusBadGateway: Final = 502
StatusServiceUnavailable: Final = 503
StatusGatewayTimeout: Final = 504
StatusHTTPVersionNotSupported: Final = 505
StatusVariantAlsoNegotiates: Final = 506
StatusInsufficientStorage: Final = 507
StatusLoopDetected: Final = 508
StatusNotExtended: Final = 510
StatusNetworkAuthenticationRequired: Final = 511

_STATUS_TEXT: Final[dict[int, str]] = {
    100: "Continue",
    101: "Switching Protocols",
    102: "Processing",
    103: "Early Hints",
    200: "OK",
    201: "Created",
    202: "Accepted",
    203: "Non-Authoritative Information",
    204: "No Content",
    205: "Reset Content",
    206: "Partial Content",
    207: "Multi-Status",
    208: "Already Reported",
    226: "IM Used",
    300: "Multiple Choices",
    301: "Moved Permanently",
    302: "Found",
    303: "See Other",
    304: "Not Modified",
    305: "Use Proxy",
    307: "Temporary Redirect",
    308: "Permanent Redirect",
    400: "Bad Request",
    401: "Unauthorized",
    402: "Payment Required",
    403: "Forbidden",
    404: "Not Found",
    405: "Method Not Allowed",
    406: "Not Acceptable",
    407: "Proxy Authentication Required",
    408: "Request Timeout",
    409: "Conflict",
    410: "Gone",
    411: "Length Required",
    412: "Precondition Failed",
    413: "Request Entity Too Large",
    414: "Request URI Too Long",
    415: "Unsupported Media Type",
    416: "Requested Range Not Satisfiable",
    417: "Expectation Failed",
    418: "I'm a teapot",
    421: "Misdirected Request",
    422: "Unprocessable Entity",
    423: "Locked",
    424: "Failed Dependency",
    425: "Too Early",
    426: "Upgrade Required",
    428: "Precondition Required",
    429: "Too Many Requests",
    431: "Request Header Fields Too Large",
    451: "Unavailable For Legal Reasons",
    500: "Internal Server Error",
    501: "Not Implemented",
    502: "Bad Gateway",
    503: "Service Unavailable",
    504: "Gateway Timeout",
    505: "HTTP Version Not Supported",
    506: "Variant Also Negotiates",
    507: "Insufficient Storage",
    508: "Loop Detected",
    510: "Not Extended",
    511: "Network Authentication Required",
}


def status_text(code: int) -> str:
    """The text of an HTTP status code, ``""`` when the code is unknown (Go's ``http.StatusText``)."""
    return _STATUS_TEXT.get(code, "")
