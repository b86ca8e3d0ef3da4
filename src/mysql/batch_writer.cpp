#include "mysql/batch_writer.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <map>

#include "common/backoff.hpp"
#include "common/error.hpp"
#include "common/stop_signal.hpp"
#include "mysql/account_guard.hpp"
#include "mysql/batch_writer_detail.hpp"
#include "mysql/bench_switches.hpp"
#include "mysql/mysql_error.hpp"
#include "mysql/sink_sql.hpp"

namespace etl::mysql {

namespace {

using T = ParamType;
using batch_writer_detail::NewIdTaken;

constexpr size_t kMaxStatementBytesCap = 16u << 20;

}  // namespace

std::string_view to_string(WritePath p) noexcept {
  switch (p) {
    case WritePath::automatic:
      return "automatic";
    case WritePath::bulk:
      return "bulk";
    case WritePath::portable:
      return "portable";
  }
  return "?";
}

BatchWriter::BatchWriter(config::MysqlConfig cfg, BatchWriterOptions options)
    : cfg_(std::move(cfg)),
      options_(std::move(options)),
      delete_charges_(sql::delete_charges(), 1),
      delete_stale_lines_(sql::delete_stale_lines(), 2),
      upsert_lines_(sql::upsert_order_lines(dialect_), sql::kOrderLineParams),
      insert_lines_(sql::insert_order_lines(), sql::kOrderLineParams),
      insert_charges_(sql::insert_charges(), sql::kChargeParams),
      upsert_raw_(sql::upsert_raw(dialect_), sql::kRawParams),
      insert_raw_(sql::insert_raw(), sql::kRawParams),
      upsert_dead_letters_(sql::upsert_dead_letters(dialect_), sql::kDeadLetterParams),
      tables_(options_.raw_archive),
      dead_letter_params_({T::text, T::int32, T::text, T::int32, T::int64, T::text, T::int64,
                           T::text, T::text, T::int32, T::text, T::text, T::text}) {
  connect();
}

BatchWriter::~BatchWriter() { drop_connection(); }

Connection& BatchWriter::connection() {
  if (!conn_) connect();
  return *conn_;
}

void BatchWriter::connect() {
  drop_connection();
  Connection c = Connection::open(cfg_);
  const ServerDialect dialect = detect_dialect(c);
  // MySQL deprecated @@binlog_format (warning 1287 from 8.0.34 on); it reads the same value from
  // performance_schema without a warning (no row when performance_schema is off: not STATEMENT).
  const auto rows =
      c.query(dialect.flavor == ServerFlavor::mysql
                  ? "SELECT @@max_allowed_packet, @@log_bin, (SELECT VARIABLE_VALUE FROM "
                    "performance_schema.session_variables WHERE VARIABLE_NAME = 'binlog_format')"
                  : "SELECT @@max_allowed_packet, @@log_bin, @@binlog_format");
  const Row none;
  const Row& vars = rows.empty() ? none : rows[0];
  auto var = [&](size_t i) { return i < vars.size() && vars[i] ? *vars[i] : std::string(); };
  max_packet_ = var(0).empty() ? (4u << 20) : std::stoull(var(0));
  // READ COMMITTED: the deletes of rows that do not exist (yet) take no gap locks, so workers
  // writing neighbouring orders do not deadlock each other. The sink never re-reads, so it loses
  // nothing by it. Statement-based binary logging cannot log it: keep the default there.
  if (var(1) == "1" && var(2) == "STATEMENT") {
    spdlog::warn(
        "mysql: {} logs statements (binlog_format=STATEMENT): the writer stays at REPEATABLE READ, "
        "so parallel writers may hit (retried) deadlocks; binlog_format=ROW or MIXED avoids them",
        c.describe());
  } else {
    c.execute("SET SESSION TRANSACTION ISOLATION LEVEL READ COMMITTED");
  }
  statement_bytes_ = options_.max_statement_bytes != 0
                         ? options_.max_statement_bytes
                         : std::min(max_packet_ / 2, kMaxStatementBytesCap);
  // The upserts are worded for this server (row alias on MySQL, VALUES() on MariaDB).
  if (const ServerDialect& d = dialect;
      !(d.flavor == dialect_.flavor && d.row_alias() == dialect_.row_alias())) {
    dialect_ = d;
    upsert_lines_ = TableStatement(sql::upsert_order_lines(d), sql::kOrderLineParams);
    upsert_raw_ = TableStatement(sql::upsert_raw(d), sql::kRawParams);
    upsert_dead_letters_ = TableStatement(sql::upsert_dead_letters(d), sql::kDeadLetterParams);
  }
  const bool bulk = bulk_supported(c);
  switch (options_.path) {
    case WritePath::automatic:
      active_path_ = bulk ? WritePath::bulk : WritePath::portable;
      break;
    case WritePath::portable:
      active_path_ = WritePath::portable;
      break;
    case WritePath::bulk:
      if (!bulk) {
        throw EtlError(ErrorClass::fatal, ErrorOrigin::mysql, 0,
                       fmt::format("the bulk write path needs MariaDB >= 10.2; {} runs {}",
                                   c.describe(), c.server_version()));
      }
      active_path_ = WritePath::bulk;
      break;
  }
  spdlog::debug(
      "mysql: writer on {} ({}) uses the {} path (max_allowed_packet {}, statement budget {} "
      "bytes)",
      c.describe(), dialect_.describe(), to_string(active_path_), max_packet_, statement_bytes_);
  conn_.emplace(std::move(c));
}

void BatchWriter::drop_connection() noexcept {
  for (TableStatement* s : {&delete_charges_, &delete_stale_lines_, &upsert_lines_, &insert_lines_,
                            &insert_charges_, &upsert_raw_, &insert_raw_, &upsert_dead_letters_}) {
    s->reset();
  }
  conn_.reset();
}

WriteResult BatchWriter::write(const WriteBatch& batch) {
  // Keep the last occurrence of each order: it is the newest version. Per account: the same id
  // under another account is not a newer version but a conflict (account_guard.hpp), refused
  // below whichever comes last.
  auto key = [&](size_t i) {
    const auto& o = batch.orders[i];
    return std::pair<int64_t, std::string_view>(
        o.order.purchase_order_id,
        o.origin.account ? std::string_view(*o.origin.account) : std::string_view());
  };
  std::map<std::pair<int64_t, std::string_view>, size_t> last;
  for (size_t i = 0; i < batch.orders.size(); ++i) last[key(i)] = i;
  std::vector<size_t> selected;
  selected.reserve(last.size());
  for (size_t i = 0; i < batch.orders.size(); ++i) {
    if (last[key(i)] == i) selected.push_back(i);
  }

  bool split = false;
  size_t fresh = 0;  // selected[0, fresh): ids stored nowhere when the batch was read
  bool fell_back = false;
  Backoff backoff(options_.backoff_initial, options_.backoff_max);
  for (int attempt_no = 0;; ++attempt_no) {
    commit_in_doubt_ = false;
    try {
      if (!conn_) connect();
      if (!split) {
        // Once per batch: a retry reuses the split (an id stored meanwhile falls back below, one
        // deleted meanwhile is written the upsert way, which handles it).
        fresh = split_new_orders(batch, selected);
        tables_.clear();
        for (size_t i : selected) tables_.add(batch.orders[i]);
        split = true;
        if (options_.after_split) options_.after_split();
      }
      WriteResult r;
      try {
        r = attempt(batch, selected, fresh, attempt_no);
      } catch (const NewIdTaken& taken) {
        // Another writer stored an id between the read and this INSERT: write the whole batch
        // the upsert way, which claims every id first and so can neither lose nor double a row.
        spdlog::debug(
            "mysql: an order of this batch read as new (id {}, 0 = found by its key) was stored "
            "by another writer meanwhile; writing the batch the upsert way",
            taken.purchase_order_id);
        conn_->rollback();
        fresh = 0;
        fell_back = true;
        r = attempt(batch, selected, fresh, attempt_no);
      }
      r.retries = static_cast<unsigned>(attempt_no);
      r.superseded = batch.orders.size() - selected.size();
      r.fell_back = fell_back;
      return r;
    } catch (const EtlError& e) {
      const Error& err = e.error();
      const bool broken = err.code > 0 && is_connection_error(static_cast<unsigned>(err.code));
      if (broken) {
        drop_connection();  // a rollback on a dead connection only produces noise
      } else if (conn_) {
        conn_->rollback();
      }
      if (err.cls != ErrorClass::retriable) throw;
      const std::string_view outcome =
          commit_in_doubt_
              ? "whether its last attempt was committed is unknown until the next attempt "
                "(its offset fence tells)"
              : "nothing of this batch was committed";
      if (attempt_no >= options_.max_retries) {
        throw EtlError(ErrorClass::retriable, ErrorOrigin::mysql, err.code,
                       fmt::format("MySQL write failed after {} attempt(s), {}: {}", attempt_no + 1,
                                   outcome, err.message));
      }
      const auto delay = backoff.next();
      spdlog::warn("mysql: batch write attempt {} of {} failed ({}); retrying in {} ms",
                   attempt_no + 1, options_.max_retries + 1, e.what(), delay.count());
      if (wait_for_stop(delay)) {
        throw EtlError(ErrorClass::retriable, ErrorOrigin::mysql, err.code,
                       fmt::format("stop requested while waiting to retry a failed MySQL write "
                                   "({}): {}",
                                   outcome, err.message));
      }
    }
  }
}

size_t BatchWriter::split_new_orders(const WriteBatch& batch, std::vector<size_t>& selected) {
  auto by_id = [&](size_t x, size_t y) {
    const int64_t a = batch.orders[x].order.purchase_order_id;
    const int64_t b = batch.orders[y].order.purchase_order_id;
    return a != b ? a < b : x < y;
  };
  // Ascending ids: every writer then locks the ids of its statements in one order.
  std::sort(selected.begin(), selected.end(), by_id);
  split_accounts_.clear();
  if (selected.empty() || bench::skipped(bench::Skip::new_order_path)) return 0;
  std::vector<int64_t> ids;
  ids.reserve(selected.size());
  for (size_t i : selected) {
    const int64_t id = batch.orders[i].order.purchase_order_id;
    if (ids.empty() || ids.back() != id) ids.push_back(id);
  }
  StoredIds stored = read_stored_ids(*conn_, ids);
  split_accounts_ = std::move(stored.accounts);
  const auto known_from = std::stable_partition(selected.begin(), selected.end(), [&](size_t i) {
    return stored.present.count(batch.orders[i].order.purchase_order_id) == 0;
  });
  return static_cast<size_t>(known_from - selected.begin());
}

}  // namespace etl::mysql
