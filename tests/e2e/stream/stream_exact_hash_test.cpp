// e2e: the exactly-once test (stream_exact_test.cpp) with the privacy policy `hash` on every
// personal field. The tables must equal, row by row, what the mapping writes of the messages
// redacted under the same key (so the policy is applied once per record, on every path: new
// orders, newer versions, arrays, poison messages become dead letters redacted where they parse),
// a restart continues without doubling, and no clear personal value of any produced order is
// anywhere in the tables; every personal column is NULL or a 64-digit hash.

#include <gtest/gtest.h>

#include <set>

#include "e2e/stream/stream_fixture.hpp"
#include "mysql/connection.hpp"
#include "mysql/schema.hpp"
#include "order/order_mapper.hpp"
#include "privacy/redactor.hpp"

namespace etl::stream_test {
namespace {

const std::string kKey = "e2e-stream-exact-hash-key-0123456789abcdef";

privacy::FieldPolicies hash_everything() {
  privacy::FieldPolicies p;
  p.policy.fill(config::FieldPolicy::hash);
  p.hash_key = kKey;
  return p;
}

// The messages as the stream must write them: each value through the redactor.
std::vector<ProducedMessage> redacted(const std::vector<ProducedMessage>& messages) {
  privacy::Redactor redactor(hash_everything());
  std::vector<ProducedMessage> out = messages;
  std::string bytes;
  for (auto& m : out) {
    if (redactor.redact(m.value, bytes).outcome == privacy::RedactOutcome::redacted) {
      m.value = bytes;
    }
  }
  return out;
}

// The clear personal values of the produced orders long enough that a hex hash cannot hold them
// by chance (emails, names, street addresses, phone numbers).
std::vector<std::string> clear_values(const std::vector<ProducedMessage>& messages) {
  order::OrderMapper mapper;
  std::set<std::string> values;
  for (const auto& m : messages) {
    for (const auto& o : mapper.parse_message(m.value).orders) {
      for (const auto& l : o.lines) {
        for (const auto& v : {l.customer_email_id, l.phone, l.recipient_name, l.address1,
                              l.address2, l.city, l.postal_code}) {
          if (v && v->size() >= 8) values.emplace(*v);
        }
      }
    }
  }
  return {values.begin(), values.end()};
}

// The tables as text. A dead letter whose payload is not JSON is kept as received (it cannot be
// redacted by path; purge removes it after privacy.dead_letter_retention_days): left out, counted.
std::string text_of(const Tables& t, size_t* unparsable = nullptr) {
  privacy::Redactor redactor(hash_everything());
  std::string text;
  std::string out;
  for (const auto* rows : {&t.orders, &t.charges, &t.raw, &t.dead_letters}) {
    for (const auto& row : *rows) {
      if (rows == &t.dead_letters && row.size() > 7 &&
          redactor.redact(row[7].value_or(""), out).outcome == privacy::RedactOutcome::not_json) {
        if (unparsable != nullptr) ++*unparsable;
        continue;
      }
      for (const auto& v : row) text += v.value_or("NULL") + "\t";
      text += "\n";
    }
  }
  return text;
}

void expect_no_clear_value(const std::vector<ProducedMessage>& messages, const Tables& actual,
                           const config::MysqlConfig& db) {
  // A value that also stands in a field that is not personal (a city in a ship node's name)
  // stays there after redaction: only what the redaction removes is looked for.
  privacy::Redactor redactor(hash_everything());
  std::string kept;
  std::string out;
  for (const auto& m : redacted(messages)) {
    if (redactor.redact(m.value, out).outcome != privacy::RedactOutcome::not_json) kept += m.value;
  }
  std::vector<std::string> values;
  for (auto& v : clear_values(messages)) {
    if (kept.find(v) == std::string::npos) values.push_back(std::move(v));
  }
  ASSERT_GT(values.size(), 100u) << "the orders carry personal data";
  size_t unparsable = 0;
  const std::string text = text_of(actual, &unparsable);
  EXPECT_GT(unparsable, 0u) << "the workload's invalid JSON messages";
  size_t found = 0;
  for (const auto& v : values) {
    if (text.find(v) != std::string::npos && ++found <= 5) {
      ADD_FAILURE() << "'" << v << "' is in the tables in clear";
    }
  }
  EXPECT_EQ(found, 0u);
  auto conn = mysql::Connection::open(db);
  size_t rows = 0;
  for (const auto& row :
       conn.query("SELECT customerEmailId, phone, recipient_name, address1, address2, city, "
                  "postalCode FROM walmart_order")) {
    ++rows;
    for (const auto& v : row) {
      if (v && !privacy::looks_hashed(*v)) ADD_FAILURE() << "not a hash: " << *v;
    }
  }
  EXPECT_GT(rows, 0u);
}

TEST(StreamExactHash, TablesEqualTheRedactedMappingAndARestartContinuesWithoutDoubling) {
  StreamEnv env(4);
  TopicWriter writer(env.broker->bootstraps(), env.topic);
  const OrderFeed feed(17);
  const auto first = produce_workload(writer, feed, 0, 800, 4);
  writer.flush();
  ASSERT_GT(first.poison, 5u);

  StreamSettings s = env.settings();
  s.batch_size = 120;
  s.parallelism = 2;
  s.privacy_hash_secret = kKey;
  ASSERT_EQ(env.run_until_idle(s, "first"), 0) << env.log_of("first");
  Tables expected = expected_tables(redacted(writer.messages()), env.topic);
  Tables actual = dump_tables(env.db->config(), env.group);
  expect_same_tables(expected, actual, "after the first run");
  expect_no_clear_value(writer.messages(), actual, env.db->config());
  EXPECT_EQ(kafka_committed(env.broker->bootstraps(), env.group, env.topic, 4), expected.offsets);

  // Newer versions of orders already written, and new orders: a second run writes only those.
  for (uint64_t i = 0; i < 150; ++i) {
    writer.produce(feed.purchase_order_id(i * 5), feed.order_json(i * 5, 4));
  }
  produce_workload(writer, feed, 2'000'000, 200, 5);
  writer.flush();
  ASSERT_EQ(env.run_until_idle(s, "second"), 0) << env.log_of("second");
  expected = expected_tables(redacted(writer.messages()), env.topic);
  actual = dump_tables(env.db->config(), env.group);
  expect_same_tables(expected, actual, "after the restart");
  expect_no_clear_value(writer.messages(), actual, env.db->config());

  // The same messages under `keep` would have given other tables: the policy did apply.
  const Tables clear = expected_tables(writer.messages(), env.topic);
  EXPECT_NE(text_of(clear), text_of(actual));
}

}  // namespace
}  // namespace etl::stream_test
