#include "pipeline/privacy/apply.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <map>
#include <optional>
#include <thread>
#include <unordered_set>
#include <vector>

#include "common/error.hpp"
#include "common/sha256.hpp"
#include "mysql/connection.hpp"
#include "mysql/schema.hpp"
#include "order/order_mapper.hpp"
#include "pipeline/privacy/stored_order.hpp"
#include "privacy/redactor.hpp"

namespace etl::pipeline {

namespace {

using Clock = std::chrono::steady_clock;
constexpr int kLockRetries = 5;  // a batch that meets a deadlock or lock wait timeout is redone

// A step's place in its table: the last key done (none: from the start).
struct Position {
  std::optional<int64_t> id;
  std::optional<int32_t> line;  // walmart_order only
  bool done = false;
};

// The personal column values of one walmart_order row, in kPersonalColumns order.
using Columns = std::array<std::optional<std::string>, kPersonalColumns.size()>;

class Applier {
 public:
  Applier(const config::MysqlConfig& cfg, const privacy::FieldPolicies& policies,
          const ApplyOptions& options, std::string fingerprint)
      : cfg_(cfg),
        policies_(policies),
        erased_policies_(privacy::FieldPolicies::erase_all()),
        options_(options),
        fingerprint_(std::move(fingerprint)),
        redactor_(policies) {}

  // (Re)connects: at the start, and after a batch failed with a retriable error (a lock
  // conflict, or a lost connection).
  void open() {
    conn_.reset();
    conn_.emplace(mysql::Connection::open(cfg_));
    // Rows read and not changed are not kept locked: writers beside the run wait at most for
    // one batch's rows.
    c().execute("SET SESSION TRANSACTION ISOLATION LEVEL READ COMMITTED");
  }
  mysql::Connection& c() { return *conn_; }

  void read_erasure_list() {
    for (const auto& row : c().query("SELECT customerOrderId FROM etl_privacy_erasure")) {
      if (row.at(0)) erased_.insert(*row.at(0));
    }
    if (!erased_.empty()) {
      redactor_.set_erased_check([this](std::string_view id) { return is_erased(id); });
    }
  }

  // Where each step stands: the stored positions when they were written under the same
  // policies, else a fresh start (the table emptied and one row per step).
  std::map<std::string, Position> positions() {
    std::map<std::string, Position> at;
    bool same = false;
    for (const auto& row : c().query("SELECT step, policy_fingerprint, after_id, after_line, done "
                                     "FROM etl_privacy_apply")) {
      if (row.at(1).value_or("") != fingerprint_) {
        same = false;
        break;
      }
      same = true;
      Position p;
      if (row.at(2)) p.id = std::stoll(*row.at(2));
      if (row.at(3)) p.line = std::stoi(*row.at(3));
      p.done = row.at(4).value_or("0") != "0";
      at[row.at(0).value_or("")] = p;
    }
    if (same) return at;
    at.clear();
    if (!options_.dry_run) {
      c().execute("DELETE FROM etl_privacy_apply");
      for (const char* step : {"archive", "rows", "dead_letters"}) {
        c().execute(fmt::format(
            "INSERT INTO etl_privacy_apply (step, policy_fingerprint) VALUES ('{}', '{}')", step,
            fingerprint_));
      }
    }
    return at;
  }

  void archive(Position at, ApplyStep& step, ApplyStep& rows) {
    walk(
        "archive", at, step, [&](Position& pos) { return archive_batch(pos, step, rows); }, &rows);
  }
  void order_rows(Position at, ApplyStep& step) {
    walk("rows", at, step, [&](Position& pos) { return rows_batch(pos, step); });
  }
  void dead_letters(Position at, ApplyStep& step) {
    walk("dead_letters", at, step, [&](Position& pos) { return dead_letter_batch(pos, step); });
  }

  void finish() {
    if (!options_.dry_run) c().execute("DELETE FROM etl_privacy_apply");
  }

