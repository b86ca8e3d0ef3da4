#include "support/e2e/order_facts.hpp"

#include <sstream>
#include <stdexcept>

#include "mysql/connection.hpp"
#include "support/e2e/json_tree.hpp"

namespace etl::e2e {

namespace {

// A list field as the contract reads it: array -> its items, single object -> one item,
// null/absent -> none.
std::vector<const JsonValue*> as_list(const JsonValue* v) {
  std::vector<const JsonValue*> out;
  if (v == nullptr || v->is_null()) return out;
  if (v->kind == JsonValue::Kind::array) {
    for (const auto& item : v->items) out.push_back(&item);
  } else {
    out.push_back(v);
  }
  return out;
}

const JsonValue* path(const JsonValue* v, std::initializer_list<std::string_view> keys) {
  for (auto k : keys) {
    if (v == nullptr) return nullptr;
    v = v->get(k);
  }
  return v;
}

std::string canonical_id(const std::string& digits) { return std::to_string(std::stoull(digits)); }

OrderFacts facts_of(const JsonValue& order) {
  OrderFacts f;
  for (const JsonValue* line : as_list(path(&order, {"orderLines", "orderLine"}))) {
    const JsonValue* number = line->get("lineNumber");
    if (number == nullptr || number->is_null())
      throw std::runtime_error("a line without lineNumber");
    const int64_t n = std::stoll(number->text);
    std::string status;
    const auto statuses = as_list(path(line, {"orderLineStatuses", "orderLineStatus"}));
    if (!statuses.empty()) {
      const JsonValue* s = statuses.front()->get("status");
      if (s != nullptr && !s->is_null()) status = s->text;
    }
    if (!f.line_status.emplace(n, status).second) throw std::runtime_error("duplicate lineNumber");
    for (const JsonValue* charge : as_list(path(line, {"charges", "charge"}))) {
      ++f.charges;
      const JsonValue* amount = path(charge, {"chargeAmount", "amount"});
      if (amount != nullptr && !amount->is_null())
        f.charge_cents += decimal_text_to_cents(amount->text);
      const JsonValue* tax = path(charge, {"tax", "taxAmount", "amount"});
      if (tax != nullptr && !tax->is_null()) f.tax_cents += decimal_text_to_cents(tax->text);
    }
  }
  return f;
}

int64_t cents_or_zero(const std::optional<std::string>& v) {
  return v ? decimal_text_to_cents(*v) : 0;
}

std::string describe(const OrderFacts& f) {
  std::ostringstream s;
  s << "lines{";
  for (const auto& [n, st] : f.line_status) s << n << ":" << st << " ";
  s << "} charges=" << f.charges << " amount=" << f.charge_cents << "c tax=" << f.tax_cents << "c";
  return s.str();
}

}  // namespace

OrderFactsById facts_from_ndjson(const std::string& ndjson) {
  OrderFactsById out;
  std::istringstream in(ndjson);
  size_t line_no = 0;
  for (std::string line; std::getline(in, line);) {
    ++line_no;
    if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
    try {
      const JsonValue order = parse_json(line);
      const JsonValue* id = order.get("purchaseOrderId");
      if (id == nullptr || id->kind != JsonValue::Kind::string)
        throw std::runtime_error("no purchaseOrderId");
      if (!out.emplace(canonical_id(id->text), facts_of(order)).second) {
        throw std::runtime_error("purchaseOrderId " + id->text + " twice");
      }
    } catch (const std::exception& e) {
      throw std::runtime_error("dump line " + std::to_string(line_no) + ": " + e.what());
    }
  }
  return out;
}

OrderFactsById facts_from_mysql(const config::MysqlConfig& db) {
  auto conn = mysql::Connection::open(db);
  OrderFactsById out;
  for (const auto& r : conn.query("SELECT purchaseOrderId FROM walmart_order_raw")) out[*r[0]];
  for (const auto& r :
       conn.query("SELECT purchaseOrderId, lineNumber, orderLineStatus FROM walmart_order")) {
    out[*r[0]].line_status[std::stoll(*r[1])] = r[2].value_or("");
  }
  for (const auto& r :
       conn.query("SELECT purchaseOrderId, COUNT(*), SUM(chargeAmount), SUM(taxAmount) "
                  "FROM walmart_order_charge GROUP BY purchaseOrderId")) {
    OrderFacts& f = out[*r[0]];
    f.charges = std::stoll(*r[1]);
    f.charge_cents = cents_or_zero(r[2]);
    f.tax_cents = cents_or_zero(r[3]);
  }
  return out;
}

std::string compare_facts(const OrderFactsById& expected, const OrderFactsById& actual) {
  size_t missing = 0, extra = 0, different = 0;
  std::ostringstream first;
  int shown = 0;
  auto show = [&](const std::string& text) {
    if (shown++ < 8) first << "  " << text << "\n";
  };
  for (const auto& [id, f] : expected) {
    const auto it = actual.find(id);
    if (it == actual.end()) {
      ++missing;
      show("order " + id + " missing from MySQL (expected " + describe(f) + ")");
    } else if (!(it->second == f)) {
      ++different;
      show("order " + id + ": expected " + describe(f) + ", MySQL has " + describe(it->second));
    }
  }
  for (const auto& [id, f] : actual) {
    if (!expected.count(id)) {
      ++extra;
      show("order " + id + " in MySQL but not expected: " + describe(f));
    }
  }
  if (missing + extra + different == 0) return "";
  std::ostringstream s;
  s << expected.size() << " orders expected, " << actual.size() << " in MySQL: " << missing
    << " missing, " << extra << " unexpected, " << different << " different\n"
    << first.str();
  return s.str();
}

std::map<int32_t, int64_t> stored_offsets(const config::MysqlConfig& db, const std::string& group,
                                          const std::string& topic) {
  auto conn = mysql::Connection::open(db);
  std::map<int32_t, int64_t> out;
  for (const auto& r :
       conn.query("SELECT partition_id, next_offset FROM etl_kafka_offset WHERE consumer_group = " +
                  conn.quote(group) + " AND topic = " + conn.quote(topic))) {
    out[std::stoi(*r[0])] = std::stoll(*r[1]);
  }
  return out;
}

std::string compare_offsets(const std::map<int32_t, int64_t>& end_offsets,
                            const std::map<int32_t, int64_t>& stored) {
  std::ostringstream s;
  for (const auto& [p, end] : end_offsets) {
    const auto it = stored.find(p);
    const int64_t got = it == stored.end() ? 0 : it->second;
    if (got != end)
      s << "partition " << p << ": end offset " << end << ", stored next offset " << got << "\n";
  }
  for (const auto& [p, next] : stored) {
    if (!end_offsets.count(p))
      s << "partition " << p << " stored (" << next << ") but not in the topic\n";
  }
  return s.str();
}

std::string query_value(const config::MysqlConfig& db, const std::string& sql) {
  auto conn = mysql::Connection::open(db);
  const auto rows = conn.query(sql);
  if (rows.empty() || rows[0].empty() || !rows[0][0]) return "";
  return *rows[0][0];
}

int64_t query_count(const config::MysqlConfig& db, const std::string& sql) {
  const std::string v = query_value(db, sql);
  return v.empty() ? 0 : std::stoll(v);
}

}  // namespace etl::e2e
