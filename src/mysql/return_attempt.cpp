// ReturnWriter::attempt: one transaction of a returns batch (fence, claim and read, decide,
// replace, dead letters, COMMIT).
#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <climits>
#include <deque>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "common/error.hpp"
#include "mysql/mysql_error.hpp"
#include "mysql/return_tables.hpp"
#include "returns/return_values.hpp"

namespace etl::mysql {

namespace {

using return_writer_detail::seconds;

// A return's version: (last_event_at ms, request_time s); missing parts sort first.
using Version = std::pair<int64_t, int64_t>;
Version version_of(const returns::ReturnHeaderRow& h) {
  return {h.last_event_at.value_or(INT64_MIN), seconds(h.request_time).value_or(INT64_MIN)};
}

struct Stored {
  std::optional<std::string> account;
  Version version{INT64_MIN, INT64_MIN};
  bool bare = true;  // a claim row only: the id was stored nowhere before this transaction
};

std::string describe_account(const std::optional<std::string>& a) {
  return a ? "'" + *a + "'" : std::string("(none)");
}

}  // namespace

ReturnWriteResult ReturnWriter::attempt(const ReturnBatch& batch, const std::vector<size_t>& sorted,
                                        int attempt_no) {
  Connection& c = *conn_;
  Tables& t = *tables_;
  t.clear();
  ReturnWriteResult result;
  c.begin();
  result.fenced = advance_offsets(c, batch.offsets);
  if (!result.fenced.empty()) return result;  // rolled back by advance_offsets
  result.offsets = batch.offsets.size();

  // 1. Claim every id (a bare row when new: it takes the lock), then read what is stored.
  std::vector<size_t> distinct;
  for (size_t i : sorted) {
    if (distinct.empty() ||
        batch.returns[distinct.back()].ret.return_order_id != batch.returns[i].ret.return_order_id)
      distinct.push_back(i);
  }
  std::map<std::string, Stored, std::less<>> stored;
  if (!distinct.empty()) {
    t.ids_of(batch, distinct);
    t.run(c, t.claim, t.ids);
    std::string in;
    for (size_t i : distinct) {
      if (!in.empty()) in += ", ";
      in += c.quote(batch.returns[i].ret.return_order_id);
    }
    for (const Row& row : c.query("SELECT returnOrderId, account, last_event_at, request_time, "
                                  "load_time IS NULL FROM walmart_return_raw WHERE returnOrderId "
                                  "IN (" +
                                  in + ")")) {
      Stored s;
      s.account = row.at(1);
      s.bare = row.at(4) && *row.at(4) == "1";
      const auto last = row.at(2) ? returns::instant_ms_from_text(*row.at(2)) : std::nullopt;
      const auto req = row.at(3) ? returns::instant_ms_from_text(*row.at(3)) : std::nullopt;
      s.version = {last.value_or(INT64_MIN), req ? *req / 1000 : INT64_MIN};
      stored[row.at(0).value_or("")] = std::move(s);
    }
  }

  // 2. Decide, in batch order: the owner of an id is its stored account, else the account of its
  //    first occurrence in the batch; the newest version of the owner's wins.
  std::vector<const ReturnDeadLetter*> letters;
  std::deque<ReturnDeadLetter> own_letters;
  std::map<std::string_view, std::optional<std::string>> owner;
  std::map<std::string_view, size_t> best;
  size_t candidates = 0;
  for (size_t i = 0; i < batch.returns.size(); ++i) {
    const ReturnToWrite& w = batch.returns[i];
    const std::string& id = w.ret.return_order_id;
    auto o = owner.find(id);
    if (o == owner.end()) {
      const auto s = stored.find(id);
      const bool claimed = s != stored.end() && !s->second.bare && s->second.account;
      o = owner.emplace(id, claimed ? s->second.account : w.origin.account).first;
    }
    if (o->second != w.origin.account) {
      ReturnDeadLetter& d = own_letters.emplace_back();
      d.origin = w.origin;
      d.return_order_id = id;
      d.payload = w.ret.raw_json;
      d.message = fmt::format(
          "return {} belongs to account {}; this record is for account {}: not written (one "
          "returnOrderId names one seller's return)",
          id, describe_account(o->second), describe_account(w.origin.account));
      letters.push_back(&d);
      ++result.conflicts;
      continue;
    }
    ++candidates;
    auto [it, fresh] = best.emplace(id, i);
    if (!fresh && version_of(w.ret.header) >= version_of(batch.returns[it->second].ret.header)) {
      it->second = i;
    }
  }
  result.superseded = candidates - best.size();
  std::vector<size_t> chosen;  // ascending ids
  for (const auto& [id, i] : best) {
    const auto s = stored.find(id);
    if (s != stored.end() && !s->second.bare &&
        s->second.version > version_of(batch.returns[i].ret.header)) {
      ++result.stale;
      continue;
    }
    chosen.push_back(i);
  }

  // 3. Write: all at once; if the server refuses a value, again one return at a time.
  auto write_set = [&](const std::vector<size_t>& set) {
    t.clear();
    std::vector<size_t> known;
    for (size_t i : set) {
      const auto s = stored.find(batch.returns[i].ret.return_order_id);
      if (s != stored.end() && !s->second.bare) known.push_back(i);
    }
    if (!known.empty()) {
      t.ids_of(batch, known);
      for (TableStatement* s :
           {&t.delete_tracking, &t.delete_charges, &t.delete_lines, &t.delete_header}) {
        t.run(c, *s, t.ids);
      }
    }
    t.ids_of(batch, set);
    t.run(c, t.delete_raw, t.ids);
    for (size_t i : set) t.add(batch.returns[i], options_.raw_archive);
    t.run(c, t.insert_raw, t.raw);
    t.run(c, t.insert_header, t.header);
    t.run(c, t.insert_lines, t.lines);
    t.run(c, t.insert_charges, t.charges);
    t.run(c, t.insert_tracking, t.tracking);
  };
  std::vector<size_t> written = chosen;
  c.execute("SAVEPOINT etl_returns");
  try {
    write_set(chosen);
  } catch (const StatementError& e) {
    if (e.error().cls != ErrorClass::bad_record) throw;
    // Undo the statements of the set that did run (a failed statement undoes only itself).
    c.execute("ROLLBACK TO SAVEPOINT etl_returns");
    spdlog::info(
        "mysql: the server refused a returns row ({}); writing the batch's returns one "
        "at a time",
        e.what());
    written.clear();
    for (size_t i : chosen) {
      c.execute("SAVEPOINT etl_return");
      try {
        write_set({i});
        written.push_back(i);
      } catch (const StatementError& se) {
        if (se.error().cls != ErrorClass::bad_record) throw;
        c.execute("ROLLBACK TO SAVEPOINT etl_return");
        const ReturnToWrite& w = batch.returns[i];
        ReturnDeadLetter& d = own_letters.emplace_back();
        d.origin = w.origin;
        d.return_order_id = w.ret.return_order_id;
        d.payload = w.ret.raw_json;
        d.error_class = std::string(to_string(ErrorClass::bad_record));
        d.error_code = se.error().code;
        d.message = "the server refused the return: " + se.server_message();
        letters.push_back(&d);
        ++result.refused;
      }
    }
  }
  for (size_t i : written) {
    const returns::ParsedReturn& r = batch.returns[i].ret;
    ++result.returns;
    result.lines += r.lines.size();
    result.charges += r.charges.size();
    result.events += r.tracking.size();
  }

  // 4. Claims of ids nothing was written for; then the dead letters.
  t.clear();
  if (written.size() != distinct.size()) {
    t.ids_of(batch, distinct);
    t.run(c, t.delete_bare, t.ids);
  }
  for (const ReturnDeadLetter& d : batch.dead_letters) letters.push_back(&d);
  t.clear();
  for (const ReturnDeadLetter* d : letters) t.add_letter(*d);
  t.run(c, t.insert_dead_letters, t.letters);
  result.dead_letters = letters.size();

  if (options_.before_commit) options_.before_commit(attempt_no);
  c.commit();
  return result;
}

}  // namespace etl::mysql
