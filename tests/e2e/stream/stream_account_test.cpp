// Integration: the seller account of every row `walmart-etl stream` writes comes from the
// message's `account` header (fetch sets it), else stream.default_account; a message with neither
// goes to the dead letter; an order whose id is stored under another account is refused (dead
// letter), never moved. The dev broker and a fresh MariaDB database, the real binary.

#include <gtest/gtest.h>

#include "e2e/stream/stream_fixture.hpp"
#include "mysql/connection.hpp"

namespace etl::stream_test {
namespace {

std::string scalar(mysql::Connection& c, const std::string& sql) {
  const auto rows = c.query(sql);
  return rows.empty() || rows[0].empty() || !rows[0][0] ? "NULL" : *rows[0][0];
}

TEST(StreamAccount, RowsTakeTheHeaderOrTheDefaultAndNothingIsWrittenWithoutAnAccount) {
  StreamEnv env(2);
  TopicWriter writer(env.broker->bootstraps(), env.topic);
  const OrderFeed feed(5);
  writer.set_account("seller-a");
  for (uint64_t i = 0; i < 10; ++i)
    writer.produce(feed.purchase_order_id(i), feed.order_json(i, 1));
  writer.set_account("seller-b");
  for (uint64_t i = 10; i < 20; ++i)
    writer.produce(feed.purchase_order_id(i), feed.order_json(i, 1));
  writer.set_account(std::nullopt);  // no header at all
  writer.produce(feed.purchase_order_id(20), feed.order_json(20, 1));
  writer.set_account("");  // an empty header
  writer.produce(feed.purchase_order_id(21), feed.order_json(21, 1));
  writer.set_account("seller-b");  // seller-a's order 3, claimed by seller-b
  writer.produce(feed.purchase_order_id(3), feed.order_json(3, 2));
  writer.flush();

  StreamSettings s = env.settings();
  ASSERT_EQ(env.run_until_idle(s, "first"), 0) << env.log_of("first");
  auto c = mysql::Connection::open(env.db->config());
  EXPECT_EQ(scalar(c,
                   "SELECT COUNT(DISTINCT purchaseOrderId) FROM walmart_order WHERE account = "
                   "'seller-a'"),
            "10");
  EXPECT_EQ(scalar(c,
                   "SELECT COUNT(DISTINCT purchaseOrderId) FROM walmart_order WHERE account = "
                   "'seller-b'"),
            "10");
  EXPECT_EQ(scalar(c, "SELECT COUNT(*) FROM walmart_order WHERE account IS NULL OR account = ''"),
            "0");
  EXPECT_EQ(scalar(c, "SELECT COUNT(*) FROM walmart_order_raw WHERE account IS NULL"), "0");
  EXPECT_EQ(scalar(c, "SELECT COUNT(*) FROM walmart_order_raw"), "20");
  EXPECT_EQ(scalar(c,
                   "SELECT COUNT(*) FROM walmart_order_charge c JOIN walmart_order o USING "
                   "(purchaseOrderId, lineNumber) WHERE NOT c.account <=> o.account"),
            "0");
  EXPECT_EQ(scalar(c,
                   "SELECT COUNT(*) FROM walmart_order_raw r JOIN walmart_order o USING "
                   "(purchaseOrderId) WHERE NOT r.account <=> o.account"),
            "0");
  // The two untagged messages: dead letters saying why, account unknown.
  for (uint64_t i : {20u, 21u}) {
    const std::string where =
        " FROM walmart_order_dead_letter WHERE purchaseOrderId = " + feed.purchase_order_id(i);
    EXPECT_NE(scalar(c, "SELECT error_message" + where).find("stream.default_account is not set"),
              std::string::npos);
    EXPECT_EQ(scalar(c, "SELECT account" + where), "NULL");
  }
  // Order 3 stays seller-a's first version; seller-b's copy is a dead letter naming both.
  const std::string id3 = feed.purchase_order_id(3);
  EXPECT_EQ(scalar(c, "SELECT DISTINCT account FROM walmart_order WHERE purchaseOrderId = " + id3),
            "seller-a");
  const std::string why = scalar(
      c, "SELECT error_message FROM walmart_order_dead_letter WHERE purchaseOrderId = " + id3);
  EXPECT_NE(why.find("already stored for account 'seller-a'"), std::string::npos) << why;
  EXPECT_NE(why.find("'seller-b'"), std::string::npos) << why;
  EXPECT_EQ(
      scalar(c, "SELECT account FROM walmart_order_dead_letter WHERE purchaseOrderId = " + id3),
      "seller-b");
  EXPECT_EQ(scalar(c, "SELECT COUNT(*) FROM walmart_order_dead_letter"), "3");

  // With stream.default_account, untagged messages are written under it; tagged ones keep theirs.
  writer.set_account(std::nullopt);
  writer.produce(feed.purchase_order_id(30), feed.order_json(30, 1));
  writer.set_account("seller-a");
  writer.produce(feed.purchase_order_id(31), feed.order_json(31, 1));
  writer.flush();
  s.default_account = "legacy-seller";
  ASSERT_EQ(env.run_until_idle(s, "second"), 0) << env.log_of("second");
  EXPECT_EQ(scalar(c, "SELECT DISTINCT account FROM walmart_order WHERE purchaseOrderId = " +
                          feed.purchase_order_id(30)),
            "legacy-seller");
  EXPECT_EQ(scalar(c, "SELECT DISTINCT account FROM walmart_order WHERE purchaseOrderId = " +
                          feed.purchase_order_id(31)),
            "seller-a");
  EXPECT_EQ(scalar(c, "SELECT COUNT(*) FROM walmart_order_dead_letter"), "3");
}

}  // namespace
}  // namespace etl::stream_test