 private:
  const config::MysqlConfig& cfg_;
  std::optional<mysql::Connection> conn_;
  const privacy::FieldPolicies& policies_;
  const privacy::FieldPolicies erased_policies_;
  const ApplyOptions& options_;
  const std::string fingerprint_;
  privacy::Redactor redactor_;
  order::OrderMapper mapper_;
  std::unordered_set<std::string> erased_;
  std::string out_;
  Clock::time_point last_line_ = Clock::now();

  [[nodiscard]] bool is_erased(std::string_view customer_order_id) const {
    return erased_.contains(std::string(customer_order_id));
  }
  [[nodiscard]] const privacy::FieldPolicies& policies_for(
      const std::optional<std::string>& customer_order_id) const {
    return customer_order_id && is_erased(*customer_order_id) ? erased_policies_ : policies_;
  }
  [[nodiscard]] const char* lock() const { return options_.dry_run ? "" : " FOR UPDATE"; }

  // Runs `batch` (true: more may follow) until the table is walked, each one its own
  // transaction with the step's new position; a lock conflict redoes the batch.
  template <typename Batch>
  void walk(const char* name, Position at, ApplyStep& step, const Batch& batch,
            ApplyStep* also = nullptr) {
    if (at.done) {
      spdlog::info("privacy apply: {}: done by the interrupted run", name);
      return;
    }
    step.resumed = at.id.has_value();
    if (step.resumed) {
      spdlog::info("privacy apply: {}: continuing after key {}{}", name, *at.id,
                   at.line ? fmt::format("/{}", *at.line) : "");
    }
    for (bool more = true; more;) {
      Position next = at;
      for (int attempt = 1;; ++attempt) {
        next = at;
        const ApplyStep before = step;
        const ApplyStep before_also = also != nullptr ? *also : ApplyStep{};
        if (!options_.dry_run) c().begin();
        try {
          more = batch(next);
          if (!options_.dry_run) {
            c().execute(fmt::format(
                "UPDATE etl_privacy_apply SET after_id = {}, after_line = {}, done = {}, changed "
                "= changed + {}, updated_at = UTC_TIMESTAMP() WHERE step = '{}'",
                next.id ? std::to_string(*next.id) : "NULL",
                next.line ? std::to_string(*next.line) : "NULL", more ? 0 : 1,
                step.changed - before.changed, name));
            c().commit();
          }
          break;
        } catch (const EtlError& e) {
          if (!options_.dry_run) c().rollback();
          step = before;
          if (also != nullptr) *also = before_also;
          if (e.error().cls != ErrorClass::retriable || attempt >= kLockRetries) throw;
          spdlog::warn("privacy apply: {}: batch after key {} redone ({})", name,
                       at.id ? std::to_string(*at.id) : "start", e.what());
          std::this_thread::sleep_for(std::chrono::milliseconds(200 * attempt));
          open();
        }
      }
      at = next;
      if (Clock::now() - last_line_ >= options_.progress_every || !more) {
        last_line_ = Clock::now();
        spdlog::info("privacy apply: {}: {} scanned, {} {}, at key {}{}", name, step.scanned,
                     step.changed, options_.dry_run ? "to change (dry run)" : "changed",
                     at.id ? std::to_string(*at.id) : "-", more ? "" : " (done)");
      }
      if (more && options_.pause.count() > 0) std::this_thread::sleep_for(options_.pause);
    }
  }

  // The order's rows set as the mapper reads the (redacted) archive JSON; nullopt: the JSON gave
  // no line to read them from.
  std::optional<Columns> columns_from(std::string_view json) {
    order::MessageParseResult parsed = mapper_.parse_message(json);
    if (parsed.bad || parsed.orders.size() != 1 || parsed.orders[0].lines.empty()) {
      return std::nullopt;
    }
    const order::OrderLineRow& line = parsed.orders[0].lines[0];  // order-level fields
    Columns c;
    for (size_t i = 0; i < kPersonalColumns.size(); ++i) {
      const order::OptText& v = line.*(kPersonalColumns[i].member);
      if (v) c[i] = std::string(*v);
    }
    return c;
  }

