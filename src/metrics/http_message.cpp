#include "metrics/http_message.hpp"

#include <algorithm>
#include <cctype>
#include <optional>

namespace etl::metrics {

namespace {

// RFC 9110 token characters (method and header names).
bool is_tchar(char c) {
  if (std::isalnum(static_cast<unsigned char>(c)) != 0) return true;
  return std::string_view("!#$%&'*+-.^_`|~").find(c) != std::string_view::npos;
}

bool is_token(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), is_tchar);
}

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

ParseOutcome bad(int status, std::string text) {
  ParseOutcome o;
  o.status = ParseStatus::bad;
  o.error_status = status;
  o.error_text = std::move(text);
  return o;
}

ParseOutcome too_large(const RequestLimits& limits) {
  return bad(431,
             "the request head is larger than " + std::to_string(limits.max_head_bytes) + " bytes");
}

// The line starting at `from`, without its CR LF (or LF); nullopt while its LF has not arrived.
// `next` is set to the first byte after the LF.
std::optional<std::string_view> line_at(std::string_view buf, size_t from, size_t& next) {
  const size_t lf = buf.find('\n', from);
  if (lf == std::string_view::npos) return std::nullopt;
  std::string_view line = buf.substr(from, lf - from);
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  next = lf + 1;
  return line;
}

struct RequestLine {
  bool head = false;
  bool http11 = false;
  std::string path;
};

// "METHOD SP target SP HTTP/1.x": a request line we answer, or the error to answer instead.
std::optional<ParseOutcome> check_request_line(std::string_view line, RequestLine& out) {
  const size_t sp1 = line.find(' ');
  const size_t sp2 = sp1 == std::string_view::npos ? sp1 : line.find(' ', sp1 + 1);
  if (sp2 == std::string_view::npos || line.find(' ', sp2 + 1) != std::string_view::npos) {
    return bad(400, "malformed request line");
  }
  const std::string_view method = line.substr(0, sp1);
  const std::string_view target = line.substr(sp1 + 1, sp2 - sp1 - 1);
  const std::string_view version = line.substr(sp2 + 1);
  if (version == "HTTP/1.1") {
    out.http11 = true;
  } else if (version != "HTTP/1.0") {
    if (version.size() == 8 && version.substr(0, 5) == "HTTP/" && version[6] == '.') {
      return bad(505, "only HTTP/1.0 and HTTP/1.1 are served");
    }
    return bad(400, "malformed request line");
  }
  if (!is_token(method)) return bad(400, "malformed request line");
  if (method != "GET" && method != "HEAD") return bad(405, "only GET and HEAD are served");
  out.head = method == "HEAD";
  if (target.empty() || target.front() != '/') return bad(400, "the target must be a path");
  if (std::any_of(target.begin(), target.end(), [](char c) {
        const auto u = static_cast<unsigned char>(c);
        return u < 0x21 || u == 0x7f;
      })) {
    return bad(400, "malformed target");
  }
  out.path = std::string(target.substr(0, target.find('?')));
  return std::nullopt;
}

}  // namespace

ParseOutcome parse_request(std::string_view received, const RequestLimits& limits) {
  // A server should ignore empty lines before a request line (RFC 9112, 2.2): a client may send
  // a CR LF after a previous request's body.
  size_t start = 0;
  while (start < received.size() && (received[start] == '\r' || received[start] == '\n')) ++start;
  size_t next = 0;
  const auto first = line_at(received, start, next);
  if (!first) {
    if (received.size() >= limits.max_head_bytes) return too_large(limits);
    return {};
  }
  RequestLine rl;
  if (auto refused = check_request_line(*first, rl)) return std::move(*refused);

  bool close = false;
  bool keep_alive = false;
  for (;;) {
    const size_t from = next;
    const auto line = line_at(received, from, next);
    if (!line) {
      if (received.size() >= limits.max_head_bytes) return too_large(limits);
      return {};
    }
    if (next > limits.max_head_bytes) return too_large(limits);
    if (line->empty()) break;  // the end of the head
    if (line->front() == ' ' || line->front() == '\t') {
      return bad(400, "folded header lines are not accepted");
    }
    const size_t colon = line->find(':');
    if (colon == std::string_view::npos || !is_token(line->substr(0, colon))) {
      return bad(400, "malformed header line");
    }
    const std::string name = lower(line->substr(0, colon));
    const std::string_view value = trim(line->substr(colon + 1));
    if (name == "content-length") {
      if (value != "0") return bad(400, "a request body is not accepted");
    } else if (name == "transfer-encoding") {
      return bad(400, "a request body is not accepted");
    } else if (name == "connection") {
      std::string_view rest = value;
      while (!rest.empty()) {
        const size_t comma = rest.find(',');
        const std::string option = lower(trim(rest.substr(0, comma)));
        if (option == "close") close = true;
        if (option == "keep-alive") keep_alive = true;
        rest = comma == std::string_view::npos ? std::string_view() : rest.substr(comma + 1);
      }
    }
  }
  ParseOutcome o;
  o.status = ParseStatus::complete;
  o.request.head = rl.head;
  o.request.path = std::move(rl.path);
  o.request.keep_alive = !close && (rl.http11 || keep_alive);
  o.request.consumed = next;
  return o;
}

namespace {

std::string_view reason_phrase(int status) {
  switch (status) {
    case 200:
      return "OK";
    case 400:
      return "Bad Request";
    case 404:
      return "Not Found";
    case 405:
      return "Method Not Allowed";
    case 431:
      return "Request Header Fields Too Large";
    case 500:
      return "Internal Server Error";
    case 503:
      return "Service Unavailable";
    case 505:
      return "HTTP Version Not Supported";
    default:
      return "Unknown";
  }
}

}  // namespace

std::string format_response(int status, std::string_view content_type, std::string_view body,
                            bool head, bool keep_alive, std::string_view extra_headers) {
  std::string out;
  out.reserve(160 + extra_headers.size() + (head ? 0 : body.size()));
  out += "HTTP/1.1 ";
  out += std::to_string(status);
  out += ' ';
  out += reason_phrase(status);
  out += "\r\nContent-Type: ";
  out += content_type;
  out += "\r\nContent-Length: ";
  out += std::to_string(body.size());
  out += "\r\nCache-Control: no-store\r\nConnection: ";
  out += keep_alive ? "keep-alive" : "close";
  out += "\r\n";
  out += extra_headers;
  out += "\r\n";
  if (!head) out += body;
  return out;
}

}  // namespace etl::metrics
