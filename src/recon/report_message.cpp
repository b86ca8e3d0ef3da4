#include "recon/report_message.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>

#include "common/sha256.hpp"

namespace etl::recon {

namespace {

std::optional<uint32_t> parse_u32(std::string_view s) {
  uint32_t v = 0;
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || end != s.data() + s.size() || s.empty()) return std::nullopt;
  return v;
}

bool is_sha256_hex(std::string_view s) {
  return s.size() == 64 && s.find_first_not_of("0123456789abcdef") == std::string_view::npos;
}

std::string describe(const ReportChunkHeaders& h) {
  return fmt::format("report {} of {} (file {})", h.report_date, h.account,
                     h.file_sha256.substr(0, 12));
}

}  // namespace

std::string report_message_key(std::string_view account, std::string_view report_date) {
  return fmt::format("{}|{}", account, report_date);
}

std::vector<std::pair<std::string, std::string>> to_message_headers(const ReportChunkHeaders& h) {
  return {{std::string(kHeaderAccount), h.account},
          {std::string(kHeaderReportDate), h.report_date},
          {std::string(kHeaderFileName), h.file_name},
          {std::string(kHeaderFetchedAt), h.fetched_at},
          {std::string(kHeaderFileSha256), h.file_sha256},
          {std::string(kHeaderChunk), std::to_string(h.chunk)},
          {std::string(kHeaderChunks), std::to_string(h.chunks)}};
}

std::optional<ReportChunkHeaders> parse_message_headers(
    const std::vector<std::pair<std::string, std::string>>& headers, std::string* why) {
  const auto find = [&](std::string_view name) -> const std::string* {
    // The last value of a repeated header wins, as Kafka clients read them.
    const std::string* found = nullptr;
    for (const auto& [n, v] : headers) {
      if (n == name) found = &v;
    }
    return found;
  };
  const auto fail = [&](std::string reason) {
    if (why != nullptr) *why = std::move(reason);
    return std::nullopt;
  };
  ReportChunkHeaders h;
  for (const auto& [name, target] :
       {std::pair{kHeaderAccount, &h.account}, std::pair{kHeaderReportDate, &h.report_date},
        std::pair{kHeaderFileName, &h.file_name}, std::pair{kHeaderFetchedAt, &h.fetched_at},
        std::pair{kHeaderFileSha256, &h.file_sha256}}) {
    const std::string* v = find(name);
    if (v == nullptr) return fail(fmt::format("the message has no {} header", name));
    *target = *v;
  }
  if (h.account.empty()) return fail("the account header is empty");
  if (!is_sha256_hex(h.file_sha256)) return fail("file_sha256 is not 64 lower-case hex digits");
  const std::string* chunk = find(kHeaderChunk);
  const std::string* chunks = find(kHeaderChunks);
  const auto c = chunk != nullptr ? parse_u32(*chunk) : std::nullopt;
  const auto n = chunks != nullptr ? parse_u32(*chunks) : std::nullopt;
  if (!c || !n || *n == 0 || *c >= *n) {
    return fail("the chunk and chunks headers are not an index below a count");
  }
  h.chunk = *c;
  h.chunks = *n;
  return h;
}

std::vector<ReportChunk> split_report(std::string_view file, ReportChunkHeaders common,
                                      size_t max_chunk_bytes) {
  max_chunk_bytes = std::max<size_t>(max_chunk_bytes, 1);
  common.file_sha256 = sha256_hex(file);
  const size_t count = file.empty() ? 1 : (file.size() + max_chunk_bytes - 1) / max_chunk_bytes;
  common.chunks = static_cast<uint32_t>(count);
  std::vector<ReportChunk> out;
  out.reserve(count);
  for (size_t i = 0; i < count; ++i) {
    ReportChunk c{common, file.substr(std::min(file.size(), i * max_chunk_bytes), max_chunk_bytes)};
    c.headers.chunk = static_cast<uint32_t>(i);
    out.push_back(std::move(c));
  }
  return out;
}

ReportAssembler::ReportAssembler(uint64_t max_report_bytes) : max_report_bytes_(max_report_bytes) {}

ReportAssembler::Verdict ReportAssembler::add(const std::string& key,
                                              const ReportChunkHeaders& headers,
                                              std::string_view bytes, int64_t offset) {
  Verdict v;
  auto it = pending_.find(key);
  // A chunk that does not continue the pending report of its key gives that report up.
  if (it != pending_.end() &&
      (headers.chunk != it->second.next || headers.file_sha256 != it->second.headers.file_sha256 ||
       headers.chunks != it->second.headers.chunks)) {
    v.kind = Verdict::Kind::abandoned;
    v.problem =
        fmt::format("{} given up after {} of {} chunk(s): offset {} brings chunk {} of {}",
                    describe(it->second.headers), it->second.next, it->second.headers.chunks,
                    offset, headers.chunk, headers.file_sha256.substr(0, 12));
    pending_.erase(it);
    it = pending_.end();
  }
  if (it == pending_.end()) {
    if (headers.chunk != 0) {
      // Its beginning never came (deleted by retention, or read before a restart that stored an
      // offset past it — which min_pending_offset() prevents).
      v.kind = Verdict::Kind::abandoned;
      if (!v.problem.empty()) v.problem += "; ";
      v.problem += fmt::format("{}: chunk {} of {} at offset {} without the chunks before it",
                               describe(headers), headers.chunk, headers.chunks, offset);
      return v;
    }
    it = pending_.emplace(key, Pending{headers, std::string(), 0, offset}).first;
  }
  Pending& p = it->second;
  if (p.bytes.size() + bytes.size() > max_report_bytes_) {
    v.kind = Verdict::Kind::abandoned;
    if (!v.problem.empty()) v.problem += "; ";
    v.problem += fmt::format("{} is larger than {} bytes", describe(p.headers), max_report_bytes_);
    pending_.erase(it);
    return v;
  }
  p.bytes.append(bytes);
  ++p.next;
  if (p.next < p.headers.chunks) {
    if (v.kind != Verdict::Kind::abandoned) v.kind = Verdict::Kind::pending;
    return v;
  }
  Complete done{headers, std::move(p.bytes), p.first_offset, offset};
  pending_.erase(it);
  if (sha256_hex(done.bytes) != done.headers.file_sha256) {
    v.kind = Verdict::Kind::rejected;
    if (!v.problem.empty()) v.problem += "; ";
    v.problem +=
        fmt::format("{}: the joined chunks do not have the file's SHA-256", describe(done.headers));
    v.report = std::move(done);  // the joined bytes, kept whole in the dead letter
    return v;
  }
  // A report completed by the same message that gave another up is reported as complete; the
  // problem text still names the one given up.
  v.kind = Verdict::Kind::complete;
  v.report = std::move(done);
  return v;
}

uint64_t ReportAssembler::pending_bytes() const noexcept {
  uint64_t n = 0;
  for (const auto& [key, p] : pending_) n += p.bytes.size();
  return n;
}

std::optional<int64_t> ReportAssembler::min_pending_offset() const {
  std::optional<int64_t> min;
  for (const auto& [key, p] : pending_) {
    if (!min || p.first_offset < *min) min = p.first_offset;
  }
  return min;
}

}  // namespace etl::recon
