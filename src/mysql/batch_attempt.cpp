// BatchWriter::attempt: one transaction of a batch (fence, claim and guard, the orders, dead
// letters, COMMIT).
#include <fmt/format.h>
#include <mysqld_error.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <unordered_map>

#include "mysql/account_guard.hpp"
#include "mysql/batch_writer.hpp"
#include "mysql/batch_writer_detail.hpp"
#include "mysql/bench_switches.hpp"
#include "mysql/mysql_error.hpp"
#include "mysql/offset_fence.hpp"

namespace etl::mysql {

using batch_writer_detail::kPacketReserve;

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
  // New ids are claimed by their plain INSERTs (order_writes.cpp): the archive row's, the first
  // statement that writes them, or without an archive the lines' and a locked count of them.
  std::vector<int64_t> claimed_ids;
  for (size_t k = fresh; k < selected.size(); ++k) {
    const auto& o = batch.orders[selected[k]];
    if (!o.origin.account || tables_.order_bytes(k) > packet_room) continue;
    claimed_ids.push_back(o.order.purchase_order_id);
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
        for (auto& [id, account] : read_stored_accounts(c, unsettled))
          stored.emplace(id, std::move(account));
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

  // The bare rows of claims no order filled: orders refused, or no raw archive at all (known ids
  // only: new ones are not claimed by a bare row).
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

}  // namespace etl::mysql