  // Rewrites the personal columns of walmart_order rows (purchaseOrderId, lineNumber,
  // customerOrderId, then the columns) to `target` (per order: from the archive), else to
  // column_under_policy. Returns the rows changed.
  uint64_t convert_rows(const std::vector<mysql::Row>& rows,
                        const std::map<std::string, Columns>& target) {
    uint64_t changed = 0;
    for (const auto& row : rows) {
      const std::string& id = *row.at(0);
      const privacy::FieldPolicies& p = policies_for(row.at(2));
      const auto from_archive = target.find(id);
      std::string set;
      for (size_t i = 0; i < kPersonalColumns.size(); ++i) {
        const config::FieldPolicy policy = p.of(kPersonalColumns[i].field);
        if (policy == config::FieldPolicy::keep) continue;
        const std::optional<std::string>& now = row.at(3 + i);
        const std::optional<std::string> want = from_archive != target.end()
                                                    ? from_archive->second[i]
                                                    : column_under_policy(policy, p.hash_key, now);
        if (want == now) continue;
        set += fmt::format("{}{} = {}", set.empty() ? "" : ", ", kPersonalColumns[i].column,
                           want ? c().quote(*want) : "NULL");
      }
      if (set.empty()) continue;
      ++changed;
      if (!options_.dry_run) {
        c().execute(fmt::format(
            "UPDATE walmart_order SET {} WHERE purchaseOrderId = {} AND lineNumber = {}", set, id,
            *row.at(1)));
      }
    }
    return changed;
  }

  bool archive_batch(Position& at, ApplyStep& step, ApplyStep& rows) {
    const auto entries = c().query(
        fmt::format("SELECT purchaseOrderId, COALESCE(payload, UNCOMPRESS(payload_zlib)) FROM "
                    "walmart_order_raw{} ORDER BY purchaseOrderId LIMIT {}{}",
                    at.id ? fmt::format(" WHERE purchaseOrderId > {}", *at.id) : "",
                    options_.batch_rows, lock()));
    std::map<std::string, Columns> target;
    std::string ids;
    for (const auto& e : entries) {
      const std::string& id = *e.at(0);
      ++step.scanned;
      if (!e.at(1)) continue;  // a bare row (an order being claimed): nothing stored yet
      std::string_view json = *e.at(1);
      const privacy::Redaction r = redactor_.redact(json, out_);
      if (r.outcome == privacy::RedactOutcome::not_json) {
        ++step.unparsable;  // its rows: column by column, in the next step
        continue;
      }
      if (r.outcome == privacy::RedactOutcome::redacted) {
        ++step.changed;
        if (!options_.dry_run) rewrite_archive(c(), id, out_);
        json = out_;
      }
      if (auto c = columns_from(json)) {
        target.emplace(id, std::move(*c));
        ids += (ids.empty() ? "" : ",") + id;
      }
    }
    if (!ids.empty()) {
      rows.changed += convert_rows(
          c().query(fmt::format("SELECT purchaseOrderId, lineNumber, customerOrderId, {} FROM "
                                "walmart_order WHERE purchaseOrderId IN ({}) ORDER BY "
                                "purchaseOrderId, lineNumber{}",
                                personal_column_list(), ids, lock())),
          target);
    }
    if (!entries.empty()) at.id = std::stoll(*entries.back().at(0));
    return entries.size() == options_.batch_rows;
  }

