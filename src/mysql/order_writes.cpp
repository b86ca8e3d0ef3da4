// BatchWriter's order statements: new orders by plain INSERTs, known ones the upsert way, and the
// bisection that finds the orders the server refuses.
#include <fmt/format.h>

#include <cstdint>
#include <string>
#include <vector>

#include "mysql/account_guard.hpp"
#include "mysql/batch_writer.hpp"
#include "mysql/batch_writer_detail.hpp"
#include "mysql/bench_switches.hpp"
#include "mysql/prepared_statement.hpp"

namespace etl::mysql {

using batch_writer_detail::is_duplicate_key;
using batch_writer_detail::NewIdTaken;

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
    // Without an archive row the lines are the claim. Another writer's lines of these ids with
    // other line numbers than ours do not collide with ours on the key: the locked count sees
    // them (waiting for that writer's commit if need be). An order without lines writes nothing.
    if (options_.raw_archive == config::RawArchive::off && lb > la) {
      std::vector<int64_t> ids;
      ids.reserve(b - a);
      for (size_t k = a; k < b; ++k) ids.push_back(tables_.purchase_order_id(k));
      if (lock_order_lines(c, ids) != lb - la) throw NewIdTaken{};
    }
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

}  // namespace etl::mysql
