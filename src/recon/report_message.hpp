#pragma once
// A reconciliation report as Kafka messages: the contract between `fetch` (which downloads a
// report and produces it) and `stream --data recon` (which writes it). Pure.
//
//   key      "<account>|<report date>" (report date "YYYY-MM-DD"): every message of one report,
//            and every later version of the same date, in one partition, in order
//   value    one chunk of the report file exactly as downloaded (the zip)
//   headers  account, report_date, file_name, fetched_at, file_sha256 (SHA-256 hex of the whole
//            file), chunk (0-based index), chunks (their count)
//
// A file of any size is cut into chunks that fit the topic's message size; a small one is one
// chunk of one. The stream joins a report's chunks (ReportAssembler) and writes the report only
// when the last one has arrived and the joined bytes match file_sha256 (docs/architecture.md,
// "Reconciliation reports through Kafka").

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace etl::recon {

inline constexpr std::string_view kHeaderAccount = "account";
inline constexpr std::string_view kHeaderReportDate = "report_date";
inline constexpr std::string_view kHeaderFileName = "file_name";
inline constexpr std::string_view kHeaderFetchedAt = "fetched_at";
inline constexpr std::string_view kHeaderFileSha256 = "file_sha256";
inline constexpr std::string_view kHeaderChunk = "chunk";
inline constexpr std::string_view kHeaderChunks = "chunks";

struct ReportChunkHeaders {
  std::string account;
  std::string report_date;  // "YYYY-MM-DD"
  std::string file_name;
  std::string fetched_at;   // "YYYY-MM-DD HH:MM:SS" UTC
  std::string file_sha256;  // of the whole file
  uint32_t chunk = 0;
  uint32_t chunks = 1;
};

std::string report_message_key(std::string_view account, std::string_view report_date);

// The headers as (name, value) pairs, in the order above.
std::vector<std::pair<std::string, std::string>> to_message_headers(const ReportChunkHeaders& h);

// Reads them back; nullopt with `why` set when one is missing or not what it must be (a chunk
// index not below the count, a count of 0, a digest that is not 64 hex digits).
std::optional<ReportChunkHeaders> parse_message_headers(
    const std::vector<std::pair<std::string, std::string>>& headers, std::string* why);

struct ReportChunk {
  ReportChunkHeaders headers;
  std::string_view bytes;  // a view into the file given to split_report
};

// Cuts `file` into chunks of at most `max_chunk_bytes` (at least 1), each with `common`'s
// headers, its index and the count; file_sha256 is computed here. An empty file is one empty
// chunk.
std::vector<ReportChunk> split_report(std::string_view file, ReportChunkHeaders common,
                                      size_t max_chunk_bytes);

// Joins the chunks of the reports of one partition, in the order the partition delivers them.
class ReportAssembler {
 public:
  struct Complete {
    ReportChunkHeaders headers;  // chunk = chunks - 1
    std::string bytes;           // the whole file, its SHA-256 checked
    int64_t first_offset = 0;    // of chunk 0
    int64_t last_offset = 0;     // of the last chunk
  };
  struct Verdict {
    enum class Kind {
      pending,    // kept: more chunks to come
      complete,   // `report` is whole
      abandoned,  // `problem` says which report was given up (its beginning never came, a gap,
                  // another version began); the message itself may have started a new assembly
      rejected,   // all chunks came but the bytes do not match file_sha256; `report` holds the
                  // joined bytes (for the dead letter)
    };
    Kind kind = Kind::pending;
    std::optional<Complete> report;
    std::string problem;
  };

  // `max_report_bytes`: a report growing beyond it is abandoned (memory stays bounded).
  explicit ReportAssembler(uint64_t max_report_bytes);

  Verdict add(const std::string& key, const ReportChunkHeaders& headers, std::string_view bytes,
              int64_t offset);

  // The first offset of the oldest unfinished report, if any: the offset stored for the partition
  // must not pass it, so that after a restart every chunk of that report is read again.
  [[nodiscard]] std::optional<int64_t> min_pending_offset() const;
  [[nodiscard]] size_t pending() const noexcept { return pending_.size(); }
  // True when an unfinished report of `key` is being assembled.
  [[nodiscard]] bool has_pending(const std::string& key) const { return pending_.count(key) != 0; }
  // The bytes held by unfinished reports.
  [[nodiscard]] uint64_t pending_bytes() const noexcept;
  void clear() noexcept { pending_.clear(); }  // the partition was revoked

 private:
  struct Pending {
    ReportChunkHeaders headers;
    std::string bytes;
    uint32_t next = 0;
    int64_t first_offset = 0;
  };
  uint64_t max_report_bytes_;
  std::map<std::string, Pending> pending_;
};

}  // namespace etl::recon
