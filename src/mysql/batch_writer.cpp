#include "mysql/batch_writer.hpp"

#include <fmt/format.h>
#include <mysqld_error.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <deque>
#include <map>
#include <unordered_map>

#include "common/backoff.hpp"
#include "common/error.hpp"
#include "common/sha256.hpp"
#include "common/stop_signal.hpp"
#include "mysql/account_guard.hpp"
#include "mysql/bench_switches.hpp"
#include "mysql/mysql_error.hpp"
#include "mysql/offset_fence.hpp"
#include "mysql/sink_sql.hpp"

namespace etl::mysql {

namespace {

using T = ParamType;

constexpr size_t kMaxStatementBytesCap = 16u << 20;
// Room left in a packet for everything that is not the record itself (SQL, other columns).
constexpr size_t kPacketReserve = 64u << 10;

// Thrown inside an attempt when an id read as new turns out to be stored by another writer (the
// plain INSERT's duplicate key, or the claim's locked read). Not an EtlError: no handler of
// errors may take it for one; write() rolls back and writes the batch the upsert way.
struct NewIdTaken {
  int64_t purchase_order_id = 0;
};

bool is_duplicate_key(const EtlError& e) noexcept {
  return e.error().code == ER_DUP_ENTRY || e.error().code == ER_DUP_ENTRY_WITH_KEY_NAME;
}

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

WriteResult BatchWriter::attempt(const WriteBatch& batch, const std::vector<size_t>& selected,
                                 size_t fresh, int attempt_no) {
  Connection& c = *conn_;
  WriteResult result;
  fresh_ = fresh;
  const bool archive = options_.raw_archive != config::RawArchive::off;
  std::vector<DeadLetter> own_letters;  // for orders the server refuses

  // An order that cannot fit in one packet would make the server drop the connection: refuse it
  // before sending anything, like the server would (1153).
  const size_t packet_room =
      max_packet_ > kPacketReserve ? max_packet_ - kPacketReserve : max_packet_;
  // An order whose id is stored under another account is refused too (account_guard.hpp). An id
  // not stored yet belongs to the first account that brings it in this batch, in message order.
  std::unordered_map<int64_t, std::string_view> first_brought;
  for (const auto& o : batch.orders) {
    if (o.origin.account) first_brought.emplace(o.order.purchase_order_id, *o.origin.account);
  }
  // New ids are claimed by their archive row's plain INSERT, the first statement that writes
  // them; without an archive they are claimed like known ids (and their bare rows released).
  std::vector<int64_t> claimed_ids;
  std::vector<int64_t> new_claimed_ids;
  for (size_t k = 0; k < selected.size(); ++k) {
    const auto& o = batch.orders[selected[k]];
    if (!o.origin.account || tables_.order_bytes(k) > packet_room) continue;
    if (k >= fresh || !archive) claimed_ids.push_back(o.order.purchase_order_id);
    if (k < fresh && !archive) new_claimed_ids.push_back(o.order.purchase_order_id);
  }
  if (bench::skipped(bench::Skip::claim)) claimed_ids.clear();
  std::vector<std::pair<size_t, size_t>> runs;  // ranges [a, b) of sendable orders
  // In the transaction: lock the ids, then read who holds them - a decision no concurrent writer
  // can change before this transaction ends.
  auto decide = [&] {
    result.rejected.clear();
    runs.clear();
    // An id the read before the transaction found under an account keeps it: no writer changes
    // a stored account (another account's order is refused, the same account's writes the same
    // name). Read again, under the claim's locks, are only the ids stored without an account or
    // not at all then: another writer may have set theirs since.
    StoredAccounts stored = split_accounts_;
    if (!claimed_ids.empty()) {
      claim_order_ids(c, claimed_ids);
      std::vector<int64_t> unsettled;
      for (int64_t id : claimed_ids) {
        if (stored.count(id) == 0) unsettled.push_back(id);
      }
      if (!unsettled.empty() && !bench::skipped(bench::Skip::guard_select)) {
        StoredIds held = read_stored_ids(c, unsettled);
        for (int64_t id : new_claimed_ids) {
          if (held.present.count(id) != 0) throw NewIdTaken{id};
        }
        for (auto& [id, account] : held.accounts) stored.emplace(id, std::move(account));
      }
    }
    for (const auto& [id, account] : first_brought) stored.emplace(id, account);
    size_t run_start = 0;
    for (size_t k = 0; k < selected.size(); ++k) {
      const auto& o = batch.orders[selected[k]];
      auto conflict = account_conflict(stored, o.order.purchase_order_id, o.origin.account);
      if (tables_.order_bytes(k) <= packet_room && !conflict) {
        // A run is all new or all known.
        if (k == fresh && run_start < k) {
          runs.emplace_back(run_start, k);
          run_start = k;
        }
        continue;
      }
      if (run_start < k) runs.emplace_back(run_start, k);
      run_start = k + 1;
      if (conflict) {
        result.rejected.push_back({selected[k], o.order.purchase_order_id, o.origin.source,
                                   o.origin.record_index, 0, std::move(*conflict), true});
        continue;
      }
      result.rejected.push_back(
          {selected[k], o.order.purchase_order_id, o.origin.source, o.origin.record_index,
           ER_NET_PACKET_TOO_LARGE,
           fmt::format(
               "the order is about {} bytes, more than the server's max_allowed_packet ({})",
               tables_.order_bytes(k), max_packet_)});
    }
    if (run_start < selected.size()) runs.emplace_back(run_start, selected.size());
  };

  // The offsets first: claiming their rows fences out any other writer of these partitions.
  auto begin_fenced = [&] {
    c.begin();
    if (!bench::skipped(bench::Skip::fence)) result.fenced = advance_offsets(c, batch.offsets);
    if (result.fenced.empty()) {
      decide();
      return true;
    }
    c.rollback();
    result.rejected.clear();
    return false;
  };
  if (!begin_fenced()) return result;
  try {
    for (auto [a, b] : runs) write_orders(a, b);
  } catch (const EtlError& e) {
    if (e.error().cls != ErrorClass::bad_record) throw;
    // Some order holds a value the server refuses: start again and find it by bisection.
    spdlog::info("mysql: the server refused a row ({}); isolating the order(s) at fault", e.what());
    c.rollback();
    if (!begin_fenced()) return result;
    for (auto [a, b] : runs) isolate(batch, selected, a, b, 0, result.rejected);
  }

  // In batch order, whatever order the ids were written in.
  std::sort(
      result.rejected.begin(), result.rejected.end(),
      [](const RejectedOrder& x, const RejectedOrder& y) { return x.batch_index < y.batch_index; });
  std::vector<bool> refused(batch.orders.size(), false);
  for (const auto& r : result.rejected) {
    const auto& o = batch.orders[r.batch_index];
    refused[r.batch_index] = true;
    own_letters.push_back(
        r.account_conflict
            ? make_dead_letter(o.origin, o.order.purchase_order_id, std::string(o.order.raw_json),
                               r.message)
            : make_dead_letter(
                  o.origin, o.order.purchase_order_id, std::string(o.order.raw_json),
                  fmt::format("MySQL refused order {}: {}", r.purchase_order_id, r.message),
                  r.error_code));
  }
  for (size_t k = 0; k < selected.size(); ++k) {
    if (refused[selected[k]]) continue;
    ++result.orders;
    if (k < fresh) ++result.new_orders;
    result.rows += tables_.line_row(k + 1) - tables_.line_row(k);
    result.charges += tables_.charge_row(k + 1) - tables_.charge_row(k);
  }

  // The bare rows of claims no order filled: orders refused, or no raw archive at all.
  std::vector<int64_t> unwritten;
  if (!archive) {
    unwritten = claimed_ids;
  } else if (!claimed_ids.empty()) {
    std::sort(claimed_ids.begin(), claimed_ids.end());
    for (const auto& r : result.rejected) {
      if (std::binary_search(claimed_ids.begin(), claimed_ids.end(), r.purchase_order_id))
        unwritten.push_back(r.purchase_order_id);
    }
  }
  if (!unwritten.empty()) release_unwritten_claims(c, unwritten);

  std::vector<const DeadLetter*> letters;
  letters.reserve(batch.dead_letters.size() + own_letters.size());
  for (const auto& d : batch.dead_letters) letters.push_back(&d);
  for (const auto& d : own_letters) letters.push_back(&d);
  write_dead_letters(letters);
  result.dead_letters = letters.size();
  result.offsets = batch.offsets.size();

  if (options_.before_commit) options_.before_commit(attempt_no);
  try {
    c.commit();
  } catch (const EtlError& e) {
    // The COMMIT was sent; if the connection broke before its reply, the server may have
    // committed it. Only a reply-less failure is in doubt; an error reply means rolled back.
    commit_in_doubt_ =
        e.error().code > 0 && is_connection_error(static_cast<unsigned>(e.error().code));
    throw;
  }
  for (const auto& r : result.rejected) {
    if (r.account_conflict) {
      spdlog::warn("mysql: order {} ({} #{}) sent to the dead letter: {}", r.purchase_order_id,
                   r.source, r.record_index, r.message);
      continue;
    }
    spdlog::warn("mysql: order {} ({} #{}) sent to the dead letter: mysql error {}: {}",
                 r.purchase_order_id, r.source, r.record_index, r.error_code, r.message);
  }
  return result;
}

void BatchWriter::write_orders(size_t a, size_t b) {
  if (a >= b) return;
  if (b <= fresh_) {
    write_new_orders(a, b);
    return;
  }
  Connection& c = *conn_;
  const WritePath p = active_path_;
  const size_t bytes = statement_bytes_;
  // Charges are replaced as a set; lines the new version no longer has are deleted; then upserts.
  if (!bench::skipped(bench::Skip::delete_charges))
    delete_charges_.execute(c, p, tables_.ids, a, b - a, bytes);
  if (!bench::skipped(bench::Skip::delete_lines))
    delete_stale_lines_.execute(c, p, tables_.line_sets, a, b - a, bytes);
  const size_t la = tables_.line_row(a);
  const size_t lb = tables_.line_row(b);
  (bench::skipped(bench::Skip::upsert_lines) ? insert_lines_ : upsert_lines_)
      .execute(c, p, tables_.lines, la, lb - la, bytes);
  const size_t ca = tables_.charge_row(a);
  const size_t cb = tables_.charge_row(b);
  insert_charges_.execute(c, p, tables_.charges, ca, cb - ca, bytes);
  if (options_.raw_archive != config::RawArchive::off)
    upsert_raw_.execute(c, p, tables_.raw, a, b - a, bytes);
}

void BatchWriter::write_new_orders(size_t a, size_t b) {
  Connection& c = *conn_;
  const WritePath p = active_path_;
  const size_t bytes = statement_bytes_;
  try {
    // The archive row first: it claims the id (account_guard.hpp). A concurrent writer of the
    // same id waits here for this transaction, or this one for it and then fails on the key.
    if (options_.raw_archive != config::RawArchive::off)
      insert_raw_.execute(c, p, tables_.raw, a, b - a, bytes);
    const size_t la = tables_.line_row(a);
    const size_t lb = tables_.line_row(b);
    insert_lines_.execute(c, p, tables_.lines, la, lb - la, bytes);
    const size_t ca = tables_.charge_row(a);
    const size_t cb = tables_.charge_row(b);
    insert_charges_.execute(c, p, tables_.charges, ca, cb - ca, bytes);
  } catch (const EtlError& e) {
    if (!is_duplicate_key(e)) throw;
    throw NewIdTaken{};
  }
}

void BatchWriter::isolate(const WriteBatch& batch, const std::vector<size_t>& selected, size_t a,
                          size_t b, int depth, std::vector<RejectedOrder>& rejected) {
  Connection& c = *conn_;
  const std::string savepoint = fmt::format("etl_isolate_{}", depth);
  c.execute("SAVEPOINT " + savepoint);
  try {
    write_orders(a, b);
    return;
  } catch (const EtlError& e) {
    if (e.error().cls != ErrorClass::bad_record) throw;
    c.execute("ROLLBACK TO SAVEPOINT " + savepoint);
    if (b - a == 1) {
      const auto& o = batch.orders[selected[a]];
      const auto* se = dynamic_cast<const StatementError*>(&e);
      rejected.push_back({selected[a], o.order.purchase_order_id, o.origin.source,
                          o.origin.record_index, e.error().code,
                          se != nullptr ? se->server_message() : std::string(e.what())});
      return;
    }
  }
  const size_t mid = a + (b - a) / 2;
  isolate(batch, selected, a, mid, depth + 1, rejected);
  isolate(batch, selected, mid, b, depth + 1, rejected);
}

void BatchWriter::write_dead_letters(const std::vector<const DeadLetter*>& letters) {
  if (letters.empty()) return;
  // Cut to the columns' sizes so a dead letter itself can never be refused.
  const size_t payload_room =
      max_packet_ > 2 * kPacketReserve ? max_packet_ - 2 * kPacketReserve : max_packet_ / 2;
  std::deque<std::string> texts;  // repaired / composed text, alive until the statement ran
  auto valid = [&texts](std::string_view s) -> std::string_view {
    return is_valid_utf8(s) ? s : std::string_view(texts.emplace_back(to_valid_utf8(s)));
  };
  ParamTable& p = dead_letter_params_;
  p.clear();
  for (const DeadLetter* d : letters) {
    p.add_row();
    p.set_text(0, cut_to_code_points(valid(d->origin.source), 255));
    p.set_int32(1, d->origin.record_index);
    if (d->origin.topic) p.set_text(2, cut_to_code_points(valid(*d->origin.topic), 249));
    p.set_int32(3, d->origin.partition);
    p.set_int64(4, d->origin.offset);
    if (d->origin.key) p.set_text(5, std::string_view(*d->origin.key).substr(0, 1024));
    p.set_int64(6, d->purchase_order_id);
    std::string_view message = valid(d->message);
    if (d->payload.size() > payload_room) {
      message = texts.emplace_back(
          fmt::format("{} [payload cut from {} to {} bytes to fit max_allowed_packet]", message,
                      d->payload.size(), payload_room));
    }
    const std::string_view stored_payload = std::string_view(d->payload).substr(0, payload_room);
    p.set_text(7, stored_payload);
    p.set_text(8, cut_to_code_points(valid(d->error_class), 32));
    p.set_int32(9, d->error_code);
    p.set_text(10, cut_to_bytes(message, 65535));
    p.set_text(11, texts.emplace_back(sha256_hex(
                       d->one_per_source ? std::string_view(d->origin.source) : stored_payload)));
    if (d->origin.account) p.set_text(12, cut_to_code_points(valid(*d->origin.account), 100));
  }
  try {
    upsert_dead_letters_.execute(*conn_, active_path_, p, 0, p.rows(), statement_bytes_);
  } catch (const EtlError& e) {
    if (e.error().cls != ErrorClass::bad_record) throw;
    throw EtlError(
        ErrorClass::fatal, ErrorOrigin::mysql, e.error().code,
        fmt::format("cannot record dead letters (is walmart_order_dead_letter as in sql/?): {}",
                    e.error().message));
  }
}

}  // namespace etl::mysql