  bool rows_batch(Position& at, ApplyStep& step) {
    std::string after;
    if (at.id) {
      after = fmt::format(
          " WHERE o.purchaseOrderId > {0} OR (o.purchaseOrderId = {0} AND "
          "o.lineNumber > {1})",
          *at.id, at.line.value_or(0));
    }
    std::vector<mysql::Row> rows;
    if (options_.dry_run) {
      // Only what the first step would not have converted: rows without a readable archive.
      rows = c().query(fmt::format(
          "SELECT o.purchaseOrderId, o.lineNumber, o.customerOrderId, {} FROM walmart_order o "
          "{} ORDER BY o.purchaseOrderId, o.lineNumber LIMIT {}",
          personal_column_list(), after, options_.batch_rows));
      const auto archived = archived_ids(rows);
      std::vector<mysql::Row> left;
      for (auto& r : rows) {
        if (!archived.contains(*r.at(0))) left.push_back(r);
      }
      step.changed += convert_rows(left, {});
    } else {
      // Rows the first step converted are left as they are by column_under_policy.
      rows = c().query(fmt::format(
          "SELECT o.purchaseOrderId, o.lineNumber, o.customerOrderId, {} FROM walmart_order o "
          "{} ORDER BY o.purchaseOrderId, o.lineNumber LIMIT {} FOR UPDATE",
          personal_column_list(), after, options_.batch_rows));
      step.changed += convert_rows(rows, {});
    }
    step.scanned += rows.size();
    if (!rows.empty()) {
      at.id = std::stoll(*rows.back().at(0));
      at.line = std::stoi(*rows.back().at(1));
    }
    return rows.size() == options_.batch_rows;
  }

  // Of these rows' orders, those with an archive JSON that parses (dry run only: the first step
  // would have converted their rows).
  std::unordered_set<std::string> archived_ids(const std::vector<mysql::Row>& rows) {
    std::unordered_set<std::string> out;
    std::string ids;
    for (const auto& r : rows) ids += (ids.empty() ? "" : ",") + *r.at(0);
    if (ids.empty()) return out;
    for (const auto& e : c().query(
             fmt::format("SELECT purchaseOrderId, COALESCE(payload, UNCOMPRESS(payload_zlib)) FROM "
                         "walmart_order_raw WHERE purchaseOrderId IN ({})",
                         ids))) {
      if (e.at(1) && columns_from(*e.at(1))) out.insert(*e.at(0));
    }
    return out;
  }

  bool dead_letter_batch(Position& at, ApplyStep& step) {
    const auto letters = c().query(fmt::format(
        "SELECT id, payload FROM walmart_order_dead_letter{} ORDER BY id LIMIT {}{}",
        at.id ? fmt::format(" WHERE id > {}", *at.id) : "", options_.batch_rows, lock()));
    for (const auto& d : letters) {
      ++step.scanned;
      if (!d.at(1)) continue;
      const privacy::Redaction r = redactor_.redact(*d.at(1), out_);
      if (r.outcome == privacy::RedactOutcome::not_json) {
        ++step.unparsable;
      } else if (r.outcome == privacy::RedactOutcome::redacted) {
        ++step.changed;
        if (!options_.dry_run) rewrite_dead_letter(c(), *d.at(0), out_);
      }
    }
    if (!letters.empty()) at.id = std::stoll(*letters.back().at(0));
    return letters.size() == options_.batch_rows;
  }
};

}  // namespace

std::string policy_fingerprint(const privacy::FieldPolicies& policies) {
  std::string text = "walmart-etl privacy apply 1:";
  for (const config::FieldPolicy p : policies.policy) {
    text += p == config::FieldPolicy::keep ? 'k' : p == config::FieldPolicy::hash ? 'h' : 'd';
  }
  if (!policies.hash_key.empty()) {
    text += ':' + hmac_sha256_hex(policies.hash_key, "policy fingerprint");
  }
  return sha256_hex(text);
}

ApplyReport run_privacy_apply(const config::MysqlConfig& cfg,
                              const privacy::FieldPolicies& policies, const ApplyOptions& options) {
  ApplyReport report;
  report.fingerprint = policy_fingerprint(policies);
  if (!policies.changes_anything()) {
    report.nothing_to_apply = true;
    return report;
  }
  ApplyOptions o = options;
  o.batch_rows = std::max<size_t>(1, o.batch_rows);
  Applier applier(cfg, policies, o, report.fingerprint);
  applier.open();
  mysql::require_schema(applier.c(), cfg.database);
  applier.read_erasure_list();
  auto at = applier.positions();
  applier.archive(at["archive"], report.archive, report.rows);
  applier.order_rows(at["rows"], report.rows);
  applier.dead_letters(at["dead_letters"], report.dead_letters);
  applier.finish();
  return report;
}

}  // namespace etl::pipeline
