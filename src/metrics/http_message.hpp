#pragma once
// The metrics endpoint's HTTP/1.1 (RFC 9112), reduced to what a GET-only server needs, as pure
// functions: over the bytes received so far, is the request head complete, is it one we answer,
// and does the client keep the connection; and the bytes of a response.
//
// Accepted: `GET` and `HEAD`, an origin-form target (`/path`, a query is ignored), HTTP/1.0 or
// HTTP/1.1, header lines `Name: value` ending in CRLF (a bare LF is tolerated). Everything else is
// answered with an error status and the connection closed: no body (Content-Length other than 0,
// Transfer-Encoding), no folded header lines, no head larger than the limit.

#include <cstddef>
#include <string>
#include <string_view>

namespace etl::metrics {

struct RequestLimits {
  size_t max_head_bytes = 8192;  // request line and headers, terminating empty line included
};

enum class ParseStatus {
  incomplete,  // no complete head yet, and nothing wrong so far: read more
  complete,    // a request to answer (`request`)
  bad,         // answer `error_status` and close the connection
};

struct ParsedRequest {
  bool head = false;        // HEAD (false: GET)
  std::string path;         // the target without its query
  bool keep_alive = false;  // HTTP/1.1 unless `Connection: close`; HTTP/1.0 only with keep-alive
  size_t consumed = 0;      // bytes of this request's head (what follows is the next request)
};

struct ParseOutcome {
  ParseStatus status = ParseStatus::incomplete;
  ParsedRequest request;   // when complete
  int error_status = 0;    // when bad: 400, 405, 431 or 505
  std::string error_text;  // when bad: why, for the response body
};

// Looks at `received` (the bytes of a connection since its previous request ended). Decides as
// early as it can: a wrong request line is refused as soon as that line is complete, an
// over-long head as soon as the limit is passed.
ParseOutcome parse_request(std::string_view received, const RequestLimits& limits);

// "HTTP/1.1 <status> <reason>" with Content-Type, Content-Length (of `body`, also for HEAD),
// Cache-Control: no-store, Connection: keep-alive or close, any `extra_headers` (each ending in
// CR LF), then the body unless `head`.
std::string format_response(int status, std::string_view content_type, std::string_view body,
                            bool head, bool keep_alive, std::string_view extra_headers = {});

}  // namespace etl::metrics
